/**
 * ceph-osd-stop and ceph-host-loss: stop OSD daemons through the environment's deployment backend (supervisord in
 * the lab, systemd `ceph-osd@N`, cephadm `ceph orch daemon stop`), so the deployment does not start them again
 * behind the fault's back; undo: start them. Host loss stops every OSD of one CRUSH host bucket (the failure
 * domain "host" going away) and is checked as one set: ok-to-stop and the budget see all its OSDs together.
 * The revert is a shell script (so the on-node expiry timer, `sweep` and `rollback` can run it without the
 * runner): lab and systemd start the unit on the OSD's node and wait until it runs (the service-stop script),
 * cephadm asks the orchestrator where the ceph CLI runs. Rook has no shell revert (a Kubernetes API call) and is
 * refused here: no fault without an undo that survives the runner.
 */
import { sleep } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { OsdDaemonState } from '../client/osd-daemon';
import { cephSpecOf } from '../client/from-environment';
import { shellQuote } from '../../../executors/executor';
import { PreparedShellFault, ShellTarget, shellFault } from '../../../revert/shell-fault';
import { serviceRevertScript } from '../../../executors/service-manager';
import { assertSafe, CephFault, CephFaultContext, hostOfOsd, osdsOfHost, requireInScope } from './context';

export const OSD_STOP_KIND = 'ceph-osd-stop';
export const HOST_LOSS_KIND = 'ceph-host-loss';

/**
 * osdStartScript: the POSIX script that starts osd.N again and waits until it runs (idempotent), for the
 * backend of the environment. `node` is the OSD's host, which runs the script for lab and systemd.
 */
export function osdStartScript(context: CephFaultContext, osd: number, node: string): string {
  const spec = cephSpecOf(context.env);
  switch (spec.backend) {
    case 'lab': {
      const settings = spec.lab ?? { supervisorConfig: '', program: '' };
      const fill = (text: string): string => text.replaceAll('{node}', node).replaceAll('{id}', String(osd));
      return serviceRevertScript({ kind: 'supervisor', program: fill(settings.program), config: fill(settings.supervisorConfig) });
    }
    case 'systemd':
      return serviceRevertScript({ kind: 'systemd', unit: `ceph-osd@${osd}` });
    case 'cephadm':
      return context.ceph.textArgv(['orch', 'daemon', 'start', `osd.${osd}`]).map(shellQuote).join(' ');
    case 'rook':
      throw new BadInput(
        'stopping an OSD with the rook backend has no shell revert (starting it again is a Kubernetes API call), so no expiry timer could undo it',
        { file: context.env.sourcePath },
        'use "osd.N is killed" (Rook restarts the pod) or "osd.N is marked out" on Rook clusters',
      );
  }
}

/** startAllScript: starts several OSDs; each in a subshell, all attempted, fails if any failed. */
export function startAllScript(scripts: readonly string[]): string {
  if (scripts.length === 1) return scripts[0] as string;
  return ['rc=0', ...scripts.map((script) => `(\n${script}\n) || rc=1`), 'exit $rc'].join('\n');
}

/** targetOfStop: lab and systemd revert on the OSD's node; cephadm where the ceph CLI runs. */
function targetOfStop(context: CephFaultContext, node: string): ShellTarget {
  const backend = cephSpecOf(context.env).backend;
  if (backend === 'cephadm') return context.cliTarget;
  const spec = requireInScope(context.env, node, `the OSDs of ${node}`);
  return { node: spec, executor: context.executorOf(node) };
}

const stateWord = (state: OsdDaemonState): string => (state.state === 'other' ? state.word : state.state);

