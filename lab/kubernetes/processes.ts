/**
 * The lab's Kubernetes processes: its daemons and supervisords (their command lines name a file under
 * `<runDir>/kubernetes/`), containerd's shims (`-address <node dir>/containerd.sock`), and the pods' processes,
 * found by the node's cgroup root whatever namespaces they are in. Read from /proc and /sys only.
 */
import { basename } from 'node:path';
import { listProcesses, ProcessInfo } from '../processes';
import { cgroupPids } from './host';
import type { LabKubernetesPlan } from './plan';

/** Programs the lab's Kubernetes runs with a file under its directory on the command line. */
const DAEMONS = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'containerd', 'supervisord']);
const SHIM = 'containerd-shim-runc-v2';

/** kubernetesDaemons: etcd, the control plane, containerd, kubelets, kube-proxies and their supervisords of the lab at `dir`. */
export function kubernetesDaemons(dir: string, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const prefix = `${dir}/`;
  return processes.filter((p) => p.pid !== process.pid && p.argv.some((arg) => DAEMONS.has(basename(arg))) && p.argv.some((arg) => arg.startsWith(prefix)));
}

/** kubernetesShims: the runc shims started by the lab's containerds (they outlive containerd, one per pod). */
export function kubernetesShims(dir: string, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const prefix = `${dir}/`;
  return processes.filter((p) => basename(p.argv[0] ?? '') === SHIM && p.argv.some((arg, i) => p.argv[i - 1] === '-address' && arg.startsWith(prefix)));
}

/** podPids: the processes in the lab nodes' cgroup roots (containers, whichever shim or namespace they have). */
export function podPids(plan: LabKubernetesPlan): number[] {
  return plan.nodes.flatMap((node) => cgroupPids(node.cgroupRoot));
}

/** kubernetesPids: every pid of the lab's Kubernetes (daemons, shims, pods). */
export function kubernetesPids(plan: LabKubernetesPlan, processes: ProcessInfo[] = listProcesses()): number[] {
  return [...new Set([...kubernetesDaemons(plan.dir, processes), ...kubernetesShims(plan.dir, processes)].map((p) => p.pid).concat(podPids(plan)))];
}
