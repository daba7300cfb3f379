/**
 * The statistics SLOs are judged on. Pure functions over samples or numbers; every function that can meet an
 * empty input returns null for it, so "no data" can never be read as "0 ms" or "100% available".
 * Decisions and reasons: docs/decisions/0020-slo-and-recovery-math.md.
 */
import type { Sample } from '../model/sample';

/** usableSamples: the samples SLO math counts — all but those where the probe itself could not measure. */
export function usableSamples(samples: readonly Sample[]): Sample[] {
  return samples.filter((s) => s.measurementProblem !== true);
}

/** availability: good / total over usable samples (0..1); null when there is no usable sample. */
export function availability(samples: readonly Sample[]): number | null {
  let total = 0;
  let good = 0;
  for (const s of samples) {
    if (s.measurementProblem === true) continue;
    total += 1;
    if (s.ok) good += 1;
  }
  return total === 0 ? null : good / total;
}

/** errorRate: bad / total over usable samples (0..1), what rate(errors) means; null without usable samples. */
export function errorRate(samples: readonly Sample[]): number | null {
  let total = 0;
  let bad = 0;
  for (const s of samples) {
    if (s.measurementProblem === true) continue;
    total += 1;
    if (!s.ok) bad += 1;
  }
  // Counted, not 1 - availability, so 1 bad of 100 is exactly the double 0.01 and meets "< 1%" the same way.
  return total === 0 ? null : bad / total;
}

/**
 * latencies: the latencyMs of every usable sample that has one, failed samples included, sorted ascending.
 * Failed samples count because a timed-out request carries its timeout as latency: leaving failures out would
 * let a latency SLO look better during an outage than before it.
 */
export function latencies(samples: readonly Sample[]): number[] {
  const values: number[] = [];
  for (const s of samples) {
    if (s.measurementProblem === true) continue;
    if (typeof s.latencyMs === 'number' && Number.isFinite(s.latencyMs)) values.push(s.latencyMs);
  }
  return values.sort((a, b) => a - b);
}

/**
 * percentile: the p-th percentile (0..100) of ascending `sortedValues` by linear interpolation between closest
 * ranks (rank = p/100 × (n−1); Hyndman & Fan type 7), the method of k6 thresholds and numpy's default, so our
 * p(95) and k6's agree on the same data. p=0 is the minimum, p=100 the maximum; null for no values.
 */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const n = sortedValues.length;
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sortedValues[lower] as number;
  const high = sortedValues[upper] as number;
  return low + (high - low) * (rank - lower);
}

/** median: the 50th percentile of ascending `sortedValues` (mean of the middle two for even n); null if empty. */
export function median(sortedValues: readonly number[]): number | null {
  return percentile(sortedValues, 50);
}

/** mean: the arithmetic mean of `values` in any order; null if empty. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** min: the smallest of `values` in any order; null if empty. A loop, not Math.min(...values): no stack limit. */
export function min(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let result = Infinity;
  for (const v of values) if (v < result) result = v;
  return result;
}

/** max: the largest of `values` in any order; null if empty. */
export function max(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let result = -Infinity;
  for (const v of values) if (v > result) result = v;
  return result;
}
