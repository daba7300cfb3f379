/**
 * PromqlProbe: evaluates one PromQL expression on a fixed schedule (default every 1 s) and records one
 * PromqlSample per evaluation, stamped with its start on the monotonic clock, like HttpProbe.
 * Prometheus data is only as fresh as its scrape interval: a sample says what Prometheus knew at `t`, which lags
 * the system by up to one scrape interval (plus the scrape timeout for a target that stopped answering). A
 * faster schedule than the scrape interval only repeats values.
 * A Prometheus that cannot answer gives samples with `measurementProblem: true`, never an outage.
 */
import { now } from '../kernel/clock';
import { BadInput } from '../kernel/errors';
import type { Sample } from '../model/sample';
import { Measurement, PeriodicSampler, PeriodicSamplerOptions, Probe } from '../probes/probe';
import type { SloOperator } from '../slo/expression';
import { compareSlo } from '../slo/evaluate';
import { InstantResult, instantQuery, PrometheusUnavailable } from './client';

/**
 * PromqlCondition: what a good sample is: `value OP threshold` for the scalar, or for every series of the
 * vector. An empty vector (no series matched) is bad unless `absentIsOk` is true: "no data" is not "fine",
 * because a typo in a label or a dead exporter also yields an empty vector.
 */
export interface PromqlCondition {
  op: SloOperator;
  threshold: number;
  absentIsOk?: boolean;
}

/**
 * PromqlSample: a Sample with the value Prometheus returned. `value` is the worst value over the vector's series
 * (see worstValue), null when the vector was empty, the value was NaN, or nothing was measured.
 */
export interface PromqlSample extends Sample {
  value: number | null;
  /** Number of series in the answer (1 for a scalar, 0 for an empty vector or no answer). */
  series: number;
  /** Why the sample is bad or a measurement problem, in words (Prometheus' message for a query error). */
  detail?: string;
}

/** PromqlProbeOptions: `intervalMs` defaults to 1000, `timeoutMs` to the interval, `maxDurationMs` to 1 h. */
export interface PromqlProbeOptions {
  name: string;
  /** Prometheus' base URL, e.g. http://127.0.0.1:9090. */
  baseUrl: string;
  query: string;
  condition: PromqlCondition;
  intervalMs?: number;
  timeoutMs?: number;
  maxDurationMs?: number;
  onSample: (sample: PromqlSample) => void;
}

/** Judgement: what one query answer means for the condition; the sample fields apart from probe, t and latency. */
export type Judgement = Pick<PromqlSample, 'ok' | 'value' | 'series' | 'error' | 'detail'>;

/**
 * judgeResult judges an instant query answer against `condition`. A vector meets it when every series does
 * (so `up{job="node"} == 1` means every node exporter is up); `value` is the worst series' value.
 */
export function judgeResult(result: InstantResult, condition: PromqlCondition): Judgement {
  const values = result.resultType === 'scalar' ? [result.value] : result.vector.map((e) => e.value);
  if (values.length === 0) {
    return condition.absentIsOk
      ? { ok: true, value: null, series: 0 }
      : { ok: false, value: null, series: 0, error: 'absent', detail: 'the query returned no series' };
  }
  if (values.some((v) => Number.isNaN(v))) {
    return { ok: false, value: null, series: values.length, error: 'nan', detail: 'the query returned NaN' };
  }
  const worst = worstValue(values, condition.op, condition.threshold);
  const ok = values.every((v) => compareSlo(v, condition.op, condition.threshold));
  return ok ? { ok, value: worst, series: values.length } : { ok, value: worst, series: values.length, error: 'condition' };
}

/**
 * worstValue: the value of `values` furthest on the wrong side of `op threshold`: the largest for < and <=,
 * the smallest for > and >=, the one furthest from the threshold for ==. Null for no values.
 */
export function worstValue(values: readonly number[], op: SloOperator, threshold: number): number | null {
  if (values.length === 0) return null;
  switch (op) {
    case '<':
    case '<=':
      return Math.max(...values);
    case '>':
    case '>=':
      return Math.min(...values);
    case '==':
      return values.reduce((worst, v) => (Math.abs(v - threshold) > Math.abs(worst - threshold) ? v : worst));
  }
}

/** PromqlProbe: samples one PromQL expression on a fixed schedule until stopped (bounded by maxDurationMs). */
export class PromqlProbe implements Probe {
  readonly description: string;
  private readonly timeoutMs: number;
  private readonly sampler: PeriodicSampler;

  constructor(private readonly options: PromqlProbeOptions) {
    const intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? intervalMs;
    if (!(intervalMs > 0) || !(this.timeoutMs > 0)) {
      throw new RangeError(`PromqlProbe ${options.name}: intervalMs and timeoutMs must be positive`);
    }
    this.description = `PromQL ${options.query} every ${intervalMs}ms`;
    const sampler: PeriodicSamplerOptions = {
      name: options.name,
      rateHz: 1000 / intervalMs,
      timeoutMs: this.timeoutMs,
      measure: (t) => this.measure(t),
      // The sampler passes every field of the measurement through, so these samples are PromqlSamples.
      onSample: (sample) => options.onSample({ value: null, series: 0, ...sample } as PromqlSample),
    };
    if (options.maxDurationMs !== undefined) sampler.maxDurationMs = options.maxDurationMs;
    this.sampler = new PeriodicSampler(sampler);
  }

  /** name: the probe's name, which labels its samples. */
  get name(): string {
    return this.options.name;
  }

  /** start: the first query runs at once, then one every intervalMs (a late answer does not shift the schedule). */
  start(): void {
    this.sampler.start();
  }

  /** stop: no new queries; resolves when the ones in flight have finished (each is bounded by timeoutMs). */
  stop(): Promise<void> {
    return this.sampler.stop();
  }

  /**
   * check runs the query once and throws what a probe would only record: BadInput for PromQL that Prometheus
   * rejects, PrometheusUnavailable when it cannot answer. For plan and preflight, before anything is touched.
   */
  async check(): Promise<InstantResult> {
    return instantQuery(this.options.baseUrl, this.options.query, { timeoutMs: this.timeoutMs });
  }

  private async measure(t: number): Promise<Measurement & Judgement> {
    const { baseUrl, query, condition } = this.options;
    try {
      const result = await instantQuery(baseUrl, query, { timeoutMs: this.timeoutMs });
      return { latencyMs: now() - t, ...judgeResult(result, condition) };
    } catch (error) {
      // Neither an unreachable Prometheus nor a query it rejects says anything about the system under test.
      const errorClass = error instanceof BadInput ? 'bad-query' : error instanceof PrometheusUnavailable ? 'unavailable' : 'error';
      const detail = error instanceof PrometheusUnavailable ? error.reason : error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { ok: false, latencyMs: now() - t, value: null, series: 0, error: errorClass, measurementProblem: true, detail };
    }
  }
}
