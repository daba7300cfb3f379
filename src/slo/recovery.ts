/**
 * Recovery math for per-sample probes (DESIGN.md section 2): a sample is good when `ok`. Time to detect runs
 * from injection to the first bad sample; recovery time runs from the revert (or the injection, for one-shot
 * faults) to the first instant after which samples stay good for the stabilization window.
 * Samples with `measurementProblem` are ignored; input order does not matter and is never changed.
 * Definitions and reasons: docs/decisions/0020-slo-and-recovery-math.md.
 */
import type { Sample } from '../model/sample';

/** RecoveryFinding: what findRecovery saw; all null when recovery has not (yet) happened or nothing was seen. */
export interface RecoveryFinding {
  /** Start of the first stable good run at or after `from`; null until such a run spans the window. */
  recoveredAt: number | null;
  /** recoveredAt − from (≥ 0), or null. */
  recoverMs: number | null;
  /** t of the latest bad sample in [from, recoveredAt), or in [from, until] while not recovered; null if none. */
  lastBadAt: number | null;
}

/** RecoveryWindow: where findRecovery looks: samples with from ≤ t ≤ until, judged against stabilizationMs. */
export interface RecoveryWindow {
  /** Monotonic ms recovery is measured from: the revert, or the injection for one-shot faults. */
  from: number;
  /** How long (sample span) good samples must follow each other without a bad one to count as recovered. */
  stabilizationMs: number;
  /** Samples after this monotonic ms are ignored (default: all); lets a caller judge "as of" a deadline. */
  until?: number;
}

/** timeToDetect: ms from `injectedAt` to the first bad usable sample with t ≥ injectedAt; null if none. */
export function timeToDetect(samples: readonly Sample[], injectedAt: number): number | null {
  let first = Infinity;
  // One pass for the earliest bad t: no sort needed, and the caller's order (possibly unsorted) is irrelevant.
  for (const s of samples) {
    if (s.measurementProblem === true || s.ok || s.t < injectedAt) continue;
    if (s.t < first) first = s.t;
  }
  return first === Infinity ? null : first - injectedAt;
}

/**
 * findRecovery: the start of the first run of good samples at or after `from` whose span (first to latest sample
 * t of the run) reaches `stabilizationMs` with no bad sample in between. When no bad sample came since `from`,
 * that run's recovery instant is `from` itself (recoverMs 0): nothing showed the SLO broken after the revert.
 * If the newest run is good but still shorter than the window, recoveredAt is null (not yet stable). A later
 * breach after a stable run does not undo the recovery: it is a new incident, not part of this one.
 * Cost: one filtering pass, plus a sort only when the usable samples are out of order — O(n) for the runner,
 * which calls this about every 100 ms on the growing sample list while it waits.
 */
export function findRecovery(samples: readonly Sample[], window: RecoveryWindow): RecoveryFinding {
  const { from, stabilizationMs } = window;
  const until = window.until ?? Infinity;
  const inWindow = orderedByTime(samples.filter((s) => s.measurementProblem !== true && s.t >= from && s.t <= until));

  let runFirstT: number | null = null; // t of the first sample of the current good run
  let lastBadAt: number | null = null;
  for (const s of inWindow) {
    if (!s.ok) {
      lastBadAt = s.t;
      runFirstT = null;
      continue;
    }
    if (runFirstT === null) runFirstT = s.t;
    if (s.t - runFirstT >= stabilizationMs) {
      // No bad sample since `from`: the SLO has held from `from` on, so recovery is at `from` itself.
      const recoveredAt = lastBadAt === null ? from : runFirstT;
      return { recoveredAt, recoverMs: Math.max(0, recoveredAt - from), lastBadAt };
    }
  }
  return { recoveredAt: null, recoverMs: null, lastBadAt };
}

/**
 * `samples` (a fresh array, sorted in place) in time order; at equal t a bad sample goes after a good one, so
 * two probes measuring at the same instant break a run whatever order they were appended in.
 */
function orderedByTime(samples: Sample[]): Sample[] {
  for (let i = 1; i < samples.length; i += 1) {
    if (byTimeBadLast(samples[i - 1] as Sample, samples[i] as Sample) > 0) return samples.sort(byTimeBadLast);
  }
  return samples;
}

function byTimeBadLast(a: Sample, b: Sample): number {
  return a.t - b.t || Number(!a.ok) - Number(!b.ok);
}
