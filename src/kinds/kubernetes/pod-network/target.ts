/**
 * A pod's network namespace as the target of the existing network faults (isolation, loss, latency, bandwidth):
 * the pod's node is reached through its environment executor, and every command enters the pod sandbox's network
 * namespace with nsenter (src/executors/nsenter.ts; containerd names it /proc/<sandbox pid>/ns/net). Files stay the
 * node's: the faults' revert markers live in /run/scs-chaos/<pod marker name>/ beside a `netns` file naming the
 * namespace, which is how preflight and sweep find and undo them (leftovers.ts). Witnesses of the data-plane
 * proof are the environment's other nodes, knocking at the pod's address.
 */
import { BadInput } from '../../../kernel/errors';
import { requireNodesInScope } from '../../../core/scope';
import { executorFor } from '../../../executors';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import { NsenterExecutor } from '../../../executors/nsenter';
import type { Environment, NodeSpec } from '../../../model/environment';
import type { ShellTarget } from '../../../revert/shell-fault';
import { MARKER_DIR } from '../../../revert/shell-markers';
import type { KubeClient } from '../client/client';
import { containerTarget } from '../faults/container-kill';
import type { Pod } from '../select/pods';

/** POD_MARKER_PREFIX: marker directories of pod-network faults start with it (leftovers.ts finds them). */
export const POD_MARKER_PREFIX = 'pod-';

export interface PodNetworkTarget extends ShellTarget {
  witnesses: ShellTarget[];
  /** The pod's node in the environment (reached through its executor). */
  host: NodeSpec;
  netns: string;
  /** writeNetnsRecord: leaves /run/scs-chaos/<marker name>/netns on the node, before the fault (sweep reads it). */
  writeNetnsRecord(): Promise<void>;
  /** removeNetnsRecord: removes the record and its directory once no revert marker is left in it. */
  removeNetnsRecord(): Promise<void>;
}

/** podMarkerName: "pod-<namespace>-<pod>", the pod's marker directory name (and its name in fault lines). */
export function podMarkerName(pod: Pod): string {
  return `${POD_MARKER_PREFIX}${pod.metadata.namespace ?? 'default'}-${pod.metadata.name}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** sandboxNetns: the network namespace path containerd gave the pod's sandbox, read from one of its containers. */
async function sandboxNetns(client: KubeClient, hostExecutor: Executor, pod: Pod, node: string): Promise<string> {
  const { containerId } = containerTarget(pod);
  const socket = client.spec.runtimeSocket.replaceAll('{node}', node);
  const info = await hostExecutor.run(['ctr', '--address', socket, '--namespace', 'k8s.io', 'containers', 'info', containerId], { timeoutMs: 10_000 });
  if (info.code !== 0) throw new BadInput(`the container runtime on ${node} cannot describe pod ${pod.metadata.name}'s container: ${(info.stderr || info.stdout).trim()}`, undefined, `check kubernetes.runtimeSocket (${socket}) and that ctr is installed on ${node}`);
  const spec = JSON.parse(info.stdout) as { Spec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
  const path = spec.Spec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
  if (!path) throw new BadInput(`pod ${pod.metadata.name} has no network namespace of its own (hostNetwork?)`, undefined, 'network faults on a host-network pod are node faults: target the node');
  return path;
}

export async function podNetworkTarget(env: Environment, client: KubeClient, pod: Pod): Promise<PodNetworkTarget> {
  const nodeName = pod.spec?.nodeName;
  const host = env.nodes.find((n) => n.name === nodeName);
  if (!nodeName || !host) throw new BadInput(`pod ${pod.metadata.name} runs on Kubernetes node ${nodeName ?? '(none)'}, which is not a node of environment ${env.name}`, { file: env.sourcePath }, 'list the node under nodes: (with its executor) so the pod\'s network namespace can be reached');
  requireNodesInScope(env, [host.name], `a network fault on pod ${pod.metadata.name}`);
  if (!pod.status?.podIP) throw new BadInput(`pod ${pod.metadata.name} has no IP address yet`, undefined, 'pick a running pod');
  const hostExecutor = executorFor(host.executor);
  const netns = await sandboxNetns(client, hostExecutor, pod, host.name);
  const name = podMarkerName(pod);
  const executor = new NsenterExecutor(hostExecutor, netns);
  const node: NodeSpec = { name, address: pod.status.podIP, roles: [], executor: executor.spec };
  const witnesses = env.nodes.filter((other) => other.name !== host.name && other.address !== host.address).map((other) => ({ node: other, executor: executorFor(other.executor) }));
  return {
    node,
    executor,
    witnesses,
    host,
    netns,
    async writeNetnsRecord() {
      const dir = `${MARKER_DIR}/${name}`;
      const written = await hostExecutor.runScript(`mkdir -p ${shellQuote(dir)} && printf '%s\\n' ${shellQuote(netns)} > ${shellQuote(`${dir}/netns`)}`, { timeoutMs: 10_000 });
      if (written.code !== 0) throw new Error(`recording the network namespace of pod ${pod.metadata.name} on ${host.name} failed: ${written.stderr.trim()}`);
    },
    async removeNetnsRecord() {
      const dir = `${MARKER_DIR}/${name}`;
      await hostExecutor.runScript(`ls ${shellQuote(dir)}/*.revert >/dev/null 2>&1 || rm -rf ${shellQuote(dir)}`, { timeoutMs: 10_000 });
    },
  };
}
