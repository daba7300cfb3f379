/**
 * kubernetes-taint: puts the taint scs-chaos/injection=<id>:<effect> on a node (NoExecute: pods without a matching
 * toleration are evicted, which is how `kubectl taint` empties a node), and marks the node with the injection's
 * label and undo. The undo removes exactly our taint by read-modify-write (taints.ts), leaving the ones the node
 * lifecycle controller added meanwhile. Observed and reverted-checked by reading the node back.
 */
import { ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { KubeClient } from '../client/client';
import { INJECTION_LABEL, markedMetadata, markOf } from '../artefacts';
import { kubeRecipe, KubeStep } from '../recipe';
import { addTaint, findTaint, NODE_FAULT_NEEDS, readNode, readTargetNode, TaintedNode } from '../taints';
import type { KubeNeed } from '../rbac/needs';

export const TAINT_KIND = 'kubernetes-taint';
/** TAINT_NEEDS: the node read and its taints written back, read-modify-write (taints.ts). */
export const TAINT_NEEDS: readonly KubeNeed[] = NODE_FAULT_NEEDS;
export type TaintEffect = 'NoExecute' | 'NoSchedule';

export function taintNode(client: KubeClient, node: string, effect: TaintEffect): Fault {
  const inspect = (): Promise<TaintedNode> => readTargetNode(client, node);
  // one write removes the taint and the mark together: a reader never sees one without the other
  const undo = (): KubeStep[] => [{ removeTaint: { node, key: INJECTION_LABEL, effect, unmark: true } }];
  return {
    kind: TAINT_KIND,
    reversible: true,
    harms: [{ unit: 'node', name: node }],
    describe: () => `taint Kubernetes node ${node} ${INJECTION_LABEL}:${effect} (revert: remove the taint)`,
    async planCheck() {
      await inspect();
      return `Kubernetes node ${node} exists and carries no scs-chaos fault (cluster ${client.connection.cluster})`;
    },
    async prepare(injectionId) {
      const before = await inspect();
      return {
        kind: TAINT_KIND,
        target: `Kubernetes node ${node}`,
        reversible: true,
        preState: { taints: before.spec?.taints ?? [] },
        revert: kubeRecipe(client.spec, `node ${node}`, undo()),
        async apply() {
          await addTaint(client, node, { key: INJECTION_LABEL, value: injectionId, effect }, markedMetadata(injectionId, undo()));
        },
        async verifyActive() {
          const taint = findTaint(await readNode(client, node), INJECTION_LABEL, effect);
          if (!taint) throw new ExperimentCompromised(`taint of ${node}: the API answered, but the node has no ${INJECTION_LABEL}:${effect} taint`);
          return `node ${node} has taint ${taint.key}=${taint.value ?? ''}:${taint.effect}${taint.timeAdded ? ` added ${taint.timeAdded}` : ''} (read back from the API server)`;
        },
        async verifyReverted() {
          const object = await readNode(client, node);
          if (findTaint(object, INJECTION_LABEL, effect) || markOf(object)) throw new ExperimentCompromised(`untaint of ${node}: the taint or the injection label is still on the node after the revert`);
        },
      };
    },
  };
}
