/**
 * Sample: one measurement of one probe. `t` is the monotonic time (clock.now()) at which the measurement
 * started, so a request that times out is placed where the outage was, not where the timeout fired.
 */
export interface Sample {
  /** Name of the probe that took the sample, e.g. "web" or "web@node-2". */
  probe: string;
  /** Monotonic milliseconds (clock.now()) at the start of the measurement. */
  t: number;
  /** Whether the measurement met the probe's own success criterion (HTTP status, body match ...). */
  ok: boolean;
  /** Time the measurement took, when it completed (a timed-out request has its timeout here). */
  latencyMs?: number;
  /** HTTP status, when a response came back. */
  status?: number;
  /** Error class when not ok: "timeout", "refused", "reset", "status", "body", ... */
  error?: string;
  /**
   * True when the probe itself could not measure (e.g. DNS failure on the probe side): such samples are
   * left out of SLO math instead of being counted as an outage.
   */
  measurementProblem?: boolean;
}
