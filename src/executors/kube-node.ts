/**
 * KubeNodeExecutor: a Kubernetes node reached without ssh (issue 16 part 3, docs/decisions/0155). Every command
 * runs in a privileged helper pod on that node (hostPID, hostNetwork) and enters the host's mount, UTS and IPC
 * namespaces with `nsenter -t <hostProcess> -m -u -i` (intoHost), so it sees the node's files, tools, processes
 * and network exactly as the host executors do — the same shell recipes work unchanged. The network namespace is
 * the pod's, i.e. the node's (hostNetwork); on a lab node that is the node's own namespace.
 *
 * Standard input is handed to the command as an argument (`printf %s "$0" | "$@"`): exec streams before the
 * v5.channel.k8s.io protocol cannot close a command's input, and `nft -f -` would wait for ever.
 *
 * Detached scripts (the on-node expiry timers) run in a pod of their own that lives as long as the script and is
 * deleted when it ends, so a timer outlives the runner and never the fault it guards.
 *
 * The Kubernetes API work (pods, exec over WebSocket) is the Kubernetes kind's: it registers a NodePodTransport
 * (executors import no kind). startLineProcess is not offered: nothing that runs on Kubernetes nodes needs it.
 */
import type { KubeNodeSpec } from '../model/environment';
import type { CommandOptions, CommandResult } from './command';
import type { Executor } from './executor';
import type { LineProcess } from './line-process';

/** NodePodTransport: how commands reach a node through pods; implemented by the Kubernetes kind. */
export interface NodePodTransport {
  /**
   * exec: runs argv (no shell) in the node's helper pod, created on first use, and waits for its exit code.
   * Throws NodeUnreachable when the pod cannot be created or reached; a non-zero exit is a result, not an error.
   */
  exec(spec: KubeNodeSpec, argv: readonly string[], options: CommandOptions): Promise<CommandResult>;
  /** startDetached: runs argv to its end in a pod of its own on the node, deleted when it ends; resolves once it runs. */
  startDetached(spec: KubeNodeSpec, argv: readonly string[], name: string): Promise<void>;
  /** close: deletes the helper pods of this process (at the end of every command; detached pods live on). */
  close(): Promise<void>;
}

let registered: NodePodTransport | null = null;

/** closeNodePods: deletes this process's helper pods; called when a command ends, like closeSshMasters. */
export async function closeNodePods(): Promise<void> {
  await registered?.close();
}

/** registerKubeNodeTransport: called by the Kubernetes kind when it loads. */
export function registerKubeNodeTransport(transport: NodePodTransport): void {
  registered = transport;
}

/**
 * intoHost: the prefix that takes a command from the helper pod into the node's mount, UTS and IPC namespaces —
 * those of PID `hostProcess`, or of the process of that name in the pod's (the node's) network namespace: on a
 * machine with several nodes in network namespaces (the lab), each node's own containerd.
 */
export function intoHost(hostProcess: string): string[] {
  if (/^[0-9]+$/.test(hostProcess)) return ['nsenter', '-t', hostProcess, '-m', '-u', '-i', '--'];
  const script = [
    'n=$(readlink /proc/self/ns/net)',
    `for p in $(pidof ${hostProcess}); do [ "$(readlink /proc/$p/ns/net)" = "$n" ] && exec nsenter -t "$p" -m -u -i -- "$@"; done`,
    `echo "into-host: no ${hostProcess} process in this node's network namespace" >&2; exit 126`,
  ].join('; ');
  return ['sh', '-c', script, 'into-host'];
}

/** withInput: argv that feeds `input` to the command's standard input without an input stream. */
export function withInput(argv: readonly string[], input: string): string[] {
  return ['sh', '-c', 'printf %s "$0" | "$@"', input, ...argv];
}

export class KubeNodeExecutor implements Executor {
  readonly description: string;

  constructor(readonly spec: KubeNodeSpec) {
    this.description = `Kubernetes node ${spec.node} (helper pods in namespace ${spec.namespace})`;
  }

  private transport(): NodePodTransport {
    if (!registered) throw new Error(`${this.description}: the kube-node executor needs the Kubernetes kind, which is not loaded`);
    return registered;
  }

  run(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const { input, ...rest } = options;
    const command = input === undefined ? argv : withInput(argv, input);
    return this.transport().exec(this.spec, [...intoHost(this.spec.hostProcess), ...command], rest);
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.run(['sh', '-c', script], options);
  }

  spawnDetached(script: string, name: string): Promise<void> {
    return this.transport().startDetached(this.spec, [...intoHost(this.spec.hostProcess), 'sh', '-c', script, name], name);
  }

  startLineProcess(argv: readonly string[]): LineProcess {
    throw new Error(`${this.description}: long-running line processes (${argv.join(' ')}) are not offered by the kube-node executor`);
  }
}
