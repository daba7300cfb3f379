/**
 * kubernetes-pod-delete: deletes a set of pods at once (one-shot: what heals is the workload's controller, and
 * that is what the scenario measures). Each DELETE carries the pod's uid as a precondition, so a replacement that
 * took the same name is never hit. Observed when every pod is gone or terminating (deletionTimestamp set).
 */
import { ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import { Pod, podPath } from '../select/pods';
import { KubeNeed, need } from '../rbac/needs';

export const POD_DELETE_KIND = 'kubernetes-pod-delete';

/** podDeleteNeeds: each pod read back (observed gone) and deleted, in its namespace. */
export function podDeleteNeeds(namespace: string): KubeNeed[] {
  return [need('', 'pods', ['get', 'delete'], namespace)];
}

export interface PodDeleteOptions {
  /** Seconds the pods get to shut down; undefined: each pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** How the pods were chosen, for plans and logs. */
  selection: string;
}

const podName = (pod: Pod): string => `${pod.metadata.namespace ?? '?'}/${pod.metadata.name}`;

export function deletePods(client: KubeClient, pods: readonly Pod[], options: PodDeleteOptions): Fault {
  const names = pods.map(podName);
  const grace = options.gracePeriodSeconds === undefined ? '' : ` with a grace period of ${options.gracePeriodSeconds}s`;
  const read = (pod: Pod): Promise<Pod | null> =>
    client.get<Pod>(podPath(pod.metadata.namespace ?? '', pod.metadata.name), { resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name }).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.notFound) return null;
      throw error;
    });
  return {
    kind: POD_DELETE_KIND,
    reversible: false,
    harms: names.map((name) => ({ unit: 'pod', name })),
    describe: () => `delete pod${pods.length === 1 ? '' : 's'} ${names.join(', ')}${grace} (${options.selection})`,
    async prepare() {
      return {
        kind: POD_DELETE_KIND,
        target: names.join(', '),
        reversible: false,
        preState: { pods: pods.map((pod) => ({ name: podName(pod), uid: pod.metadata.uid, node: pod.spec?.nodeName })) },
        revert: null,
        async apply() {
          await Promise.all(
            pods.map(async (pod) => {
              const body = { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: pod.metadata.uid }, ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }) };
              try {
                await client.send({ method: 'DELETE', path: podPath(pod.metadata.namespace ?? '', pod.metadata.name), body, subject: { verb: 'delete', resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name } });
              } catch (error) {
                // Gone already (404) or replaced by a pod of the same name (409 on the uid precondition): not ours to delete.
                if (!(error instanceof KubeApiError && (error.notFound || error.status === 409))) throw error;
              }
            }),
          );
        },
        async verifyActive() {
          const states = await Promise.all(
            pods.map(async (pod) => {
              const now = await read(pod);
              if (now === null || now.metadata.uid !== pod.metadata.uid) return `${podName(pod)} gone`;
              if (now.metadata.deletionTimestamp) return `${podName(pod)} terminating since ${String(now.metadata.deletionTimestamp)}`;
              throw new ExperimentCompromised(`delete of pod ${podName(pod)}: the API answered, but the pod is still there and not terminating`);
            }),
          );
          return `${states.join('; ')} (read back from the API server)`;
        },
        async verifyReverted() {
          // One-shot: nothing to revert; the replacements are what the scenario's probes and moments measure.
        },
      };
    },
  };
}