/** stopOsds: the common fault behind stopOsd and loseHost. */
async function stopOsds(context: CephFaultContext, osds: number[], node: string, kind: string, what: string): Promise<CephFault> {
  const scripts = osds.map((osd) => osdStartScript(context, osd, node));
  const revertScript = startAllScript(scripts);
  const target = targetOfStop(context, node);

  const inspect = async (when: 'plan' | 'inject'): Promise<{ safety: string; describe: string }> => {
    const daemons = await context.daemons();
    const states = await Promise.all(osds.map(async (osd) => ({ osd, state: await daemons.state(osd) })));
    const notRunning = states.filter((s) => s.state.state !== 'running');
    if (notRunning.length > 0) {
      throw new ExperimentCompromised(
        `${notRunning.map((s) => `osd.${s.osd} is ${stateWord(s.state)}`).join(', ')} before the fault (expected running); nothing was touched — a revert would start what was down`,
      );
    }
    const safety = await assertSafe(context, osds, when);
    return { safety, describe: (await Promise.all(osds.map((osd) => daemons.describe(osd)))).join('; ') };
  };

  const waitStates = async (wanted: 'running' | 'stopped', timeoutMs: number): Promise<Map<number, OsdDaemonState>> => {
    const daemons = await context.daemons();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = new Map(await Promise.all(osds.map(async (osd) => [osd, await daemons.state(osd)] as const)));
      if ([...states.values()].every((s) => s.state === wanted) || Date.now() >= deadline) return states;
      await sleep(200);
    }
  };
  const listStates = (states: Map<number, OsdDaemonState>): string => [...states].map(([osd, s]) => `osd.${osd} ${stateWord(s)}`).join(', ');

  return shellFault({
    kind,
    reversible: true,
    target,
    harmedNodes: [node],
    describe: () => `${what} (stop ${osds.map((o) => `osd.${o}`).join(', ')} through the ${cephSpecOf(context.env).backend} backend, revert: start)`,
    async planCheck() {
      const { safety, describe } = await inspect('plan');
      return `${describe}: running; ${safety}`;
    },
    async prepare(): Promise<PreparedShellFault> {
      const { safety, describe } = await inspect('inject');
      return {
        kind,
        target: osds.length === 1 ? `osd.${osds[0]} on ${node}` : `${osds.map((o) => `osd.${o}`).join(', ')} on ${node}`,
        reversible: true,
        preState: { osds, host: node, units: describe, state: 'running', safety },
        revertScript,
        async apply() {
          const daemons = await context.daemons();
          const results = await Promise.allSettled(osds.map((osd) => daemons.stop(osd)));
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed) throw new ExperimentCompromised(`could not stop every OSD of ${what}: ${String(failed.reason)}`);
        },
        async verifyActive() {
          const states = await waitStates('stopped', 10_000);
          if (![...states.values()].every((s) => s.state === 'stopped')) throw new ExperimentCompromised(`${what}: not every OSD daemon is stopped 10s after stop (${listStates(states)}). Is something else restarting it?`);
          return `${listStates(states)} (${describe})`;
        },
        async verifyReverted() {
          const states = await waitStates('running', 15_000);
          if (![...states.values()].every((s) => s.state === 'running')) throw new ExperimentCompromised(`${what}: not every OSD daemon runs 15s after the revert (${listStates(states)})`);
        },
      };
    },
  });
}

/** stopOsd: stops one OSD daemon for the fault's duration. */
export async function stopOsd(context: CephFaultContext, osd: number): Promise<CephFault> {
  const host = hostOfOsd(context.env, await context.ceph.osdTree(), osd);
  return stopOsds(context, [osd], host.name, OSD_STOP_KIND, `stop osd.${osd} on ${host.name}`);
}

/** loseHost: stops every OSD of the CRUSH host bucket named like `node` (a storage host lost). */
export async function loseHost(context: CephFaultContext, node: string): Promise<CephFault> {
  requireInScope(context.env, node, `storage host ${node}`);
  const osds = osdsOfHost(await context.ceph.osdTree(), node);
  if (osds.length === 0) throw new BadInput(`CRUSH host "${node}" has no OSDs (ceph osd tree)`, { file: context.env.sourcePath }, 'name a storage node whose host bucket holds OSDs');
  return stopOsds(context, osds, node, HOST_LOSS_KIND, `lose storage host ${node}`);
}
