/**
 * Pod selection: the running pods of a namespace that a label selector matches, and a seeded pick of a count or a
 * percentage of them (percentages round half up, at least one: "50% of 3" is 2). Pods being deleted are not
 * candidates. Taking every matching pod is refused unless the scenario is @destructive (fault-context.ts).
 */
import { BadInput } from '../../../kernel/errors';
import { pickSeeded } from '../../../kernel/random';
import type { KubeClient } from '../client/client';
import type { KubeObject } from '../client/list';
import { KubeFaultContext, requireNamespace, requireNotAll } from '../fault-context';
import { KubeNeed, need } from '../rbac/needs';

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name: string; containerID?: string; restartCount: number; ready: boolean; state?: Record<string, { startedAt?: string; finishedAt?: string } | undefined> }[];
  };
}

export type PodAmount = { count: number } | { percent: number };

export interface PodSelection {
  pods: Pod[];
  /** Matching running pods the pick was made from. */
  candidates: number;
  /** List pages the API server answered (paginated list). */
  pages: number;
  description: string;
}

/** podSelectionNeeds: runningPods lists the pods of a namespace (by label selector) to pick from. */
export function podSelectionNeeds(namespace: string): KubeNeed[] {
  return [need('', 'pods', ['list'], namespace)];
}

export function podsPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

export function podPath(namespace: string, name: string): string {
  return `${podsPath(namespace)}/${encodeURIComponent(name)}`;
}

/** runningPods: pods that match, are Running and are not being deleted, sorted by name. */
export async function runningPods(client: KubeClient, namespace: string, labelSelector: string): Promise<{ pods: Pod[]; pages: number }> {
  const list = await client.list<Pod>(podsPath(namespace), { labelSelector }, { resource: 'pods', namespace });
  const pods = list.items.filter((pod) => pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return { pods, pages: list.pages };
}

/** amountOf: how many of `total` pods an amount means. */
export function amountOf(amount: PodAmount, total: number): number {
  if ('count' in amount) return amount.count;
  return Math.max(1, Math.round((amount.percent * total) / 100));
}

export function describeAmount(amount: PodAmount): string {
  return 'count' in amount ? String(amount.count) : `${amount.percent}%`;
}

/** selectPods: `amount` of the running pods `labelSelector` matches in `namespace`, picked with the run's seed. */
export async function selectPods(context: KubeFaultContext, namespace: string, labelSelector: string, amount: PodAmount, seed: number, what: string): Promise<PodSelection> {
  requireNamespace(context, namespace, what);
  if ('percent' in amount && !(amount.percent > 0 && amount.percent <= 100)) throw new BadInput(`${what}: ${amount.percent}% is not a share of pods`, undefined, 'write a percentage above 0 and at most 100');
  if ('count' in amount && !(Number.isInteger(amount.count) && amount.count >= 1)) throw new BadInput(`${what}: ${amount.count} is not a number of pods`, undefined, 'write a whole number of pods, at least 1');
  const { pods: candidates, pages } = await runningPods(context.client, namespace, labelSelector);
  if (candidates.length === 0) throw new BadInput(`${what}: no running pod in namespace ${namespace} matches "${labelSelector}" in cluster ${context.client.connection.cluster}`, undefined, `check the selector with kubectl get pods -n ${namespace} -l '${labelSelector}'`);
  const count = amountOf(amount, candidates.length);
  if (count > candidates.length) throw new BadInput(`${what}: ${count} pods asked for, but only ${candidates.length} are running`, undefined, `ask for at most ${candidates.length}, or a percentage`);
  requireNotAll(context, count, candidates.length, what);
  const pods = pickSeeded(candidates, count, seed).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return { pods, candidates: candidates.length, pages, description: `${describeAmount(amount)} of ${candidates.length} running pods (${labelSelector}) in ${namespace} → ${pods.map((p) => `${p.metadata.name} on ${p.spec?.nodeName ?? '?'}`).join(', ')} (seed ${seed})` };
}
