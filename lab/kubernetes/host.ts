/**
 * What the lab's Kubernetes needs on the host outside its run directory, and its removal: the kubelets' cgroup
 * roots in every cgroup hierarchy, the mounts containerd and the kubelets make under the run directory, and the
 * entries they leave in the few host paths they hardcode (kubelet: /var/log/containers links and its
 * device-plugin socket; libcni: its result cache; containerd: shim sockets). Each function touches only what is
 * named after this lab (its cgroup roots, paths under its run directory).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCommand } from '../../src/executors/command';
import { kubernetesToolPath } from './tools';

/**
 * SHARED_HOST_PATHS: directories the kubelet, libcni and containerd create whatever their configuration says,
 * deepest first. `lab up` records which existed before it; `lab down` removes the others once empty.
 */
export const SHARED_HOST_PATHS = ['/var/log/containers', '/var/lib/kubelet/device-plugins', '/var/lib/kubelet', '/var/lib/cni/results', '/var/lib/cni', '/run/containerd/s', '/run/containerd'];
const CONTAINER_LOG_LINKS = '/var/log/containers';
const CNI_RESULTS = '/var/lib/cni/results';
const SHIM_SOCKET_DIR = '/run/containerd/s';
/** Every kubelet on the host recreates this socket (the path is hardcoded); nothing of the lab uses device plugins. */
const DEVICE_PLUGIN_SOCKET = '/var/lib/kubelet/device-plugins/kubelet.sock';

/** cgroupHierarchies: the mount points of every cgroup v1 hierarchy and the cgroup2 one (hybrid: `unified`). */
export function cgroupHierarchies(mounts = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  const points = mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[2] === 'cgroup' || fields[2] === 'cgroup2')
    .map((fields) => unescapeMount(fields[1] ?? ''));
  return [...new Set(points)].filter(Boolean);
}

/**
 * ensureCgroupRoot creates `root` (e.g. /scs-lab-node-1) in every hierarchy: the kubelet refuses to start when its
 * cgroupRoot is missing in any of them. A new cpuset cgroup starts with no CPUs and no memory nodes: copy the parent's.
 */
export async function ensureCgroupRoot(root: string): Promise<void> {
  for (const hierarchy of cgroupHierarchies()) {
    const dir = join(hierarchy, root);
    await mkdir(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (!existsSync(join(dir, file))) continue;
      const current = (await readFile(join(dir, file), 'utf8')).trim();
      if (current === '') await writeFile(join(dir, file), await readFile(join(dirname(dir), file), 'utf8'));
    }
  }
}

/** cgroupDirs: `root` and every cgroup below it, in every hierarchy, deepest first. */
export function cgroupDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone, or never made
    }
    for (const entry of entries) if (entry.isDirectory()) walk(join(dir, entry.name));
    found.push(dir);
  };
  for (const hierarchy of cgroupHierarchies()) walk(join(hierarchy, root));
  return found;
}

/** cgroupPids: every process in `root` or below, in any hierarchy (pods' processes, whatever their namespaces). */
export function cgroupPids(root: string): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupDirs(root)) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) pids.add(Number(line));
    } catch {
      // removed meanwhile
    }
  }
  return [...pids];
}

/** removeCgroupRoot removes `root` and its children (deepest first) in every hierarchy; returns the ones still there (busy). */
export function removeCgroupRoot(root: string): string[] {
  const busy: string[] = [];
  for (const dir of cgroupDirs(root)) {
    try {
      rmdirSync(dir);
    } catch {
      busy.push(dir);
    }
  }
  return busy;
}

/** mountsUnder: mount points at or under any of `dirs` in this mount namespace, deepest first. */
export function mountsUnder(dirs: string[], mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => unescapeMount(line.split(' ')[4] ?? ''))
    .filter((point) => point && dirs.some((dir) => point === dir || point.startsWith(`${dir}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** unmountUnder detaches (lazily: a busy mount goes when released) every mount under `dirs`; returns what it unmounted. */
export async function unmountUnder(dirs: string[]): Promise<string[]> {
  const points = mountsUnder(dirs);
  for (const point of points) await runCommand([kubernetesToolPath('umount'), '-l', point], { timeoutMs: 10_000 });
  return points;
}

/** recordPreexisting writes which SHARED_HOST_PATHS exist (once: the first lab up's view counts). */
export async function recordPreexisting(record: string): Promise<void> {
  if (existsSync(record)) return;
  await writeFile(record, `${JSON.stringify(SHARED_HOST_PATHS.filter((path) => existsSync(path)))}\n`, { mode: 0o644 });
}

/** containerLogLinks: the kubelets' links in /var/log/containers that point into `dir`. */
export function containerLogLinks(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(CONTAINER_LOG_LINKS);
  } catch {
    return [];
  }
  return names
    .map((name) => join(CONTAINER_LOG_LINKS, name))
    .filter((path) => {
      try {
        return readlinkSync(path).startsWith(`${dir}/`);
      } catch {
        return false;
      }
    });
}

/** cniResults: libcni's cached results (not configurable in containerd 1.6) that name a path under `dir` (the pod netns). */
export function cniResults(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(CNI_RESULTS);
  } catch {
    return [];
  }
  return names
    .map((name) => join(CNI_RESULTS, name))
    .filter((path) => {
      try {
        return readFileSync(path, 'utf8').includes(`${dir}/`);
      } catch {
        return false;
      }
    });
}

/**
 * shimSockets: the sockets of the shims the node's containerd started, in /run/containerd/s (hardcoded there, named
 * by a hash). containerd records each in the task's bundle (`<state>/io.containerd.runtime.v2.task/<ns>/<id>/address`);
 * a shim removes its socket when it exits cleanly, not when it is killed — `lab down` removes them after the kill.
 */
export function shimSockets(containerdState: string): string[] {
  const tasks = join(containerdState, 'io.containerd.runtime.v2.task');
  const sockets: string[] = [];
  for (const namespace of safeReaddir(tasks)) {
    for (const id of safeReaddir(join(tasks, namespace))) {
      try {
        const address = readFileSync(join(tasks, namespace, id, 'address'), 'utf8').trim().replace(/^unix:\/\//, '');
        if (address.startsWith(`${SHIM_SOCKET_DIR}/`)) sockets.push(address);
      } catch {
        // no address recorded (the task never started)
      }
    }
  }
  return sockets;
}

/**
 * cleanSharedHostPaths removes this lab's entries from the shared paths, then the paths `lab up` created (per its
 * record) when they are empty; without a record only the entries go. `otherKubeletsRun`: leave the device-plugin
 * socket to them.
 */
export async function cleanSharedHostPaths(dir: string, record: string, otherKubeletsRun: boolean): Promise<void> {
  for (const path of [...containerLogLinks(dir), ...cniResults(dir)]) await rm(path, { force: true });
  let preexisting: string[];
  try {
    preexisting = JSON.parse(await readFile(record, 'utf8')) as string[];
  } catch {
    return;
  }
  for (const path of SHARED_HOST_PATHS) {
    if (preexisting.includes(path)) continue;
    if (path === dirname(DEVICE_PLUGIN_SOCKET) && !otherKubeletsRun) {
      try {
        unlinkSync(DEVICE_PLUGIN_SOCKET);
      } catch {
        // not there
      }
    }
    try {
      rmdirSync(path);
    } catch {
      // not empty (someone else's entries) or already gone
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** /proc/self/mounts and mountinfo escape space, tab, newline and backslash as octal. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
