/**
 * Outage intervals from per-sample probes, with edges interpolated: an outage starts halfway between the last
 * good sample and the first bad one, and ends halfway between the last bad sample and the next good one. With
 * samples every P ms each edge is then off by at most P/2 (unbiased), instead of up to P (always late) when
 * the first bad sample's start is taken as the edge. Samples with measurementProblem are ignored.
 */
import type { Sample } from '../model/sample';

export interface Outage {
  /** Monotonic ms; estimated edge (see above). */
  start: number;
  /** null while the outage lasts at the end of the samples. */
  end: number | null;
  /** Number of bad samples in the outage. */
  badSamples: number;
}

/** outages: every run of bad samples as an interval with interpolated edges, oldest first. */
export function outages(samples: readonly Sample[]): Outage[] {
  const usable = samples.filter((s) => s.measurementProblem !== true).sort((a, b) => a.t - b.t);
  const found: Outage[] = [];
  let previousGood: number | null = null;
  let current: { firstBad: number; lastBad: number; count: number; previousGood: number | null } | null = null;
  for (const sample of usable) {
    if (!sample.ok) {
      if (current) {
        current.lastBad = sample.t;
        current.count++;
      } else {
        current = { firstBad: sample.t, lastBad: sample.t, count: 1, previousGood };
      }
      continue;
    }
    if (current) {
      found.push({
        start: current.previousGood === null ? current.firstBad : (current.previousGood + current.firstBad) / 2,
        end: (current.lastBad + sample.t) / 2,
        badSamples: current.count,
      });
      current = null;
    }
    previousGood = sample.t;
  }
  if (current) {
    found.push({ start: current.previousGood === null ? current.firstBad : (current.previousGood + current.firstBad) / 2, end: null, badSamples: current.count });
  }
  return found;
}

/** downtimeMs: total outage time between `from` and `to` (outages clipped to the window; an open one ends at `to`). */
export function downtimeMs(samples: readonly Sample[], from: number, to: number): number {
  let total = 0;
  for (const outage of outages(samples)) {
    const start = Math.max(outage.start, from);
    const end = Math.min(outage.end ?? to, to);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * interpolatedDetectMs: time to detect with the breach placed halfway between the last good sample before
 * the first bad one (or the injection, if later) and that first bad sample; null when no bad sample came.
 */
export function interpolatedDetectMs(samples: readonly Sample[], injectedAt: number): number | null {
  const usable = samples.filter((s) => s.measurementProblem !== true).sort((a, b) => a.t - b.t);
  const firstBad = usable.find((s) => !s.ok && s.t >= injectedAt);
  if (!firstBad) return null;
  let lastGood = injectedAt;
  for (const s of usable) {
    if (s.t >= firstBad.t) break;
    if (s.ok && s.t > lastGood) lastGood = s.t;
  }
  return (lastGood + firstBad.t) / 2 - injectedAt;
}

/**
 * interpolatedRecoveryAt: the recovery instant halfway between the last bad sample and the first good sample
 * of the stable run that findRecovery found, never before `from`; `from` itself when nothing was bad.
 */
export function interpolatedRecoveryAt(finding: { recoveredAt: number | null; lastBadAt: number | null }, from: number): number | null {
  if (finding.recoveredAt === null) return null;
  // No bad sample since `from`: findRecovery already placed recovery at `from`.
  if (finding.lastBadAt === null) return finding.recoveredAt;
  return Math.max(from, (finding.lastBadAt + finding.recoveredAt) / 2);
}
