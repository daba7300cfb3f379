/**
 * ceph-mon-stop and ceph-mgr-stop: stop one monitor, or the active manager, through the environment's deployment
 * backend (control-daemon.ts: supervisord of the lab's control namespace, systemd `ceph-mon@<host>`, cephadm
 * `ceph orch daemon stop`), so the deployment does not start it again behind the fault's back; undo: start it.
 * Journal, revert marker and expiry timer as for the OSD stop (osd-stop.ts): the revert is a shell script that
 * starts the daemon and waits until it runs. Rook has no shell revert and is refused, as for OSDs.
 *
 * Safety (control-safety.ts), at plan time and again right before the injection, before the journal entry:
 * a monitor only while every monitor is in quorum and the rest stay a majority of the monmap; the active
 * manager only while a standby exists. `@destructive` + `scope.allowDestructive` lift the majority and standby
 * limits (not the "every monitor in quorum now" one: a drill must start from a steady cluster).
 * "The active manager" is resolved from `ceph mgr dump` when the fault is built and checked again right before
 * the injection: the manager that is active then is the one stopped and started again.
 */
import { sleep } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, NotSteady } from '../../../kernel/errors';
import type { NodeSpec } from '../../../model/environment';
import { executorFor } from '../../../executors';
import { shellQuote } from '../../../executors/executor';
import { cephSpecOf, controlHostOf, labControlNode } from '../client/from-environment';
import { cephadmCommands, OsdDaemonState } from '../client/osd-daemon';
import { ControlDaemon, controlDaemonName, labControlProgram } from '../client/control-daemon';
import { checkManagerLoss, checkMonitorLoss, ControlSafety } from '../client/control-safety';
import { PreparedShellFault, ShellTarget, shellFault } from '../../../revert/shell-fault';
import { serviceRevertScript } from '../../../executors/service-manager';
import { CephFault, CephFaultContext, requireInScope } from './context';

export const MON_STOP_KIND = 'ceph-mon-stop';
export const MGR_STOP_KIND = 'ceph-mgr-stop';

/** ControlStopFault: a monitor or manager stop; `daemon()` names the daemon stopped (known once prepared). */
export interface ControlStopFault extends CephFault {
  daemon(): ControlDaemon;
}

/** controlStartScript: the POSIX script that starts the daemon again and waits until it runs (idempotent). */
export function controlStartScript(context: CephFaultContext, daemon: ControlDaemon): string {
  const spec = cephSpecOf(context.env);
  switch (spec.backend) {
    case 'lab': {
      const lab = spec.lab;
      if (!lab) throw new BadInput('ceph backend lab has no lab settings', { file: context.env.sourcePath }, 'add ceph.lab or let the defaults apply');
      return serviceRevertScript({ kind: 'supervisor', program: labControlProgram(lab, daemon), config: lab.controlSupervisorConfig });
    }
    case 'systemd':
      return serviceRevertScript({ kind: 'systemd', unit: `ceph-${daemon.type}@${daemon.id}` });
    case 'cephadm':
      return context.ceph.textArgv(cephadmCommands(daemon.type, daemon.id).start).map(shellQuote).join(' ');
    case 'rook':
      throw new BadInput(
        `stopping ${controlDaemonName(daemon)} with the rook backend has no shell revert (starting it again is a Kubernetes API call), so no expiry timer could undo it`,
        { file: context.env.sourcePath },
        'run monitor and manager losses on Rook clusters with an in-cluster timer (not built yet), or use another backend',
      );
  }
}

/**
 * controlTarget: where the revert runs and what scope counts. lab: the lab's control namespace (a node of its own
 * name, not an environment node: nothing in scope is harmed); systemd: the node named like the daemon (in scope);
 * cephadm: where the ceph CLI runs.
 */
export function controlTarget(context: CephFaultContext, daemon: ControlDaemon): { target: ShellTarget; harmedNodes: string[] } {
  const spec = cephSpecOf(context.env);
  if (spec.backend === 'systemd') {
    const node = requireInScope(context.env, controlHostOf(context.env, daemon).node, controlDaemonName(daemon));
    return { target: { node, executor: context.executorOf(node.name) }, harmedNodes: [node.name] };
  }
  const control: NodeSpec | null = spec.backend === 'lab' ? labControlNode(context.env) : null;
  if (control) return { target: { node: control, executor: executorFor(control.executor) }, harmedNodes: [] };
  return { target: context.cliTarget, harmedNodes: [] };
}

const stateWord = (state: OsdDaemonState): string => (state.state === 'other' ? state.word : state.state);

/** The safety verdict of the fault, read now. */
type SafetyRead = () => Promise<ControlSafety>;

/** assertControlSafe: like assertSafe for OSDs; majority/no-standby are the budget, quorum/no-active the state. */
async function assertControlSafe(context: CephFaultContext, read: SafetyRead, when: 'plan' | 'inject'): Promise<string> {
  const verdict = await read();
  if (verdict.ok) return verdict.message;
  const budget = verdict.check === 'majority' || verdict.check === 'no-standby';
  if (budget && context.destructive) return `@destructive lifts the limit: ${verdict.message}`;
  if (when === 'inject' && (verdict.check === 'quorum' || verdict.check === 'no-active')) throw new NotSteady(`${verdict.message}; nothing was injected`, { check: verdict.check });
  const hint = budget
    ? 'run the loss where the cluster has more monitors (3) or a standby manager; a drill that loses the quorum or every manager needs the @destructive tag and scope.allowDestructive: true'
    : verdict.check === 'unknown'
      ? 'name a monitor of the monmap (ceph quorum_status)'
      : 'wait until every monitor is in quorum and a manager is active (ceph -s), then run again';
  throw new BadInput(verdict.message, undefined, hint);
}

