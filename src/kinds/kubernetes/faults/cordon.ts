/**
 * kubernetes-cordon: marks a node unschedulable (what `kubectl cordon` does) and labels it with the injection id;
 * the undo clears both. New pods go elsewhere while running ones stay. A node already cordoned is refused: the
 * revert would uncordon a node someone took out on purpose. Observed and reverted-checked by reading the node back.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault, PreparedFault } from '../../../core/fault';
import type { KubeClient } from '../client/client';
import type { KubeObject } from '../client/list';
import { kubeRecipe, KubeCall } from '../recipe';
import { INJECTION_LABEL, markedMetadata, REVERT_ANNOTATION } from '../artefacts';
import { NODE_FAULT_NEEDS, nodePath, readTargetNode } from '../taints';
import type { KubeNeed } from '../rbac/needs';

export const CORDON_KIND = 'kubernetes-cordon';
/** CORDON_NEEDS: the node read, patched unschedulable with the mark, and patched back (nodes are cluster-scoped). */
export const CORDON_NEEDS: readonly KubeNeed[] = NODE_FAULT_NEEDS;

interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean };
}


/** uncordonCall: the undo of a cordon — schedulable again, our label and undo gone (null removes a field in a merge patch). */
export function uncordonCall(node: string): KubeCall {
  return { method: 'PATCH', path: nodePath(node), patchType: 'merge', body: { metadata: { labels: { [INJECTION_LABEL]: null }, annotations: { [REVERT_ANNOTATION]: null } }, spec: { unschedulable: null } }, subject: { verb: 'patch', resource: 'nodes', name: node } };
}

/** readSchedulableNode: the node a cordon or drain takes out — it must exist, carry no fault, and be schedulable. */
export async function readSchedulableNode(client: KubeClient, node: string): Promise<NodeObject> {
  const object: NodeObject = await readTargetNode(client, node);
  if (object.spec?.unschedulable) throw new BadInput(`Kubernetes node ${node} is already cordoned`, undefined, `uncordon it first (kubectl uncordon ${node}) or pick another node: the revert would uncordon it`);
  return object;
}

/** cordonCall: marks the node unschedulable and labelled with the injection, carrying its undo. */
export function cordonCall(node: string, injectionId: string): KubeCall {
  return { method: 'PATCH', path: nodePath(node), patchType: 'merge', body: { metadata: markedMetadata(injectionId, [uncordonCall(node)]), spec: { unschedulable: true } }, subject: { verb: 'patch', resource: 'nodes', name: node } };
}

/** cordonedNode: what a fault that cordons a node prepares (cordon, drain): its target, pre-state and undo. */
export function cordonedNode(client: KubeClient, node: string, kind: string): Pick<PreparedFault, 'kind' | 'target' | 'reversible' | 'preState' | 'revert'> {
  return { kind, target: `Kubernetes node ${node}`, reversible: true, preState: { unschedulable: false }, revert: kubeRecipe(client.spec, `node ${node}`, [uncordonCall(node)]) };
}

export async function cordonNode(client: KubeClient, node: string): Promise<Fault> {
  const read = (): Promise<NodeObject> => client.get<NodeObject>(nodePath(node), { resource: 'nodes', name: node });
  const inspect = (): Promise<NodeObject> => readSchedulableNode(client, node);
  return {
    kind: CORDON_KIND,
    reversible: true,
    harms: [{ unit: 'node', name: node }],
    describe: () => `cordon Kubernetes node ${node} (unschedulable, revert: uncordon)`,
    async planCheck() {
      await inspect();
      return `Kubernetes node ${node} exists and is schedulable (cluster ${client.connection.cluster})`;
    },
    async prepare(injectionId) {
      await inspect();
      return {
        ...cordonedNode(client, node, CORDON_KIND),
        async apply() {
          await client.send(cordonCall(node, injectionId));
        },
        async verifyActive() {
          const object = await read();
          if (object.spec?.unschedulable !== true) throw new ExperimentCompromised(`cordon of ${node}: the API answered, but the node is still schedulable (spec.unschedulable is not true)`);
          return `node ${node} spec.unschedulable=true, labelled ${INJECTION_LABEL}=${object.metadata.labels?.[INJECTION_LABEL] ?? '(missing)'} (read back from the API server)`;
        },
        async verifyReverted() {
          const object = await read();
          if (object.spec?.unschedulable || object.metadata.labels?.[INJECTION_LABEL]) throw new ExperimentCompromised(`uncordon of ${node}: the node is still unschedulable or labelled after the revert`);
        },
      };
    },
  };
}
