/**
 * kubernetes-drain: what `kubectl drain` does, bounded by the fault's duration — cordon the node (marked with the
 * injection's label and undo), then evict its pods through the Eviction API so PodDisruptionBudgets are honoured.
 * An eviction the budget refuses (HTTP 429) is retried every second while the fault lasts and counted; it is never
 * forced. Only pods in the environment's namespaces are evicted (kube-system and the like stay, as do DaemonSet and
 * mirror pods, which a drain leaves too). The undo uncordons; evicted pods are the workloads' to replace.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { sleep } from '../../../kernel/clock';
import type { Fault } from '../../../core/fault';
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import { INJECTION_LABEL, markedMetadata, markOf } from '../artefacts';
import { kubeRecipe } from '../recipe';
import { Pod, podPath } from '../select/pods';
import { nodePath, readNode } from '../taints';
import { uncordonCall } from './cordon';

export const DRAIN_KIND = 'kubernetes-drain';
const RETRY_MS = 1000;

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
    const object = await readNode(client, node).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.notFound) throw new BadInput(`Kubernetes node ${node} does not exist in cluster ${client.connection.cluster}`, undefined, 'name a node that `kubectl get nodes` lists');
      throw error;
    });
    const mark = markOf(object);
    if (mark) throw new BadInput(`Kubernetes node ${node} carries ${INJECTION_LABEL}=${mark}: a fault of another injection is on it`, undefined, 'wait for that fault to end, or run scs-chaos sweep if its run is gone');
    if (object.spec?.unschedulable) throw new BadInput(`Kubernetes node ${node} is already cordoned`, undefined, `uncordon it first (kubectl uncordon ${node}) or pick another node: the revert would uncordon it`);
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
        kind: DRAIN_KIND,
        target: `Kubernetes node ${node}`,
        reversible: true,
        preState: { unschedulable: false },
        revert: kubeRecipe(client.spec, `node ${node}`, [uncordonCall(node)]),
        async apply() {
          await client.send({ method: 'PATCH', path: nodePath(node), patchType: 'merge', body: { metadata: markedMetadata(injectionId, [uncordonCall(node)]), spec: { unschedulable: true } }, subject: { verb: 'patch', resource: 'nodes', name: node } });
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
