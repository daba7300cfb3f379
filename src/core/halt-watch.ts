/**
 * HaltWatch: hard SLO floors checked continuously while faults are active. When a floor is crossed the watch
 * calls `onHalt` at once (the Experiment reverts every fault and aborts the scenario), instead of waiting for
 * the current step to end. The floor is judged over a sliding window of completed samples.
 */
import { now, wallClockAt } from '../kernel/clock';
import { formatDuration } from '../kernel/duration';
import { observeSlo, compareSlo } from '../slo/evaluate';
import { formatSloValue, SloExpression } from '../slo/expression';
import type { Sample } from '../model/sample';
import type { HaltRecord } from '../model/summary';
import { round3 } from './scenario-files';

/** How often the floors are checked; together with revert time this bounds the halt latency. */
const CHECK_EVERY_MS = 25;
/** A window judged on fewer samples than this is not judged: one early failure must not halt a run. */
const MIN_SAMPLES = 5;

export interface HaltCondition {
  probe: string;
  text: string;
  slo: SloExpression;
  windowMs: number;
}

export interface HaltCrossing {
  condition: HaltCondition;
  /** Monotonic time the crossing was seen. */
  at: number;
  observed: number;
  message: string;
}

export class HaltWatch {
  private timer: NodeJS.Timeout | null = null;
  private fired = false;

  constructor(
    private readonly conditions: readonly HaltCondition[],
    private readonly samplesOf: (probe: string) => Sample[],
    private readonly onHalt: (crossing: HaltCrossing) => void,
  ) {}

  start(): void {
    if (this.timer || this.conditions.length === 0) return;
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** check: judges every floor over its window once; fires onHalt for the first one crossed. */
  check(at: number = now()): HaltCrossing | null {
    if (this.fired) return null;
    for (const condition of this.conditions) {
      const windowed = this.samplesOf(condition.probe).filter((s) => s.t >= at - condition.windowMs && s.t <= at);
      const observed = observeSlo(condition.slo, windowed);
      if (observed.value === null || observed.samples < MIN_SAMPLES) continue;
      if (compareSlo(observed.value, condition.slo.op, condition.slo.threshold)) continue;
      this.fired = true;
      this.stop();
      const crossing: HaltCrossing = {
        condition,
        at,
        observed: observed.value,
        message: `halt: ${condition.probe} ${condition.text} over ${formatDuration(condition.windowMs)} crossed (observed ${formatSloValue(condition.slo, observed.value)} over ${observed.samples} samples)`,
      };
      this.onHalt(crossing);
      return crossing;
    }
    return null;
  }
}

/** haltRecord: the summary's record of a crossing, before the faults are reverted. */
export function haltRecord(crossing: HaltCrossing): HaltRecord {
  return {
    probe: crossing.condition.probe,
    expression: crossing.condition.text,
    windowSeconds: round3(crossing.condition.windowMs / 1000),
    crossedAt: wallClockAt(crossing.at),
    revertedAt: null,
    haltSeconds: null,
  };
}

/** completeHaltRecord: every fault was reverted at `revertedAt` (monotonic); returns the halt time in ms. */
export function completeHaltRecord(record: HaltRecord, crossing: HaltCrossing, revertedAt: number): number {
  record.revertedAt = wallClockAt(revertedAt);
  record.haltSeconds = round3((revertedAt - crossing.at) / 1000);
  return revertedAt - crossing.at;
}
