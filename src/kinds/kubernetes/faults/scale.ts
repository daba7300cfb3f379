/**
 * kubernetes-scale: sets a Deployment's or StatefulSet's replicas to N through the scale subresource, and marks the
 * workload with the injection's label and undo (scale back to the replicas it had). Scaling to 0 takes every
 * replica: only with @destructive (fault-context.ts). An autoscaler that owns the replicas would fight the fault:
 * the observed-check then fails and the scenario ends compromised, as it should.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import { INJECTION_LABEL, markedMetadata, markOf, unmarkCall } from '../artefacts';
import { kubeRecipe, KubeCall, KubeStep } from '../recipe';
import { describeWorkload, readWorkload, WORKLOAD_KINDS, WorkloadRef, workloadPath } from '../select/workloads';
import { KubeFaultContext, requireNamespace, requireNotAll } from '../fault-context';
import { KubeNeed, need } from '../rbac/needs';

export const SCALE_KIND = 'kubernetes-scale';

/** scaleNeeds: the workload read and patched (its mark and undo), and its scale subresource patched. */
export function scaleNeeds(ref: WorkloadRef): KubeNeed[] {
  return [need('apps', WORKLOAD_KINDS[ref.kind], ['get', 'patch'], ref.namespace), need('apps', `${WORKLOAD_KINDS[ref.kind]}/scale`, ['patch'], ref.namespace)];
}

export function scaleCall(ref: WorkloadRef, replicas: number): KubeCall {
  return { method: 'PATCH', path: `${workloadPath(ref)}/scale`, patchType: 'merge', body: { spec: { replicas } }, subject: { verb: 'patch', resource: `${WORKLOAD_KINDS[ref.kind]}/scale`, namespace: ref.namespace, name: ref.name } };
}

export function scaleWorkload(context: KubeFaultContext, ref: WorkloadRef, replicas: number): Fault {
  const { client } = context;
  const what = `scale ${describeWorkload(ref)} to ${replicas}`;
  if (ref.kind === 'DaemonSet') throw new BadInput(`${what}: a DaemonSet has no replica count`, undefined, 'scale a Deployment or a StatefulSet');
  if (!(Number.isInteger(replicas) && replicas >= 0)) throw new BadInput(`${what}: ${replicas} is not a replica count`, undefined, 'write a whole number of replicas, 0 or more');
  const subject = { verb: 'patch' as const, resource: WORKLOAD_KINDS[ref.kind], namespace: ref.namespace, name: ref.name };
  const inspect = async (): Promise<number> => {
    requireNamespace(context, ref.namespace, what);
    const workload = await readWorkload(client, ref);
    const mark = markOf(workload);
    if (mark) throw new BadInput(`${describeWorkload(ref)} carries ${INJECTION_LABEL}=${mark}: a fault of another injection is on it`, undefined, 'wait for that fault to end, or run scs-chaos sweep if its run is gone');
    const current = workload.spec?.replicas ?? 1;
    if (current === replicas) throw new BadInput(`${what}: it already has ${replicas} replicas`, undefined, 'scale to another count');
    if (replicas < current) requireNotAll(context, current - replicas, current, what);
    return current;
  };
  const undo = (original: number): KubeStep[] => [scaleCall(ref, original), unmarkCall(workloadPath(ref), subject)];
  return {
    kind: SCALE_KIND,
    reversible: true,
    harms: [{ unit: 'workload', name: `${ref.namespace}/${ref.name}` }],
    describe: () => `${what} (revert: scale back)`,
    async planCheck() {
      return `${describeWorkload(ref)} has ${await inspect()} replicas (cluster ${client.connection.cluster})`;
    },
    async prepare(injectionId) {
      const original = await inspect();
      const read = (): Promise<{ replicas: number | undefined; mark: string | undefined }> => readWorkload(client, ref).then((w) => ({ replicas: w.spec?.replicas, mark: markOf(w) }));
      return {
        kind: SCALE_KIND,
        target: describeWorkload(ref),
        reversible: true,
        preState: { replicas: original },
        revert: kubeRecipe(client.spec, describeWorkload(ref), undo(original)),
        async apply() {
          // Marked first: if the scale call's answer is lost, sweep still finds the workload and its undo.
          await client.send({ method: 'PATCH', path: workloadPath(ref), patchType: 'merge', body: { metadata: markedMetadata(injectionId, undo(original)) }, subject });
          await client.send(scaleCall(ref, replicas));
        },
        async verifyActive() {
          const now = await read();
          if (now.replicas !== replicas) throw new ExperimentCompromised(`${what}: the API answered, but spec.replicas is ${String(now.replicas)}`);
          return `${describeWorkload(ref)} spec.replicas=${replicas} (was ${original}; read back from the API server)`;
        },
        async verifyReverted() {
          const now = await read();
          if (now.replicas !== original || now.mark) throw new ExperimentCompromised(`scale back of ${describeWorkload(ref)}: spec.replicas is ${String(now.replicas)} (want ${original}) or the injection label is still on it`);
        },
      };
    },
  };
}
