/**
 * Durations as SREs write them: "500ms", "30s", "2m", "1h", "1.5s". One parser for feature files,
 * environment files and flags, so "fast" is refused the same way everywhere.
 */
import { BadInput, SourceLocation } from './errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

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
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** Formats milliseconds for people: "850ms", "12.3s", "2m05s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
