/**
 * LoadReport: what one load run did, in one shape whichever engine made the load (the built-in generator or
 * k6), so reports and benchmarks read both alike. SLO verdicts are not taken from here: they are judged on the
 * load's samples by src/slo, exactly like probe samples. Decisions: docs/decisions/0030-load-generator.md.
 */

/** LatencySummary: latency figures in milliseconds; null when no request has a latency ("no data" is not 0 ms). */
export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** LoadEngine: which engine produced a report. */
export type LoadEngine = 'builtin' | 'k6';

/**
 * LoadReport: the counts and figures of one load run. Invariants for the built-in generator:
 * offered = sent + dropped, sent = ok + failed, completed <= sent.
 */
export interface LoadReport {
  /** The load's name; also the `probe` of its samples. */
  name: string;
  engine: LoadEngine;
  /** The arrival rate asked for (requests/s); null when the engine does not say (a k6 summary does not). */
  ratePerSecond: number | null;
  /** Arrivals that came due on the schedule: sent + dropped. */
  offered: number;
  /** Requests started. */
  sent: number;
  /** Requests answered with a whole HTTP response, whatever its status. */
  completed: number;
  /** Requests that met the success criterion (by default a status of 200-399). */
  ok: number;
  /** Requests that did not: bad status, transport error or timeout (sent - ok). */
  failed: number;
  /** Arrivals not started because `maxInFlight` requests were already open (open model: never queued). */
  dropped: number;
  /** Failed requests by error class ("status", "timeout", "refused", "reset", ...); dropped ones are not here. */
  errorClasses: Record<string, number>;
  /** Requests started per second of the time arrivals were offered. */
  achievedRatePerSecond: number;
  /** Latency of every request that has one, failed ones included (a timeout counts as its timeout). */
  latencyMs: LatencySummary;
  /** From the start of the run until the last request finished. */
  durationMs: number;
}

/** BuiltinLoadReport: a LoadReport of the built-in generator, which also knows how well it kept its schedule. */
export interface BuiltinLoadReport extends LoadReport {
  engine: 'builtin';
  ratePerSecond: number;
  /**
   * How late arrivals were offered against their due time (ms), over sent and dropped ones. A growing lag
   * means the generator, not the system, was the bottleneck: its figures then understate the offered rate.
   */
  scheduleLagMs: { mean: number; max: number };
}

/** emptyLatencySummary: the LatencySummary of a run without any latency. */
export function emptyLatencySummary(): LatencySummary {
  return { p50: null, p90: null, p95: null, p99: null, max: null, mean: null };
}
