/**
 * Probe: a measurement sampled over time on its own schedule. Every probe kind (HTTP, TCP, command,
 * PromQL) shares PeriodicSampler, so they all sample drift-free, bounded and stamped the same way.
 */
import { now } from '../kernel/clock';
import { firstGridTick, ticker } from '../kernel/ticker';
import type { Sample } from '../model/sample';

export interface Probe {
  readonly name: string;
  /** What the probe measures, for plans and reports: "GET http://... at 20 Hz". */
  readonly description: string;
  start(): void;
  /** stop: no new measurements; resolves when those in flight have finished (each bounded by its timeout). */
  stop(): Promise<void>;
}

/** Measurement: what one measurement found, without the probe name and start time the sampler adds. */
export type Measurement = Omit<Sample, 'probe' | 't'>;

export interface PeriodicSamplerOptions {
  name: string;
  rateHz: number;
  /** Upper bound of one measurement; sizes the in-flight cap. */
  timeoutMs: number;
  /** Hard stop, so a forgotten probe cannot run forever. Default 1 h. */
  maxDurationMs?: number;
  /** measure: takes one measurement that started at monotonic time `t`; must settle within about timeoutMs. */
  measure: (t: number) => Promise<Measurement>;
  onSample: (sample: Sample) => void;
}

/**
 * PeriodicSampler: starts a measurement every 1/rateHz seconds (open model: on schedule whether or not the last
 * one finished; due times sit on a grid of the monotonic clock, so there is no drift and samplers of the same
 * rate wake up together — see src/kernel/ticker.ts), with at most enough measurements in flight to cover one
 * timeout period. A tick that finds the cap full records a measurement problem.
 */
export class PeriodicSampler {
  private cancel: (() => void) | null = null;
  private inFlight = 0;
  private startedAt = 0;
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(private readonly options: PeriodicSamplerOptions) {
    this.maxInFlight = Math.ceil((options.rateHz * options.timeoutMs) / 1000) + 2;
  }

  start(): void {
    this.startedAt = now();
    this.schedule(firstGridTick(this.startedAt, 1000 / this.options.rateHz));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await Promise.allSettled([...this.pending]);
  }

  private schedule(due: number): void {
    if (this.stopped) return;
    this.cancel = ticker.at(due, () => {
      if (now() - this.startedAt > (this.options.maxDurationMs ?? 3_600_000)) {
        this.stopped = true;
        return;
      }
      this.fire();
      this.schedule(due + 1000 / this.options.rateHz);
    });
  }

  private fire(): void {
    const t = now();
    const { name, onSample } = this.options;
    if (this.inFlight >= this.maxInFlight) {
      onSample({ probe: name, t, ok: false, error: 'probe-saturated', measurementProblem: true });
      return;
    }
    this.inFlight++;
    const measurement = this.options
      .measure(t)
      .then(
        (result) => onSample({ probe: name, t, ...result }),
        (error: unknown) => onSample({ probe: name, t, ok: false, error: `probe-error: ${String(error)}`, measurementProblem: true }),
      )
      .finally(() => {
        this.inFlight--;
        this.pending.delete(measurement);
      });
    this.pending.add(measurement);
  }
}
