/**
 * Judging one SLO over the samples of one probe in one phase. The caller chooses the window
 * (samplesInWindow); this file only computes the observed value and compares it with the threshold.
 */
import type { Sample } from '../model/sample';
import type { Phase, SloResult } from '../model/summary';
import { SloExpression, SloOperator, formatSloValue } from './expression';
import { availability, errorRate, latencies, max, mean, median, min, percentile, usableSamples } from './statistics';

/** samplesInWindow: the samples whose t lies in the half-open window [fromT, toT), in their given order. */
export function samplesInWindow(samples: readonly Sample[], fromT: number, toT: number): Sample[] {
  return samples.filter((s) => s.t >= fromT && s.t < toT);
}

/** observeSlo: the SLO's observed value over `samples` and how many samples it rests on; null value when none. */
export function observeSlo(expr: SloExpression, samples: readonly Sample[]): { value: number | null; samples: number } {
  const metric = expr.metric;
  if (metric.kind === 'availability' || metric.kind === 'errorRate') {
    const count = usableSamples(samples).length;
    const value = metric.kind === 'availability' ? availability(samples) : errorRate(samples);
    return { value, samples: count };
  }
  const sorted = latencies(samples);
  switch (metric.kind) {
    case 'percentile':
      return { value: percentile(sorted, metric.p), samples: sorted.length };
    case 'avg':
      return { value: mean(sorted), samples: sorted.length };
    case 'med':
      return { value: median(sorted), samples: sorted.length };
    case 'min':
      return { value: min(sorted), samples: sorted.length };
    case 'max':
      return { value: max(sorted), samples: sorted.length };
  }
}

/** compareSlo: whether `observed OP threshold` holds; exact, because thresholds are parsed without binary noise. */
export function compareSlo(observed: number, op: SloOperator, threshold: number): boolean {
  switch (op) {
    case '<':
      return observed < threshold;
    case '<=':
      return observed <= threshold;
    case '>':
      return observed > threshold;
    case '>=':
      return observed >= threshold;
    case '==':
      return observed === threshold;
  }
}

/**
 * evaluateSlo: judges `expr` over all `samples` given (already windowed and already the probe's own; they are
 * not filtered by `probeName`, which only labels the result). Without usable samples the SLO is not met:
 * no evidence is no proof, and "observed" is null with observedText "no samples".
 */
export function evaluateSlo(expr: SloExpression, samples: readonly Sample[], phase: Phase, probeName: string): SloResult {
  const observed = observeSlo(expr, samples);
  if (observed.value === null) {
    return { probe: probeName, expression: expr.text, phase, observed: null, observedText: 'no samples', met: false, samples: 0 };
  }
  return {
    probe: probeName,
    expression: expr.text,
    phase,
    observed: observed.value,
    observedText: formatSloValue(expr, observed.value),
    met: compareSlo(observed.value, expr.op, expr.threshold),
    samples: observed.samples,
  };
}
