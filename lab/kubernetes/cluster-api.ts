/**
 * Cluster API in the lab, as objects only: the CRDs of the published module (build.sh copies them into the cache)
 * installed into the lab's API server, a Cluster "lab" and one Machine per lab node whose status.nodeRef names the
 * node — what the Kubernetes kind reads to say which Machine a node is and whether a MachineHealthCheck covers it.
 * No Cluster API controller runs: nothing reconciles these objects, and the lab has no MachineHealthCheck, so a lost
 * node is reported as "no remediation configured" (docs/decisions/0113).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LabApi } from './api';
import type { LabKubernetesPlan } from './plan';
import { CLUSTER_API_CRDS, WEB_NAMESPACE } from './settings';

export const LAB_CLUSTER_NAME = 'lab';
const CAPI = 'cluster.x-k8s.io/v1beta1';
const APPLY = '?fieldManager=scs-chaos-lab&force=true';

export function clusterApiCrdDir(plan: LabKubernetesPlan): string {
  return join(plan.cache.crds, `cluster-api-${plan.versions.clusterApi}`);
}

async function apply(api: LabApi, path: string, object: unknown): Promise<void> {
  const answer = await api.call('PATCH', `${path}${APPLY}`, { body: JSON.stringify(object), contentType: 'application/apply-patch+yaml', timeoutMs: 15_000 });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`applying ${path} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
}

/** labMachine: the Machine of a lab node (required v1beta1 fields only; bootstrap and infrastructure are nominal). */
export function labMachine(node: string): Record<string, unknown> {
  return {
    apiVersion: CAPI,
    kind: 'Machine',
    metadata: { name: node, namespace: WEB_NAMESPACE, labels: { 'cluster.x-k8s.io/cluster-name': LAB_CLUSTER_NAME, 'scs-chaos.lab/role': 'worker' } },
    spec: { clusterName: LAB_CLUSTER_NAME, bootstrap: { dataSecretName: 'none' }, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'LabMachine', name: node } },
  };
}

/** applyClusterApi: CRDs established, the Cluster and the Machines applied, each Machine's nodeRef set. */
export async function applyClusterApi(api: LabApi, plan: LabKubernetesPlan, waitEstablished: (what: string, check: () => Promise<string | undefined>) => Promise<void>): Promise<void> {
  const dir = clusterApiCrdDir(plan);
  const names: string[] = [];
  for (const file of CLUSTER_API_CRDS) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as { metadata: { name: string } };
    names.push(crd.metadata.name);
    await apply(api, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, crd);
  }
  await waitEstablished('the Cluster API CRDs to be established', async () => {
    for (const name of names) {
      const crd = await api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return `${name} not established yet`;
    }
    return undefined;
  });
  const base = `/apis/${CAPI}/namespaces/${WEB_NAMESPACE}`;
  await apply(api, `${base}/clusters/${LAB_CLUSTER_NAME}`, { apiVersion: CAPI, kind: 'Cluster', metadata: { name: LAB_CLUSTER_NAME, namespace: WEB_NAMESPACE }, spec: {} });
  for (const { node } of plan.nodes) {
    await apply(api, `${base}/machines/${node.name}`, labMachine(node.name));
    const status = { apiVersion: CAPI, kind: 'Machine', metadata: { name: node.name, namespace: WEB_NAMESPACE }, status: { nodeRef: { apiVersion: 'v1', kind: 'Node', name: node.name }, phase: 'Running' } };
    await apply(api, `${base}/machines/${node.name}/status`, status);
  }
}
