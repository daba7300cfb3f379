/**
 * May a monitor or the active manager be stopped right now? Pure functions over parsed `ceph quorum_status` and
 * `ceph mgr dump`, so the same rule runs at plan time, right before the injection, and in unit tests.
 *   Monitor: every monitor of the monmap is in quorum now, and the monitors left after losing this one are still
 *   a majority of the monmap (3 → 2 of 3 is fine; 1 → 0 of 1 is not), so the cluster keeps a quorum.
 *   Manager: a manager is active and available, and at least one standby can take over.
 * The refusal names the numbers ("3 monitors, 2 in quorum: losing mon.b leaves 1 of 3, no majority").
 */
import type { MgrMap, QuorumStatus } from './types';

/** The check that refused: the daemon is unknown, the cluster is not steady now, or the loss is beyond the budget. */
export type ControlSafetyCheck = 'unknown' | 'quorum' | 'majority' | 'no-active' | 'no-standby';

export type ControlSafety = { ok: true; message: string } | { ok: false; check: ControlSafetyCheck; message: string };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** checkMonitorLoss: may mon.<id> be stopped? */
export function checkMonitorLoss(quorum: QuorumStatus, id: string): ControlSafety {
  const names = quorum.monitors.map((m) => m.name);
  const total = names.length;
  if (!names.includes(id)) return { ok: false, check: 'unknown', message: `refusing to stop mon.${id}: it is not in the monmap (monitors: ${names.join(', ') || 'none'})` };
  const inQuorum = quorum.quorumNames.length;
  const left = quorum.quorumNames.filter((name) => name !== id).length;
  const majority = Math.floor(total / 2) + 1;
  const counts = `${plural(total, 'monitor')}, ${inQuorum} in quorum`;
  const outcome = `losing mon.${id} leaves ${left} of ${total}`;
  if (left < majority) return { ok: false, check: 'majority', message: `refusing to stop mon.${id}: ${counts}: ${outcome}, no majority (needs ${majority})` };
  if (inQuorum < total) {
    const out = names.filter((name) => !quorum.quorumNames.includes(name));
    return { ok: false, check: 'quorum', message: `refusing to stop mon.${id}: ${counts} (${out.map((n) => `mon.${n}`).join(', ')} out of quorum): every monitor must be in quorum before one is lost` };
  }
  return { ok: true, message: `mon.${id} may be stopped: ${counts}, ${outcome} (majority ${majority}), leader mon.${quorum.leader}` };
}

/** checkManagerLoss: may the active manager be stopped (a standby takes over)? */
export function checkManagerLoss(map: MgrMap): ControlSafety {
  if (!map.activeName || !map.available) {
    return { ok: false, check: 'no-active', message: `refusing to stop the active manager: ${map.activeName ? `mgr.${map.activeName} is not available yet` : 'no manager is active'} (mgr map epoch ${map.epoch}). Wait until one is` };
  }
  if (map.standbys.length === 0) {
    return { ok: false, check: 'no-standby', message: `refusing to stop mgr.${map.activeName}: it is the only manager (0 standbys), so no manager would be active` };
  }
  return { ok: true, message: `mgr.${map.activeName} may be stopped: ${plural(map.standbys.length, 'standby')} (${map.standbys.map((s) => `mgr.${s}`).join(', ')}) can take over` };
}
