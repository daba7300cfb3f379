/**
 * LatencyHistogram: a fixed-memory latency recorder for load runs that send far more requests than anyone
 * wants to sort. Percentiles come from an HdrHistogram (hdr-histogram-js, BSD-2-Clause) with 3 significant
 * digits, so each is within 0.1% of a recorded value; max and mean are kept exactly beside it.
 * These figures describe the load; SLO verdicts are still computed exactly from samples (src/slo).
 */
import * as hdr from 'hdr-histogram-js';
import { emptyLatencySummary, type LatencySummary } from '../model/load';

/** Values are recorded in microseconds: 1 µs resolution is far below what an HTTP request can resolve. */
const MICROS_PER_MS = 1000;

/** LatencyHistogram: records latencies in fixed memory; summary() gives the LatencySummary of a LoadReport. */
export class LatencyHistogram {
  private readonly histogram: hdr.Histogram;
  private readonly highestMicros: number;
  private count = 0;
  private sumMs = 0;
  private maxMs = -Infinity;

  /** highestMs: the largest latency tracked; larger ones are recorded as highestMs (max and mean stay exact). */
  constructor(highestMs: number) {
    this.highestMicros = Math.max(2, Math.ceil(highestMs * MICROS_PER_MS));
    // autoResize off and a known ceiling: memory is fixed (about 150 KB for one hour) and the hot path
    // never allocates.
    this.histogram = hdr.build({
      bitBucketSize: 32,
      autoResize: false,
      lowestDiscernibleValue: 1,
      highestTrackableValue: this.highestMicros,
      numberOfSignificantValueDigits: 3,
    });
  }

  /** record: adds one latency in milliseconds; negative or non-finite values are ignored. */
  record(latencyMs: number): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) return;
    this.count += 1;
    this.sumMs += latencyMs;
    if (latencyMs > this.maxMs) this.maxMs = latencyMs;
    const micros = Math.round(latencyMs * MICROS_PER_MS);
    this.histogram.recordValue(micros > this.highestMicros ? this.highestMicros : micros);
  }

  /** size: how many latencies were recorded. */
  get size(): number {
    return this.count;
  }

  /** summary: p50/p90/p95/p99 (HdrHistogram, within 0.1%), exact max and mean; all null when empty. */
  summary(): LatencySummary {
    if (this.count === 0) return emptyLatencySummary();
    // HdrHistogram reports the top of a value's bucket; never let a percentile exceed the exact maximum.
    const at = (p: number): number => Math.min(this.histogram.getValueAtPercentile(p) / MICROS_PER_MS, this.maxMs);
    return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: this.maxMs, mean: this.sumMs / this.count };
  }
}
