/**
 * Transition moments from probe samples (pure): where, between two samples, a watched object reached a state. A
 * sample read the API somewhere between its start `t` and its answer `answeredAt`; the transition lies between the
 * middle of the last sample without the state and the middle of the first with it, and is placed halfway.
 */
export interface StampedSample {
  t: number;
  answeredAt?: number;
  measurementProblem?: boolean;
}

const middle = (s: StampedSample): number => (s.t + (s.answeredAt ?? s.t)) / 2;

/**
 * transitionAt: monotonic ms at which `reached` first held after `after` — and after a sample without it, so a
 * reboot (ACTIVE → HARD_REBOOT → ACTIVE) is placed at its return, not at a reading taken before it began —
 * interpolated; null when never seen. `which: 'last'` gives the last such return (an object that changed several times).
 */
export function transitionAt<S extends StampedSample>(samples: readonly S[], after: number, reached: (sample: S) => boolean, which: 'first' | 'last' = 'first'): number | null {
  const usable = samples.filter((s) => !s.measurementProblem && s.t >= after).sort((a, b) => a.t - b.t);
  let previous: S | undefined;
  let found: number | null = null;
  for (const sample of usable) {
    const hit = reached(sample);
    if (hit && previous) {
      found = (middle(previous) + middle(sample)) / 2;
      if (which === 'first') return found;
    }
    previous = hit ? undefined : sample;
  }
  return found;
}

/** epochToMonotonic: an epoch-ms stamp on this process's monotonic clock, given one pair read at the same moment. */
export function epochToMonotonic(epochMs: number, pair: { monotonic: number; epoch: number }): number {
  return pair.monotonic - (pair.epoch - epochMs);
}
