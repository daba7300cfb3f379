/**
 * Cluster API objects as the Kubernetes kind reads them (cluster.x-k8s.io/v1beta1): the Machine whose
 * status.nodeRef names a node, and the MachineHealthChecks that cover it (same namespace and cluster, selector
 * matching the Machine's labels). Where Machines live: the cluster the environment's kubernetes: section reaches
 * (a management cluster: kubernetes.clusterApi). A cluster without the CRDs has no Cluster API to report on.
 */
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import type { KubeObject } from '../client/list';
import { labelsMatch } from '../select/label-match';
import type { LabelSelector } from '../select/workloads';
import { KubeNeed, need } from '../rbac/needs';

export const CAPI_GROUP = '/apis/cluster.x-k8s.io/v1beta1';

/**
 * CLUSTER_API_NEEDS: Machines and MachineHealthChecks are listed across namespaces, and a node's Machine is watched
 * in its namespace (capi/scenario.ts), known only at run time — so cluster-wide, in the management cluster.
 */
export const CLUSTER_API_NEEDS: readonly KubeNeed[] = [
  need('cluster.x-k8s.io', 'machines', ['list', 'watch'], null, 'management'),
  need('cluster.x-k8s.io', 'machinehealthchecks', ['list'], null, 'management'),
];

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
}

export interface Machine extends KubeObject {
  spec?: { clusterName?: string };
  status?: { nodeRef?: { name: string }; phase?: string; conditions?: Condition[] };
}

export interface MachineHealthCheck extends KubeObject {
  spec?: { clusterName?: string; selector?: LabelSelector; unhealthyConditions?: { type: string; status: string; timeout: string }[]; nodeStartupTimeout?: string; maxUnhealthy?: string | number };
}

/** machines: every Machine (all namespaces); null when the cluster does not serve the Cluster API. */
export async function listMachines(client: KubeClient): Promise<Machine[] | null> {
  try {
    return (await client.list<Machine>(`${CAPI_GROUP}/machines`, {}, { resource: 'machines.cluster.x-k8s.io' })).items;
  } catch (error) {
    if (error instanceof KubeApiError && error.notFound) return null;
    throw error;
  }
}

export async function listHealthChecks(client: KubeClient): Promise<MachineHealthCheck[]> {
  return (await client.list<MachineHealthCheck>(`${CAPI_GROUP}/machinehealthchecks`, {}, { resource: 'machinehealthchecks.cluster.x-k8s.io' })).items;
}

export function machineOfNode(machines: readonly Machine[], node: string): Machine | undefined {
  return machines.find((machine) => machine.status?.nodeRef?.name === node);
}

/** covering: the health checks that watch a Machine. */
export function covering(checks: readonly MachineHealthCheck[], machine: Machine): MachineHealthCheck[] {
  return checks.filter((check) => check.metadata.namespace === machine.metadata.namespace && check.spec?.clusterName === machine.spec?.clusterName && labelsMatch(check.spec?.selector, machine.metadata.labels));
}

export const qualified = (object: KubeObject): string => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
