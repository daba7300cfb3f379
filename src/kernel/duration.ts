/**
 * Durations as SREs write them: "500ms", "30s", "2m", "1h", "1.5s". One parser for feature files,
 * environment files and flags, so "fast" is refused the same way everywhere.
 */
import { BadInput, SourceLocation } from './errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * MAX_TIMER_MS: the longest delay Node's timers hold (2^31 − 1 ms, about 24.8 days). A longer one is silently
 * armed as 1 ms (TimeoutOverflowWarning): "isolate for 99999999h" once held its fault for a millisecond and passed.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * MAX_DURATION_MS: the longest duration any feature or environment file may write (24 h): faults, windows, bounds
 * and timeouts are seconds to hours long; anything beyond a day is a typo. Tighter bounds (scope.maxFaultDuration)
 * apply where the value is used.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** The regular expression (without anchors) that Cucumber parameter types use for a duration. */
export const DURATION_PATTERN = /\d+(?:\.\d+)?(?:ms|s|m|h)/;

/** Parses a duration into milliseconds; throws BadInput naming `location` when the text is no duration. */
export function parseDuration(text: string, location?: SourceLocation): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) {
    throw new BadInput(
      `"${text}" is not a duration`,
      location,
      'write a number followed by ms, s, m or h, for example 500ms, 30s or 2m',
    );
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (!(ms <= MAX_DURATION_MS)) {
    throw new BadInput(
      `"${text}" is longer than 24h, the longest duration scs-chaos accepts`,
      location,
      'faults, windows and bounds are seconds to hours long: write e.g. 30s, 5m or 2h',
    );
  }
  return ms;
}

/** boundedDelay: a delay for setTimeout — finite, at least 0 and never above MAX_TIMER_MS (callers that wait longer loop). */
export function boundedDelay(ms: number): number {
  if (Number.isNaN(ms)) throw new RangeError('a timer delay is NaN');
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}

/** Formats milliseconds for people: "850ms", "12.3s", "2m05s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 999.5) return `${Math.round(ms)}ms`;
  // Round first, then pick the unit, so 9999.9 ms reads "10.0s" and 119.6 s reads "2m00s", never "1m60s".
  if (Math.abs(ms) < 9995) return `${(ms / 1000).toFixed(2)}s`;
  if (Math.abs(ms) < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}
