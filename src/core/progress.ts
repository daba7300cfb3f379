/**
 * RunProgress: where a run says what it is doing right now — which scenario, which phase, what it waits for and
 * until when — apart from the log lines that say what happened. The console shows it as a live status line on a
 * terminal and as sparse heartbeat lines in CI logs (src/cli/console-progress.ts); tests and library users may
 * leave it out.
 */

/** The phases a scenario passes through, as people read them in progress output. */
export type ProgressPhase = 'steady state' | 'fault active' | 'observing' | 'recovery' | 'finishing';

export interface RunProgress {
  /** A scenario starts: its 1-based position among the run's scenarios. */
  scenarioStarted(position: number): void;
  /**
   * A wait starts: the phase, what is waited for ("web to recover") and, when known, the monotonic time
   * (clock.now()) at which it ends at the latest. Returns the function that ends the wait.
   */
  waiting(phase: ProgressPhase, what: string, untilMs?: number): () => void;
  /** The scenario ended (its verdict line has been logged). */
  scenarioFinished(): void;
}

/** withProgress: runs `body` as one wait of `progress` (when there is one), ending the wait on every path. */
export async function withProgress<T>(progress: RunProgress | undefined, phase: ProgressPhase, what: string, untilMs: number | undefined, body: () => Promise<T>): Promise<T> {
  const done = progress?.waiting(phase, what, untilMs);
  try {
    return await body();
  } finally {
    done?.();
  }
}
