/**
 * kubernetes-container-kill: SIGKILLs one container of a pod through the runtime on the pod's node (containerd's
 * `ctr task kill`, over the environment node's executor), the way an OOM kill or a crash ends it — the kubelet is
 * expected to restart it, and the pod's restartCount rises (judged by the watches: "a container of the watched
 * pods is restarted within"). One-shot. The node must be an environment node (that is how it is reached) in scope.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { sleep } from '../../../kernel/clock';
import type { Fault } from '../../../core/fault';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { KubeClient } from '../client/client';
import type { Pod } from '../select/pods';

export const CONTAINER_KILL_KIND = 'kubernetes-container-kill';

export interface ContainerTarget {
  pod: Pod;
  container: string;
  /** containerd's id (containerStatuses[].containerID without "containerd://"). */
  containerId: string;
  node: string;
}

/** containerTarget: the named (or first) container of a pod, with its runtime id; BadInput when it is not running on containerd. */
export function containerTarget(pod: Pod, container?: string): ContainerTarget {
  const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
  const status = container ? pod.status?.containerStatuses?.find((c) => c.name === container) : pod.status?.containerStatuses?.[0];
  if (!status) throw new BadInput(`pod ${name} has no ${container ? `container ${container}` : 'container status'}`, undefined, `name one of: ${(pod.status?.containerStatuses ?? []).map((c) => c.name).join(', ') || '(none running)'}`);
  const match = /^containerd:\/\/([0-9a-f]{64})$/.exec(status.containerID ?? '');
  if (!match) throw new BadInput(`container ${status.name} of pod ${name} does not run on containerd (${status.containerID ?? 'no container id'})`, undefined, 'container kills go through containerd (ctr); pick a pod on a containerd node');
  const node = pod.spec?.nodeName;
  if (!node) throw new BadInput(`pod ${name} is not scheduled on a node`, undefined, 'pick a running pod');
  return { pod, container: status.name, containerId: match[1] as string, node };
}

export function killContainer(client: KubeClient, target: ContainerTarget, executor: Executor): Fault {
  const socket = client.spec.runtimeSocket.replaceAll('{node}', target.node);
  const ctr = (args: string): string => `ctr --address ${shellQuote(socket)} --namespace k8s.io ${args}`;
  const label = `container ${target.container} of pod ${target.pod.metadata.namespace ?? ''}/${target.pod.metadata.name} on ${target.node}`;
  const taskStatus = async (): Promise<string> => {
    const listed = await executor.runScript(ctr('task ls'), { timeoutMs: 10_000 });
    if (listed.code !== 0) throw new ExperimentCompromised(`ctr task ls on ${target.node} failed: ${(listed.stderr || listed.stdout).trim()}`);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(target.containerId));
    return line ? (line.trim().split(/\s+/)[2] ?? 'UNKNOWN') : 'gone';
  };
  return {
    kind: CONTAINER_KILL_KIND,
    reversible: false,
    harms: [{ unit: 'pod', name: `${target.pod.metadata.namespace ?? ''}/${target.pod.metadata.name}` }],
    describe: () => `SIGKILL ${label} through containerd (ctr task kill)`,
    async planCheck() {
      const status = await taskStatus().catch((error: unknown) => {
        throw new BadInput(`the container runtime on ${target.node} cannot be asked: ${String(error instanceof Error ? error.message : error)}`, undefined, `check kubernetes.runtimeSocket (${socket}) and that ctr is installed on ${target.node}`);
      });
      if (status !== 'RUNNING') throw new BadInput(`${label} is not running in containerd (task ${status})`, undefined, 'pick a running pod');
      return `${label} runs as containerd task ${target.containerId.slice(0, 12)}`;
    },
    async prepare() {
      return {
        kind: CONTAINER_KILL_KIND,
        target: label,
        reversible: false,
        preState: { containerId: target.containerId, restartCount: target.pod.status?.containerStatuses?.find((c) => c.name === target.container)?.restartCount ?? 0 },
        revert: null,
        async apply() {
          const killed = await executor.runScript(ctr(`task kill --signal SIGKILL ${target.containerId}`), { timeoutMs: 10_000 });
          if (killed.code !== 0) throw new Error(`ctr task kill on ${target.node} failed: ${(killed.stderr || killed.stdout).trim()}`);
        },
        async verifyActive() {
          // containerd takes a moment to record the task's exit: read it a few times before calling it a failure.
          let status = await taskStatus();
          for (let i = 0; i < 10 && status === 'RUNNING'; i++) {
            await sleep(200);
            status = await taskStatus();
          }
          if (status === 'RUNNING') throw new ExperimentCompromised(`kill of ${label}: ctr answered, but the task is still RUNNING`);
          return `containerd task ${target.containerId.slice(0, 12)} on ${target.node} is ${status} (read back from containerd)`;
        },
        async verifyReverted() {
          // One-shot: the kubelet's restart is what the scenario measures.
        },
      };
    },
  };
}
