/**
 * Monotonic time for measurements. Every sample and event is stamped with `now()`: milliseconds on a
 * monotonic clock since the process started measuring, immune to NTP steps. `wallClockAt()` turns a
 * monotonic stamp back into an ISO time for reports, anchored once per process.
 */
import { performance } from 'node:perf_hooks';
import { boundedDelay } from './duration';

const anchorMonotonic = performance.now();
const anchorWall = Date.now();

/** Milliseconds on the monotonic clock (fractional). */
export function now(): number {
  return performance.now();
}

/** The wall-clock ISO time that corresponds to the monotonic stamp `t`. */
export function wallClockAt(t: number): string {
  return new Date(anchorWall + (t - anchorMonotonic)).toISOString();
}

/**
 * sleep: waits `ms` on the monotonic clock (or until `signal` aborts). A wait longer than one Node timer can hold
 * (MAX_TIMER_MS) is armed in parts, so no timer ever overflows into a 1 ms wake-up.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (Number.isNaN(ms)) throw new RangeError('sleep: the delay is NaN');
  const until = now() + Math.max(0, ms);
  do {
    await sleepOnce(boundedDelay(until - now()), signal);
  } while (now() < until && until - now() >= 1);
}

function sleepOnce(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
