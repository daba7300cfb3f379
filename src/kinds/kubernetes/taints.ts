/**
 * Node taints, read-modify-write: the taint list is shared with the node lifecycle controller (it adds and removes
 * node.kubernetes.io/not-ready and /unreachable while a node is lost), so a fault never writes back a list it read
 * earlier. Each write carries the resourceVersion it read; a conflict (409) is read again, a bounded number of times.
 */
import type { KubeClient } from './client/client';
import { BadInput } from '../../kernel/errors';
import { KubeApiError } from './client/errors';
import { INJECTION_LABEL, markOf, REVERT_ANNOTATION, UNMARK_METADATA } from './artefacts';
import type { KubeObject } from './client/list';
import { KubeNeed, need } from './rbac/needs';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  /** Set by the API server for NoExecute taints: when the taint was added (RFC 3339). */
  timeAdded?: string;
}

export interface TaintedNode extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean };
}

const ATTEMPTS = 5;

export const nodePath = (name: string): string => `/api/v1/nodes/${encodeURIComponent(name)}`;

/** NODE_FAULT_NEEDS: a fault that changes a node reads it (readTargetNode) and patches it (its mark, taints, unschedulable). */
export const NODE_FAULT_NEEDS: readonly KubeNeed[] = [need('', 'nodes', ['get', 'patch'])];

export function readNode(client: KubeClient, node: string): Promise<TaintedNode> {
  return client.get<TaintedNode>(nodePath(node), { resource: 'nodes', name: node });
}

/**
 * readTargetNode: the node a fault is about to change — BadInput when it does not exist, or when a fault of another
 * injection is on it (its label): two undos of one object would undo each other.
 */
export async function readTargetNode(client: KubeClient, node: string): Promise<TaintedNode> {
  const object = await readNode(client, node).catch((error: unknown) => {
    if (error instanceof KubeApiError && error.notFound) throw new BadInput(`Kubernetes node ${node} does not exist in cluster ${client.connection.cluster}`, undefined, 'name a node that `kubectl get nodes` lists');
    throw error;
  });
  const mark = markOf(object);
  if (mark) throw new BadInput(`Kubernetes node ${node} carries ${INJECTION_LABEL}=${mark}: a fault of another injection is on it`, undefined, 'wait for that fault to end, or run scs-chaos sweep if its run is gone');
  return object;
}

/** findTaint: the taint with this key and effect on the node, if any. */
export function findTaint(object: TaintedNode, key: string, effect: string): Taint | undefined {
  return object.spec?.taints?.find((taint) => taint.key === key && taint.effect === effect);
}

/** editTaints: applies `edit` to the node's current taints and writes them back, retrying on conflicts. */
async function editTaints(client: KubeClient, node: string, edit: (taints: Taint[], object: TaintedNode) => Taint[] | null, metadata: Record<string, unknown> = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const object = await readNode(client, node);
    const taints = edit([...(object.spec?.taints ?? [])], object);
    if (taints === null) return;
    try {
      await client.send({
        method: 'PATCH',
        path: nodePath(node),
        patchType: 'merge',
        body: { metadata: { resourceVersion: object.metadata.resourceVersion, ...metadata }, spec: { taints } },
        subject: { verb: 'patch', resource: 'nodes', name: node },
      });
      return;
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 409) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** addTaint: adds the taint (and the metadata, e.g. the injection label) unless a taint with its key and effect is there. */
export function addTaint(client: KubeClient, node: string, taint: Taint, metadata: Record<string, unknown> = {}): Promise<void> {
  return editTaints(client, node, (taints) => [...taints.filter((t) => !(t.key === taint.key && t.effect === taint.effect)), taint], metadata);
}

/**
 * removeTaint: removes the taint with this key and effect; nothing to do when it is gone. With `unmark`, the same
 * write removes the injection's label and undo annotation, so no reader ever sees the taint gone and the mark left.
 */
export function removeTaint(client: KubeClient, node: string, key: string, effect: string, unmark = false): Promise<void> {
  return editTaints(
    client,
    node,
    (taints, object) => {
      const kept = taints.filter((t) => !(t.key === key && t.effect === effect));
      const marked = unmark && (markOf(object) !== undefined || object.metadata.annotations?.[REVERT_ANNOTATION] !== undefined);
      return kept.length === taints.length && !marked ? null : kept;
    },
    unmark ? UNMARK_METADATA : {},
  );
}
