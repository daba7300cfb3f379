/**
 * PrivateContainerd: a containerd of the test's own (root), started and stopped by the test: its root, state,
 * sockets, runc root, FIFOs and `opt` directory are under one temporary directory, its CRI plugin is off, and its
 * containers run in their own network namespace (not a named one) and a one-level cgroup of their own. So images and
 * containers never reach the host's containerd or a lab node's, and stop() leaves nothing behind: it ends the
 * daemon and any shim it started, unmounts what is under its directory, removes the directory, and removes the
 * directories containerd hardcodes (/run/containerd/s for shim sockets) when they were not there before.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from '../../src/executors/command';
import { removeCgroupRoot, unmountUnder } from '../../lab/kubernetes/host';
import { waitUntil } from '../support/wait-until';

/** The paths containerd and its shims create whatever the configuration says, deepest first. */
const HARDCODED_PATHS = ['/run/containerd/s', '/run/containerd'];
/** The namespace of the tests' images and containers: the CRI's, which the lab imports into (lab/kubernetes/node-images.ts). */
export const NAMESPACE = 'k8s.io';

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface PrivateContainerd {
  dir: string;
  socket: string;
  /** ctr against this containerd, in NAMESPACE. */
  ctr(args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** run: `ctr run --rm IMAGE ID ARGS...` (the image's entrypoint with ARGS), its output once it exits. */
  run(image: string, id: string, args: string[], options?: RunOptions): Promise<CommandResult>;
  stop(): Promise<void>;
}

function configText(dir: string, socket: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "${socket}"
[ttrpc]
  address = "${socket}.ttrpc"
# default /opt/containerd, shared by every containerd on the host
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
`;
}

/** shimPids: containerd-shim processes started for this containerd (their command line names its socket). */
function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.includes('containerd-shim') && argv.includes(socket)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** startPrivateContainerd: starts the daemon and waits (up to 20 s) until ctr reaches it. */
export async function startPrivateContainerd(): Promise<PrivateContainerd> {
  const preexisting = HARDCODED_PATHS.filter((path) => existsSync(path));
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-containerd-'));
  const socket = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'config.toml'), configText(dir, socket));
  const daemon = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => daemon.on('close', () => resolve()));
  const cgroups: string[] = [];

  const ctr = (args: string[], timeoutMs = 30_000): Promise<CommandResult> => runCommand(['ctr', '-a', socket, '-n', NAMESPACE, ...args], { timeoutMs });
  const stop = async (): Promise<void> => {
    daemon.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!stopped) {
      daemon.kill('SIGKILL');
      await exited;
    }
    for (const pid of shimPids(socket)) process.kill(pid, 'SIGKILL');
    await waitUntil(() => shimPids(socket).length === 0, 5000);
    await unmountUnder([dir]);
    for (const cgroup of cgroups) removeCgroupRoot(cgroup);
    await rm(dir, { recursive: true, force: true });
    for (const path of HARDCODED_PATHS) {
      if (preexisting.includes(path)) continue;
      try {
        rmdirSync(path);
      } catch {
        // not empty (another containerd's entries) or already gone
      }
    }
  };

  const reachable = await waitUntil(async () => (await ctr(['version'], 5000).catch(() => ({ code: -1 }))).code === 0, 20_000, 200);
  if (!reachable) {
    await stop();
    throw new Error(`the test's containerd did not answer on ${socket} within 20 s; its log:\n${log}`);
  }
  const run = (image: string, id: string, args: string[], options: RunOptions = {}): Promise<CommandResult> => {
    const cgroup = `/scs-chaos-test-${process.pid}-${id}`;
    cgroups.push(cgroup);
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
    const flags = ['--rm', '--runc-root', join(dir, 'runc'), '--fifo-dir', join(dir, 'fifo'), '--cgroup', cgroup, ...env];
    return ctr(['run', ...flags, image, id, ...args], options.timeoutMs ?? 60_000);
  };
  return { dir, socket, ctr, run, stop };
}
