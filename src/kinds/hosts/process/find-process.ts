/**
 * findServicePid: the pid of a service's main process on a node, found with `pgrep -f` and the service's
 * `processMatch` pattern ({node} replaced). Exactly one process must match: killing "some" process is no fault
 * anyone can reason about.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { FaultTarget } from '../target';

export async function findServicePid(target: FaultTarget): Promise<number> {
  const service = target.service;
  if (!service?.processMatch) {
    throw new BadInput(
      `service ${service?.name ?? '(none)'} has no processMatch in the environment, so its process cannot be found`,
      undefined,
      'add processMatch: "<pgrep -f pattern>" to the service',
    );
  }
  const pattern = service.processMatch.replaceAll('{node}', target.node.name);
  const result = await target.executor.run(['pgrep', '-f', pattern], { timeoutMs: 5000 });
  const pids = result.stdout.split(/\s+/).filter(Boolean).map(Number);
  if (pids.length !== 1) {
    throw new ExperimentCompromised(
      `expected exactly one ${service.name} process on ${target.node.name} matching /${pattern}/, found ${pids.length}` +
        (pids.length ? ` (pids ${pids.join(', ')})` : '. Is the service running?'),
    );
  }
  return pids[0] as number;
}
