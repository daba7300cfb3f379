/**
 * ceph-osd-out: marks an OSD "out" (`ceph osd out N`): its data is re-replicated or backfilled to the other
 * OSDs while the daemon keeps running. Undo: `ceph osd in N`, run where the ceph CLI runs (the executorNode) —
 * by the runner, by the expiry timer there, or by `sweep`/`rollback`. An OSD that is already out is refused:
 * the revert would mark in an OSD someone took out on purpose.
 */
import { sleep } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { shellQuote } from '../../../executors/executor';
import type { CephClient } from '../client/client';
import type { OsdState } from '../client/types';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { assertSafe, CephFault, CephFaultContext, hostOfOsd } from './context';

export const OSD_OUT_KIND = 'ceph-osd-out';

/** osdState: one OSD of `ceph osd dump`, or BadInput when the map does not have it. */
export async function osdState(ceph: CephClient, osd: number): Promise<OsdState> {
  const found = (await ceph.osdDump()).osds.find((o) => o.id === osd);
  if (!found) throw new BadInput(`osd.${osd} is not in the OSD map (ceph osd dump)`, undefined, 'pick an existing OSD id');
  return found;
}

/** waitForOsd: polls `ceph osd dump` every 250 ms until `wanted` holds or `timeoutMs` passes; returns the last state. */
export async function waitForOsd(ceph: CephClient, osd: number, wanted: (state: OsdState) => boolean, timeoutMs: number): Promise<OsdState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await osdState(ceph, osd);
    if (wanted(state) || Date.now() >= deadline) return state;
    await sleep(250);
  }
}

/** osdInScript: the revert — `ceph <access> osd in N`; idempotent (an OSD already in stays in, exit 0). */
export function osdInScript(ceph: CephClient, osd: number): string {
  return ceph.textArgv(['osd', 'in', String(osd)]).map(shellQuote).join(' ');
}

/** markOsdOut: the fault; the OSD's host is resolved (and scope-checked) from `ceph osd tree` when it is built. */
export async function markOsdOut(context: CephFaultContext, osd: number): Promise<CephFault> {
  const { ceph } = context;
  const host = hostOfOsd(context.env, await ceph.osdTree(), osd);

  const inspect = async (when: 'plan' | 'inject'): Promise<string> => {
    const state = await osdState(ceph, osd);
    if (!state.in) throw new BadInput(`osd.${osd} is already out`, undefined, `mark it in first (ceph osd in ${osd}) or fault another OSD: the revert would mark it in`);
    return assertSafe(context, [osd], when);
  };

  return shellFault({
    kind: OSD_OUT_KIND,
    reversible: true,
    target: context.cliTarget,
    harmedNodes: [host.name],
    describe: () => `mark osd.${osd} (on ${host.name}) out (ceph osd out ${osd}, revert: ceph osd in ${osd})`,
    async planCheck() {
      return `osd.${osd} on ${host.name}: ${await inspect('plan')}`;
    },
    async prepare(): Promise<PreparedShellFault> {
      const safety = await inspect('inject');
      return {
        kind: OSD_OUT_KIND,
        target: `osd.${osd} on ${host.name}`,
        reversible: true,
        preState: { osd, host: host.name, in: true, safety },
        revertScript: osdInScript(ceph, osd),
        async apply() {
          await ceph.text(['osd', 'out', String(osd)]);
        },
        async verifyActive() {
          const state = await waitForOsd(ceph, osd, (s) => !s.in, 10_000);
          if (state.in) throw new ExperimentCompromised(`ceph osd out: osd.${osd} is still "in" 10s after the command (expected "out"). Is the monitor quorum healthy?`);
          return `osd.${osd} is out (ceph osd dump)`;
        },
        async verifyReverted() {
          const state = await waitForOsd(ceph, osd, (s) => s.in, 10_000);
          if (!state.in) throw new ExperimentCompromised(`ceph osd in: osd.${osd} is still "out" 10s after the revert`);
        },
      };
    },
  });
}
