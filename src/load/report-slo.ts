/**
 * evaluateSloOnLoadReport: judges an SLO against a whole load run's report — what a k6 summary export gives
 * (no per-request samples, so no phases). Availability is ok/sent (dropped arrivals are not requests sent);
 * error rate its complement; latency SLOs use the report's percentiles, which k6 exports for p(90) and p(95) and
 * the built-in generator for p50/p90/p95/p99.
 */
import { BadInput } from '../kernel/errors';
import type { SloResult } from '../model/summary';
import { compareSlo } from '../slo/evaluate';
import { formatSloValue, SloExpression } from '../slo/expression';
import type { LoadReport } from '../model/load';

export function evaluateSloOnLoadReport(expr: SloExpression, report: LoadReport, probeName: string): SloResult {
  const value = observedOnReport(expr, report);
  const base = { probe: probeName, expression: expr.text, phase: 'run' as const, samples: report.sent };
  if (value === null) return { ...base, observed: null, observedText: 'no data', met: false };
  return { ...base, observed: value, observedText: formatSloValue(expr, value), met: compareSlo(value, expr.op, expr.threshold) };
}

function observedOnReport(expr: SloExpression, report: LoadReport): number | null {
  const metric = expr.metric;
  const latency = report.latencyMs;
  switch (metric.kind) {
    case 'availability':
      return report.sent > 0 ? report.ok / report.sent : null;
    case 'errorRate':
      return report.sent > 0 ? (report.sent - report.ok) / report.sent : null;
    case 'avg':
      return latency.mean;
    case 'med':
      return latency.p50;
    case 'max':
      return latency.max;
    case 'min':
      throw new BadInput(`"${expr.text}": a load summary has no minimum latency`, undefined, 'judge min on probe samples, or use avg, med, max or p(50|90|95|99)');
    case 'percentile': {
      const known: Record<number, number | null> = { 50: latency.p50, 90: latency.p90, 95: latency.p95, 99: latency.p99 };
      if (!(metric.p in known)) {
        throw new BadInput(`"${expr.text}": a load summary has only p(50), p(90), p(95) and p(99)`, undefined, 'use one of those percentiles, or judge probe samples per phase');
      }
      return known[metric.p] ?? null;
    }
  }
}
