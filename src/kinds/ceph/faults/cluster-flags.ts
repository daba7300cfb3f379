/**
 * ceph-flags: sets cluster-wide OSD map flags for the fault's duration — noout (down OSDs are not marked out),
 * norebalance, nobackfill, norecover (data movement held back) — and unsets on revert ONLY the flags this
 * injection set: a flag that was already set before (an operator's maintenance noout) is recorded in the
 * pre-state and left alone. The revert (`ceph osd unset <flag>`, idempotent) runs where the ceph CLI runs.
 * Flags harm no node (harmedNodes is empty); the environment's ceph: section is the permission. Do not set
 * noout when the point of a scenario is to watch an OSD being marked out automatically.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { shellQuote } from '../../../executors/executor';
import type { CephClient } from '../client/client';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import type { CephFault, CephFaultContext } from './context';
import { sleep } from '../../../kernel/clock';

export const FLAGS_KIND = 'ceph-flags';

/** CLUSTER_FLAGS: the flags a scenario may set, and what each holds back. */
export const CLUSTER_FLAGS = {
  noout: 'down OSDs are not marked out',
  norebalance: 'no rebalancing of misplaced data',
  nobackfill: 'no backfill',
  norecover: 'no recovery of degraded data',
} as const;
export type ClusterFlag = keyof typeof CLUSTER_FLAGS;

/** parseClusterFlags: "noout" or "noout and norecover" / "noout, nobackfill" → the flags; BadInput for others. */
export function parseClusterFlags(text: string): ClusterFlag[] {
  const words = text.split(/\s*(?:,|\band\b)\s*/).map((w) => w.trim()).filter(Boolean);
  const known = Object.keys(CLUSTER_FLAGS);
  for (const word of words) {
    if (!known.includes(word)) throw new BadInput(`"${word}" is not a cluster flag a scenario may set`, undefined, `use ${known.join(', ')}`);
  }
  if (words.length === 0) throw new BadInput('no cluster flag given', undefined, `name one of ${known.join(', ')}`);
  return [...new Set(words)] as ClusterFlag[];
}

/** unsetFlagsScript: the revert — `ceph osd unset` for each flag this injection set; `:` when it set none. */
export function unsetFlagsScript(ceph: CephClient, flags: readonly string[]): string {
  if (flags.length === 0) return ': nothing to unset, every flag was set before the fault';
  // Each unset on its own line and all attempted; the script fails if any failed.
  return ['rc=0', ...flags.map((flag) => `${ceph.textArgv(['osd', 'unset', flag]).map(shellQuote).join(' ')} || rc=1`), 'exit $rc'].join('\n');
}

async function currentFlags(ceph: CephClient): Promise<string[]> {
  return (await ceph.osdDump()).flags;
}

async function waitForFlags(ceph: CephClient, wanted: (flags: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const flags = await currentFlags(ceph);
    if (wanted(flags) || Date.now() >= deadline) return flags;
    await sleep(250);
  }
}

/** setClusterFlags: the fault. */
export function setClusterFlags(context: CephFaultContext, flags: readonly ClusterFlag[]): CephFault {
  const { ceph } = context;
  const names = flags.join(', ');
  return shellFault({
    kind: FLAGS_KIND,
    reversible: true,
    target: context.cliTarget,
    harmedNodes: [],
    describe: () => `set the cluster flag${flags.length > 1 ? 's' : ''} ${names} (ceph osd set, revert: unset what was not set before)`,
    async planCheck() {
      const before = await currentFlags(ceph);
      const already = flags.filter((f) => before.includes(f));
      return `cluster flags now: ${before.join(',') || '(none)'}${already.length ? `; ${already.join(', ')} already set and left as it is` : ''}`;
    },
    async prepare(): Promise<PreparedShellFault> {
      const before = await currentFlags(ceph);
      const toSet = flags.filter((f) => !before.includes(f));
      return {
        kind: FLAGS_KIND,
        target: `cluster flags ${names}`,
        reversible: true,
        preState: { flagsBefore: before, setByThisInjection: toSet },
        revertScript: unsetFlagsScript(ceph, toSet),
        async apply() {
          for (const flag of toSet) await ceph.text(['osd', 'set', flag]);
        },
        async verifyActive() {
          const now = await waitForFlags(ceph, (f) => flags.every((flag) => f.includes(flag)), 10_000);
          const missing = flags.filter((flag) => !now.includes(flag));
          if (missing.length) throw new ExperimentCompromised(`ceph osd set: ${missing.join(', ')} not in the OSD map's flags 10s later (flags: ${now.join(',')})`);
          return `flags ${now.join(',')}${toSet.length < flags.length ? ` (${flags.filter((f) => !toSet.includes(f)).join(', ')} were set before)` : ''}`;
        },
        async verifyReverted() {
          const now = await waitForFlags(ceph, (f) => toSet.every((flag) => !f.includes(flag)), 10_000);
          const left = toSet.filter((flag) => now.includes(flag));
          if (left.length) throw new ExperimentCompromised(`ceph osd unset: ${left.join(', ')} still set 10s after the revert`);
        },
      };
    },
  });
}
