/**
 * Workloads as targets: a Deployment, StatefulSet or DaemonSet named `<kind> <namespace>/<name>` in a step, read
 * from the API server; its pods are the ones its label selector matches (matchLabels and matchExpressions, turned
 * into the API's labelSelector syntax).
 */
import { BadInput } from '../../../kernel/errors';
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import type { KubeObject } from '../client/list';
import { KubeNeed, need } from '../rbac/needs';

export const WORKLOAD_KINDS = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' } as const;
export type WorkloadKind = keyof typeof WORKLOAD_KINDS;

/** workloadReadNeeds: readWorkload's GET of the workload (group apps) in its namespace. */
export function workloadReadNeeds(ref: WorkloadRef): KubeNeed[] {
  return [need('apps', WORKLOAD_KINDS[ref.kind], ['get'], ref.namespace)];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface Workload extends KubeObject {
  kind?: string;
  spec?: { replicas?: number; selector?: LabelSelector };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    numberReady?: number;
    desiredNumberScheduled?: number;
    conditions?: { type: string; status: string; lastTransitionTime?: string; lastUpdateTime?: string; reason?: string }[];
  };
}

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export function workloadPath(ref: WorkloadRef): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/${WORKLOAD_KINDS[ref.kind]}/${encodeURIComponent(ref.name)}`;
}

export function describeWorkload(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** parseWorkloadRef: "default/web" of a kind named in the step; BadInput when it is not namespace/name. */
export function parseWorkloadRef(kind: string, text: string): WorkloadRef {
  if (!(kind in WORKLOAD_KINDS)) throw new BadInput(`"${kind}" is not a workload kind scs-chaos knows`, undefined, `write one of ${Object.keys(WORKLOAD_KINDS).join(', ')}`);
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  if (!match) throw new BadInput(`"${text}" does not name a ${kind} as namespace/name`, undefined, `write e.g. ${kind} default/web`);
  return { kind: kind as WorkloadKind, namespace: match[1] as string, name: match[3] as string };
}

/** readWorkload: the workload, or BadInput naming the cluster when it does not exist. */
export async function readWorkload(client: KubeClient, ref: WorkloadRef): Promise<Workload> {
  try {
    return await client.get<Workload>(workloadPath(ref), { resource: WORKLOAD_KINDS[ref.kind], namespace: ref.namespace, name: ref.name });
  } catch (error) {
    if (error instanceof KubeApiError && error.notFound) throw new BadInput(`${describeWorkload(ref)} does not exist in cluster ${client.connection.cluster}`, undefined, `name a ${ref.kind} that \`kubectl get ${WORKLOAD_KINDS[ref.kind]} -n ${ref.namespace}\` lists`);
    throw error;
  }
}

/** labelSelectorText: the API's labelSelector query for a workload's selector ("app=web,tier in (a,b)"). */
export function labelSelectorText(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = `(${(expression.values ?? []).join(',')})`;
    if (expression.operator === 'In') parts.push(`${expression.key} in ${values}`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin ${values}`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else parts.push(`!${expression.key}`);
  }
  return parts.join(',');
}
