/**
 * The objects of a `k8s submit` in the cluster (docs/decisions/0158): every one labelled scs-chaos/submit=<id>.
 * createObjects makes them in a given order; deleteObjects removes them (gone already is fine); submitLeftovers and
 * sweepSubmits find and delete what a killed submitter left — the Job and its pods go by themselves
 * (ttlSecondsAfterFinished), the ClusterRole and ClusterRoleBinding never would.
 */
import { errorMessage } from '../../../kernel/errors';
import type { KubeClient } from '../client/client';
import { KubeApiError, type RequestSubject } from '../client/errors';
import type { KubeObject } from '../client/list';

export const SUBMIT_LABEL = 'scs-chaos/submit';

/** SubmitObject: a manifest as `k8s submit` sends it. */
export interface SubmitObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface KindInfo {
  /** The collection's path without the namespace part: "/api/v1" + "configmaps". */
  base: string;
  plural: string;
  /** The resource as RBAC and error messages name it (plural.group). */
  resource: string;
  namespaced: boolean;
}

/** The kinds a submit creates, in the order they are deleted last-to-first (the Job before what its pods use). */
const KINDS: Record<string, KindInfo> = {
  ClusterRole: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', resource: 'clusterroles.rbac.authorization.k8s.io', namespaced: false },
  ClusterRoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', resource: 'clusterrolebindings.rbac.authorization.k8s.io', namespaced: false },
  Role: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', resource: 'roles.rbac.authorization.k8s.io', namespaced: true },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', resource: 'rolebindings.rbac.authorization.k8s.io', namespaced: true },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts', resource: 'serviceaccounts', namespaced: true },
  ConfigMap: { base: '/api/v1', plural: 'configmaps', resource: 'configmaps', namespaced: true },
  Job: { base: '/apis/batch/v1', plural: 'jobs', resource: 'jobs.batch', namespaced: true },
};

function kindInfo(kind: string): KindInfo {
  const info = KINDS[kind];
  if (!info) throw new Error(`k8s submit does not create objects of kind ${kind}`);
  return info;
}

function collectionPath(info: KindInfo, namespace: string | undefined): string {
  return info.namespaced ? `${info.base}/namespaces/${namespace ?? 'default'}/${info.plural}` : `${info.base}/${info.plural}`;
}

/** describeObject: "Job scs-chaos/scs-chaos-submit-…" for progress lines. */
export function describeObject(object: SubmitObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

function subject(info: KindInfo, object: SubmitObject, verb: string): RequestSubject {
  return { verb, resource: info.resource, name: object.metadata.name, ...(info.namespaced && object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
}

export async function createObject(client: KubeClient, object: SubmitObject): Promise<void> {
  const info = kindInfo(object.kind);
  await client.send({ method: 'POST', path: collectionPath(info, object.metadata.namespace), body: object, subject: subject(info, object, 'create') });
}

/**
 * deleteObject: deletes one object; true when it was there. Pods of a Job go with it (Background propagation: the
 * call returns at once, the pods get their SIGTERM and grace period).
 */
export async function deleteObject(client: KubeClient, object: SubmitObject): Promise<boolean> {
  const info = kindInfo(object.kind);
  try {
    await client.send({ method: 'DELETE', path: `${collectionPath(info, object.metadata.namespace)}/${object.metadata.name}`, query: { propagationPolicy: 'Background' }, subject: subject(info, object, 'delete') });
    return true;
  } catch (error) {
    if (error instanceof KubeApiError && error.notFound) return false;
    throw error;
  }
}

/** deleteObjects: every object, last created first; each failure is collected, never stops the others. */
export async function deleteObjects(client: KubeClient, objects: readonly SubmitObject[]): Promise<string[]> {
  const failures: string[] = [];
  for (const object of [...objects].reverse()) {
    try {
      await deleteObject(client, object);
    } catch (error) {
      failures.push(`${describeObject(object)}: ${errorMessage(error)}`);
    }
  }
  return failures;
}

/** submitLeftovers: every object labelled scs-chaos/submit in the namespaces (and cluster-wide), of any submit. */
export async function submitLeftovers(client: KubeClient, namespaces: readonly string[]): Promise<SubmitObject[]> {
  const found: SubmitObject[] = [];
  for (const [kind, info] of Object.entries(KINDS)) {
    for (const namespace of info.namespaced ? namespaces : [undefined]) {
      const listed = await client.list<KubeObject>(collectionPath(info, namespace), { labelSelector: SUBMIT_LABEL }, { resource: info.resource, ...(namespace ? { namespace } : {}) });
      for (const item of listed.items) found.push({ apiVersion: '', kind, metadata: { name: item.metadata.name, ...(namespace ? { namespace } : {}), labels: item.metadata.labels ?? {} } });
    }
  }
  return found;
}

interface PodPhase extends KubeObject {
  status?: { phase?: string };
}

/** submitPods: how many pods of submit `id` are in `namespace`, and how many of them have not ended (they may be reverting). */
export async function submitPods(client: KubeClient, namespace: string, id: string): Promise<{ total: number; running: number }> {
  const pods = await client.list<PodPhase>(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: `${SUBMIT_LABEL}=${id}` }, { resource: 'pods', namespace });
  return { total: pods.items.length, running: pods.items.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed').length };
}

/**
 * sweepSubmits: deletes what submits left. Jobs first: their pods get SIGTERM and revert their faults. The other
 * objects of a submit (its ServiceAccount and rights among them) go only once none of its pods runs, so a pod
 * that is reverting keeps its rights; such a submit is named, and the next sweep finishes it.
 */
export async function sweepSubmits(client: KubeClient, namespaces: readonly string[]): Promise<string[]> {
  const found = await submitLeftovers(client, namespaces);
  const idOf = (object: SubmitObject): string => object.metadata.labels?.[SUBMIT_LABEL] ?? '?';
  const lines: string[] = [];
  const remove = async (object: SubmitObject): Promise<void> => {
    try {
      if (await deleteObject(client, object)) lines.push(`deleted ${describeObject(object)} (${SUBMIT_LABEL}=${idOf(object)})`);
    } catch (error) {
      lines.push(`FAILED: ${describeObject(object)}: ${errorMessage(error)}`);
    }
  };
  for (const job of found.filter((o) => o.kind === 'Job')) await remove(job);
  const order = Object.keys(KINDS);
  const rest = found.filter((o) => o.kind !== 'Job').sort((a, b) => order.indexOf(b.kind) - order.indexOf(a.kind));
  for (const id of [...new Set(rest.map(idOf))]) {
    let running = 0;
    for (const namespace of namespaces) running += (await submitPods(client, namespace, id)).running;
    if (running > 0) {
      lines.push(`FAILED: submit ${id}: ${running} pod(s) still stopping (reverting their faults); kept its ServiceAccount and rights — sweep again in a few minutes`);
      continue;
    }
    for (const object of rest.filter((o) => idOf(o) === id)) await remove(object);
  }
  return lines;
}
