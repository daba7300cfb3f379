/**
 * Pinpointing Ceph events by Ceph's own stamps instead of by when a reading happened to notice them:
 *   - an OSD seen down / marked out: the OSD map epoch that first says so, and when the monitor made it
 *     (`modified`). Readings carry their epoch; when they skipped epochs, the epochs in between are fetched.
 *   - all PGs active+clean: the manager's PG map version that first shows it, and its stamp — the stamp of that
 *     version's "pgmap vN" line in the cluster log. Versions are not kept by Ceph, so a reading that skipped one
 *     gives the first version SEEN clean (exact: false, an upper bound).
 * Pure functions over the probe's samples; the fetch of an old epoch is passed in.
 */
import type { OsdDump } from '../client/types';
import type { CephSample } from './status-probe';

export type OsdEvent = 'down' | 'out';

/** StampedEvent: when Ceph says the event happened (epoch ms), from which map, and whether no version was skipped. */
export interface StampedEvent {
  stampMs: number;
  /** "osdmap e81" or "pgmap v455". */
  source: string;
  /** The OSD map epoch or PG map version of `source`. */
  version: number;
  exact: boolean;
}

/** MAX_EPOCHS_FETCHED: a reading gap longer than this many epochs is not searched (the first epoch seen is used). */
export const MAX_EPOCHS_FETCHED = 40;

const holds = (osds: ReadonlyArray<{ id: number; up: boolean; in: boolean }>, osd: number, event: OsdEvent): boolean => {
  const state = osds.find((o) => o.id === osd);
  return state !== undefined && (event === 'down' ? !state.up : !state.in);
};

const sampleHolds = (s: CephSample, osd: number, event: OsdEvent): boolean => ((event === 'down' ? s.down : s.out) ?? []).includes(osd);

/**
 * pinpointOsdEvent: the OSD map epoch in which osd.N is first down (or out) after `after` (monotonic), with the
 * monitor's stamp of that epoch; null when no reading after `after` shows the event or the readings carry no epochs.
 */
export async function pinpointOsdEvent(samples: readonly CephSample[], osd: number, event: OsdEvent, after: number, dumpAtEpoch: (epoch: number) => Promise<OsdDump>): Promise<StampedEvent | null> {
  const usable = samples.filter((s) => !s.measurementProblem && s.osdmapEpoch !== undefined).sort((a, b) => a.t - b.t);
  const hitIndex = usable.findIndex((s) => s.t >= after && sampleHolds(s, osd, event));
  const hit = usable[hitIndex];
  if (!hit || hit.osdmapEpoch === undefined) return null;
  const before = usable.slice(0, hitIndex).reverse().find((s) => !sampleHolds(s, osd, event));
  const stampedAt = (epoch: number, stampMs: number, exact: boolean): StampedEvent | null => (Number.isNaN(stampMs) ? null : { stampMs, source: `osdmap e${epoch}`, version: epoch, exact });
  // The first epoch SEEN with the event: the answer whenever the epochs before it cannot be searched.
  const seen = stampedAt(hit.osdmapEpoch, hit.osdmapModifiedMs ?? NaN, false);
  if (!before || before.osdmapEpoch === undefined) return seen;
  const first = before.osdmapEpoch + 1;
  if (first === hit.osdmapEpoch) return stampedAt(hit.osdmapEpoch, hit.osdmapModifiedMs ?? NaN, true);
  if (hit.osdmapEpoch - first >= MAX_EPOCHS_FETCHED) return seen;
  for (let epoch = first; epoch <= hit.osdmapEpoch; epoch++) {
    let dump: OsdDump;
    try {
      dump = await dumpAtEpoch(epoch);
    } catch {
      return seen; // trimmed or unreadable
    }
    if (holds(dump.osds, osd, event)) return stampedAt(epoch, dump.modifiedMs, true);
  }
  return seen;
}

const pgsClean = (s: CephSample): boolean => s.numPgs !== undefined && s.numPgs > 0 && s.activeClean === s.numPgs;

/**
 * pinpointActiveClean: the start of the last clean stretch of PGs after `from` (monotonic) and up to `until` —
 * the manager's PG map version in which every PG became active+clean again, with its stamp. Readings without a
 * PG map version (the manager did not answer, or its map moved during the reading) still count as evidence of
 * unclean PGs; the stamp then comes from the first clean reading that has a version (exact: false). Null when no
 * PG was unclean after `from` (nothing healed) or no clean reading has a version (CLI fallback).
 */
export function pinpointActiveClean(samples: readonly CephSample[], from: number, until: number): StampedEvent | null {
  const usable = samples.filter((s) => !s.measurementProblem && s.numPgs !== undefined && s.t >= from && s.t <= until).sort((a, b) => a.t - b.t);
  let start = -1;
  for (let i = 1; i < usable.length; i++) if (!pgsClean(usable[i - 1] as CephSample) && pgsClean(usable[i] as CephSample)) start = i;
  if (start < 0) return null;
  const prev = usable[start - 1] as CephSample;
  const stamped = usable.slice(start).find((s) => s.pgmapVersion !== undefined && s.pgmapStampMs !== undefined);
  if (!stamped || stamped.pgmapVersion === undefined || stamped.pgmapStampMs === undefined) return null;
  const exact = stamped === usable[start] && prev.pgmapVersion !== undefined && stamped.pgmapVersion === prev.pgmapVersion + 1;
  return { stampMs: stamped.pgmapStampMs, source: `pgmap v${stamped.pgmapVersion}`, version: stamped.pgmapVersion, exact };
}
