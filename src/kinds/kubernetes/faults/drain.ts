/**
 * kubernetes-drain: what `kubectl drain` does, bounded by the fault's duration — cordon the node (marked with the
 * injection's label and undo), then evict its pods through the Eviction API so PodDisruptionBudgets are honoured.
 * An eviction the budget refuses (HTTP 429) is retried every second while the fault lasts and counted; it is never
 * forced. Only pods in the environment's namespaces are evicted (kube-system and the like stay, as do DaemonSet and
 * mirror pods, which a drain leaves too). The undo uncordons; evicted pods are the workloads' to replace.
 */
import { ExperimentCompromised } from '../../../kernel/errors';
import { sleep } from '../../../kernel/clock';
import type { Fault } from '../../../core/fault';
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import { markOf } from '../artefacts';
import { Pod, podPath } from '../select/pods';
import { readNode } from '../taints';
import { CORDON_NEEDS, cordonCall, cordonedNode, readSchedulableNode } from './cordon';
import { KubeNeed, need } from '../rbac/needs';

export const DRAIN_KIND = 'kubernetes-drain';
const RETRY_MS = 1000;

/** drainNeeds: the cordon's, and in every namespace pods are evicted from (kubernetes.namespaces): pods listed, evicted. */
export function drainNeeds(namespaces: readonly string[]): KubeNeed[] {
  return [...CORDON_NEEDS, ...namespaces.flatMap((namespace) => [need('', 'pods', ['list'], namespace), need('', 'pods/eviction', ['create'], namespace)])];
}

/** DrainReport: what the evictions did so far, for the observed-check, the log and the "held back" judgement. */
export interface DrainReport {
  evicted: string[];
  /** Pod → HTTP 429 answers (a PodDisruptionBudget refused the eviction). */
  refused: Map<string, number>;
  /** Pods not evicted (yet). */
  waiting: Set<string>;
}

interface OwnedPod extends Pod {
  metadata: Pod['metadata'] & { ownerReferences?: { kind: string }[]; annotations?: Record<string, string> };
}

const drainable = (pod: OwnedPod, namespaces: readonly string[]): boolean =>
  namespaces.includes(pod.metadata.namespace ?? '') &&
  !pod.metadata.ownerReferences?.some((owner) => owner.kind === 'DaemonSet') &&
  !pod.metadata.annotations?.['kubernetes.io/config.mirror'] &&
  !pod.metadata.deletionTimestamp &&
  pod.status?.phase !== 'Succeeded' &&
  pod.status?.phase !== 'Failed';

export function drainNode(client: KubeClient, node: string, report: DrainReport = { evicted: [], refused: new Map(), waiting: new Set() }): Fault & { report: DrainReport } {
  const namespaces = client.spec.namespaces;
  let stop = false;
  let evicting: Promise<void> = Promise.resolve();
  const podsOnNode = async (): Promise<OwnedPod[]> => {
    const all: OwnedPod[] = [];
    for (const namespace of namespaces) {
      const list = await client.list<OwnedPod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { fieldSelector: `spec.nodeName=${node}` }, { resource: 'pods', namespace });
      all.push(...list.items.filter((pod) => drainable(pod, namespaces)));
    }
    return all;
  };
  const evict = async (pod: OwnedPod): Promise<void> => {
    const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    while (!stop) {
      try {
        await client.send({
          method: 'POST',
          path: `${podPath(pod.metadata.namespace ?? '', pod.metadata.name)}/eviction`,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } },
          subject: { verb: 'create', resource: 'pods/eviction', namespace: pod.metadata.namespace, name: pod.metadata.name },
        });
        report.evicted.push(name);
        report.waiting.delete(name);
        return;
      } catch (error) {
        if (error instanceof KubeApiError && error.notFound) {
          report.waiting.delete(name);
          return;
        }
        if (!(error instanceof KubeApiError && error.status === 429)) throw error;
        report.refused.set(name, (report.refused.get(name) ?? 0) + 1);
        await sleep(RETRY_MS);
      }
    }
  };
  const inspect = async (): Promise<void> => {
    await readSchedulableNode(client, node);
  };
  return {
    kind: DRAIN_KIND,
    reversible: true,
    harms: [{ unit: 'node', name: node }],
    report,
    describe: () => `drain Kubernetes node ${node}: cordon, evict its pods in ${namespaces.join(', ')} through the Eviction API (PodDisruptionBudgets honoured, refusals retried while the fault lasts; revert: uncordon)`,
    async planCheck() {
      await inspect();
      return `Kubernetes node ${node} exists and is schedulable; ${(await podsOnNode()).length} pod(s) to evict in ${namespaces.join(', ')}`;
    },
    async prepare(injectionId) {
      await inspect();
      return {
        ...cordonedNode(client, node, DRAIN_KIND),
        async apply() {
          await client.send(cordonCall(node, injectionId));
          const pods = await podsOnNode();
          for (const pod of pods) report.waiting.add(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`);
          // The evictions go on in the background, bounded by the fault: the revert stops their retries.
          evicting = Promise.all(pods.map(evict)).then(() => undefined);
          evicting.catch(() => undefined);
          await sleep(Math.min(RETRY_MS, 500));
        },
        async verifyActive() {
          if ((await readNode(client, node)).spec?.unschedulable !== true) throw new ExperimentCompromised(`drain of ${node}: the API answered, but the node is still schedulable`);
          const refused = [...report.refused].map(([pod, n]) => `${pod} (429 ×${n})`);
          return `node ${node} cordoned; evicted ${report.evicted.length ? report.evicted.join(', ') : 'none yet'}${refused.length ? `; held back by a PodDisruptionBudget: ${refused.join(', ')}` : ''}`;
        },
        async verifyReverted() {
          stop = true;
          await evicting.catch(() => undefined);
          const object = await readNode(client, node);
          if (object.spec?.unschedulable || markOf(object)) throw new ExperimentCompromised(`uncordon of ${node} after the drain: the node is still unschedulable or labelled`);
        },
      };
    },
  };
}