/** stopControlDaemon: the common fault behind stopMonitor and stopActiveManager. */
function stopControlDaemon(context: CephFaultContext, kind: string, initial: ControlDaemon, resolve: () => Promise<ControlDaemon>, safety: (daemon: ControlDaemon) => SafetyRead): ControlStopFault {
  let daemon = initial;
  const { target, harmedNodes } = controlTarget(context, daemon);
  const what = (): string => `stop ${controlDaemonName(daemon)}${daemon.type === 'mgr' ? ' (the active manager)' : ''}`;

  const inspect = async (when: 'plan' | 'inject'): Promise<{ safety: string; describe: string }> => {
    const control = await context.controlDaemons();
    const state = await control.state(daemon);
    if (state.state !== 'running') {
      throw new ExperimentCompromised(`${controlDaemonName(daemon)} is ${stateWord(state)} before the fault (expected running); nothing was touched — a revert would start what was down`);
    }
    return { safety: await assertControlSafe(context, safety(daemon), when), describe: await control.describe(daemon) };
  };

  const waitState = async (wanted: 'running' | 'stopped', timeoutMs: number): Promise<OsdDaemonState> => {
    const control = await context.controlDaemons();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await control.state(daemon);
      if (state.state === wanted || Date.now() >= deadline) return state;
      await sleep(200);
    }
  };

  return shellFault({
    kind,
    reversible: true,
    target,
    harmedNodes,
    daemon: () => daemon,
    describe: () => `${what()} through the ${cephSpecOf(context.env).backend} backend, revert: start`,
    async planCheck() {
      const { safety: line, describe } = await inspect('plan');
      return `${describe}: running; ${line}`;
    },
    async prepare(): Promise<PreparedShellFault> {
      const resolved = await resolve();
      if (resolved.id !== daemon.id && controlTarget(context, resolved).target.node.name !== target.node.name) {
        throw new ExperimentCompromised(`the active manager changed from mgr.${daemon.id} to mgr.${resolved.id}, which runs elsewhere, between building and injecting the fault; nothing was touched`);
      }
      daemon = resolved;
      const { safety: line, describe } = await inspect('inject');
      const name = controlDaemonName(daemon);
      return {
        kind,
        target: `${name} (${describe})`,
        reversible: true,
        preState: { daemon: name, unit: describe, state: 'running', safety: line },
        revertScript: controlStartScript(context, daemon),
        async apply() {
          const control = await context.controlDaemons();
          try {
            await control.stop(daemon);
          } catch (error) {
            throw new ExperimentCompromised(`could not ${what()}: ${String(error)}`);
          }
        },
        async verifyActive() {
          const state = await waitState('stopped', 10_000);
          if (state.state !== 'stopped') throw new ExperimentCompromised(`${name} is ${stateWord(state)} 10s after stop (${describe}). Is something else restarting it?`);
          return `${name} stopped (${describe})`;
        },
        async verifyReverted() {
          const state = await waitState('running', 15_000);
          if (state.state !== 'running') throw new ExperimentCompromised(`${name} is ${stateWord(state)} 15s after the revert, not running (${describe})`);
        },
      };
    },
  });
}

/** stopMonitor: stops mon.<id> for the fault's duration (refused unless the rest keep a majority). */
export async function stopMonitor(context: CephFaultContext, id: string): Promise<ControlStopFault> {
  const daemon: ControlDaemon = { type: 'mon', id };
  controlStartScript(context, daemon); // refuses rook before anything else
  const quorum = await context.ceph.quorumStatus();
  if (!quorum.monitors.some((m) => m.name === id)) {
    throw new BadInput(`mon.${id} is not in the monmap`, { file: context.env.sourcePath }, `name one of: ${quorum.monitors.map((m) => m.name).join(', ')} (ceph quorum_status)`);
  }
  const read = (): SafetyRead => async () => checkMonitorLoss(await context.ceph.quorumStatus(), id);
  return stopControlDaemon(context, MON_STOP_KIND, daemon, async () => daemon, read);
}

/** activeManager: the manager active now, from `ceph mgr dump`; none is NotSteady-worthy at injection, BadInput at plan. */
async function activeManager(context: CephFaultContext): Promise<ControlDaemon> {
  const map = await context.ceph.mgrDump();
  if (!map.activeName) throw new NotSteady(`no manager is active (mgr map epoch ${map.epoch}), so there is no active manager to stop; nothing was injected`, { epoch: map.epoch });
  return { type: 'mgr', id: map.activeName };
}

/** stopActiveManager: stops the manager that is active when the fault is injected (refused without a standby). */
export async function stopActiveManager(context: CephFaultContext): Promise<ControlStopFault> {
  controlStartScript(context, { type: 'mgr', id: 'x' }); // refuses rook before anything else
  const first = await activeManager(context);
  const read = (): SafetyRead => async () => checkManagerLoss(await context.ceph.mgrDump());
  return stopControlDaemon(context, MGR_STOP_KIND, first, () => activeManager(context), read);
}
