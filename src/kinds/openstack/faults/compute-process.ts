/**
 * Compute-service process loss, reversible: nova-compute on one compute host is stopped through the process manager
 * that keeps it running (supervisord in the lab, the systemd unit on a real host — kolla's container unit too), so
 * the manager does not restart it; Nova marks the service down after service_down_time. The undo starts it again.
 * The host is reached through the executor of openstack.computeHosts.<host>; the fault is a shell fault (the shell
 * channel's revert marker and on-host expiry timer, src/revert/), on a host named "<environment>-<host>" so two
 * environments' markers never meet. A service that is not running before the fault is refused.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Environment, NodeSpec } from '../../../model/environment';
import type { Fault } from '../../../core/fault';
import { executorFor } from '../../../executors';
import { describeManager, parseSupervisorState, serviceRevertScript, statusCommand, stopCommand } from '../../../executors/service-manager';
import { shellFault } from '../../../revert/shell-fault';
import type { ComputeHostAccess, OpenstackSpec } from '../environment';

/** computeHostNode: the host that runs a compute host's nova-compute, as a shell target. */
export function computeHostNode(env: Environment, host: string, access: ComputeHostAccess): NodeSpec {
  return { name: `${env.name}-${host}`, address: '', roles: [], executor: access.executor };
}

export function computeProcessStopFault(env: Environment, spec: OpenstackSpec, host: string): Fault {
  if (!spec.scope.computeHosts.includes(host)) throw new BadInput(`OpenStack compute host ${host} is out of scope`, undefined, `add it to openstack.scope.computeHosts in ${env.sourcePath} if it may be harmed`);
  const access = spec.computeHosts[host];
  if (!access) throw new BadInput(`openstack.computeHosts has no entry for ${host}, so its nova-compute cannot be reached`, { file: env.sourcePath }, `add computeHosts: { ${host}: { executor: ..., systemdUnit: ... } } to the openstack: section of ${env.sourcePath}`);
  const node = computeHostNode(env, host, access);
  const executor = executorFor(access.executor);
  const { manager } = access;
  const unit = describeManager(manager);
  const state = async (): Promise<string> => {
    const result = await executor.run(statusCommand(manager), { timeoutMs: 10_000 });
    const word = manager.kind === 'supervisor' ? parseSupervisorState(result.stdout, manager.program) : result.stdout.trim();
    if (!word) throw new BadInput(`${unit} on ${host} has no state: ${`${result.stdout}${result.stderr}`.trim().slice(0, 200)}`, undefined, `check openstack.computeHosts.${host} in ${env.sourcePath}`);
    return word;
  };
  const running = (word: string): boolean => word === (manager.kind === 'supervisor' ? 'RUNNING' : 'active');
  const inspect = async (): Promise<string> => {
    const word = await state();
    if (!running(word)) throw new BadInput(`${unit} on ${host} is ${word}, not running`, undefined, 'start it first: the revert would start something that was down');
    return word;
  };
  return shellFault({
    kind: 'openstack-compute-process-stop',
    reversible: true,
    target: { node, executor },
    harmedNodes: [],
    describe: () => `stop nova-compute (${unit}) on OpenStack compute host ${host} (revert: start)`,
    async planCheck() {
      await inspect();
      return `${unit} on ${host} is running (${executor.description})`;
    },
    async prepare() {
      await inspect();
      return {
        kind: 'openstack-compute-process-stop',
        target: `nova-compute on ${host}`,
        reversible: true,
        preState: { unit, state: 'running' },
        revertScript: serviceRevertScript(manager),
        async apply() {
          await executor.run(stopCommand(manager), { timeoutMs: 30_000 });
        },
        async verifyActive() {
          const word = await state();
          if (running(word)) throw new ExperimentCompromised(`stop of ${unit} on ${host}: it is still ${word}`);
          return `${unit} on ${host} is ${word} (read from the process manager)`;
        },
        async verifyReverted() {
          const word = await state();
          if (!running(word)) throw new ExperimentCompromised(`start of ${unit} on ${host}: it is ${word} after the revert`);
        },
      };
    },
  });
}
