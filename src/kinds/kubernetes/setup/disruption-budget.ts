/**
 * A PodDisruptionBudget that allows no disruption of a workload (maxUnavailable: 0), set up for one scenario — how a
 * scenario shows that a drain honours budgets. It is an artefact like a fault's: labelled scs-chaos/injection and
 * carrying its undo (delete), removed when the scenario ends on every path, found by preflight and removed by
 * `sweep` after a killed run (leftovers.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import type { KubeClient } from '../client/client';
import { KubeApiError } from '../client/errors';
import { markedMetadata } from '../artefacts';
import type { KubeCall } from '../recipe';
import { KubeFaultContext, requireNamespace } from '../fault-context';
import { describeWorkload, readWorkload, workloadReadNeeds, WorkloadRef } from '../select/workloads';
import { KubeNeed, need } from '../rbac/needs';

/** disruptionBudgetNeeds: the workload read (its selector), the budget created and, at the scenario's end, deleted. */
export function disruptionBudgetNeeds(ref: WorkloadRef): KubeNeed[] {
  return [...workloadReadNeeds(ref), need('policy', 'poddisruptionbudgets', ['create', 'delete'], ref.namespace)];
}

export function budgetsPath(namespace: string): string {
  return `/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets`;
}

function deleteCall(namespace: string, name: string): KubeCall {
  return { method: 'DELETE', path: `${budgetsPath(namespace)}/${encodeURIComponent(name)}`, subject: { verb: 'delete', resource: 'poddisruptionbudgets', namespace, name } };
}

/** blockDisruptions: creates the budget for the scenario (plan mode: says so); removed at the scenario's end. */
export async function blockDisruptions(x: ScenarioHandle, context: KubeFaultContext, ref: WorkloadRef): Promise<void> {
  const what = `a PodDisruptionBudget allowing no disruption of ${describeWorkload(ref)}`;
  requireNamespace(context, ref.namespace, what);
  const workload = await readWorkload(context.client, ref);
  await x.step(`set up ${what} (removed when the scenario ends)`, async () => {
    const id = randomBytes(4).toString('hex');
    const name = `scs-chaos-${ref.name}-${id}`.slice(0, 63);
    const undo = [deleteCall(ref.namespace, name)];
    await context.client.send({
      method: 'POST',
      path: budgetsPath(ref.namespace),
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ref.namespace, ...markedMetadata(id, undo) }, spec: { maxUnavailable: 0, selector: workload.spec?.selector } },
      subject: { verb: 'create', resource: 'poddisruptionbudgets', namespace: ref.namespace },
    });
    x.say(`created PodDisruptionBudget ${ref.namespace}/${name} (maxUnavailable: 0)`);
    x.atScenarioEnd(`delete PodDisruptionBudget ${ref.namespace}/${name}`, () => removeBudget(context.client, undo));
  });
}

async function removeBudget(client: KubeClient, undo: readonly KubeCall[]): Promise<void> {
  for (const call of undo) {
    await client.send(call).catch((error: unknown) => {
      if (!(error instanceof KubeApiError && error.notFound)) throw error;
    });
  }
}
