/**
 * CommandProbe: runs a command on a node through its executor at a fixed (low) rate; a sample is good when
 * the command exits 0 within the timeout. A command that cannot be started at all (the node is unreachable
 * through its executor) is a failed sample: for a command probe, reaching the node is part of the check.
 */
import { now } from '../kernel/clock';
import type { Executor } from '../executors/executor';
import { Measurement, PeriodicSampler, Probe } from './probe';
import type { Sample } from '../model/sample';

export interface CommandProbeOptions {
  name: string;
  executor: Executor;
  /** Shell script run with `sh -c` on the node. */
  script: string;
  rateHz: number;
  timeoutMs: number;
  onSample: (sample: Sample) => void;
}

export class CommandProbe implements Probe {
  readonly description: string;
  private readonly sampler: PeriodicSampler;

  constructor(private readonly options: CommandProbeOptions) {
    this.description = `command "${options.script}" on ${options.executor.description} at ${options.rateHz} Hz`;
    this.sampler = new PeriodicSampler({
      name: options.name,
      rateHz: options.rateHz,
      timeoutMs: options.timeoutMs,
      measure: (t) => this.measure(t),
      onSample: options.onSample,
    });
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.sampler.start();
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }

  private async measure(t: number): Promise<Measurement> {
    try {
      const result = await this.options.executor.runScript(this.options.script, { timeoutMs: this.options.timeoutMs });
      return result.code === 0 ? { ok: true, latencyMs: now() - t } : { ok: false, latencyMs: now() - t, error: `exit ${result.code}` };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'CommandTimeout';
      return { ok: false, latencyMs: now() - t, error: timedOut ? 'timeout' : 'unreachable' };
    }
  }
}
