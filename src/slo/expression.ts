/**
 * SLO expressions in the style of k6 thresholds: `availability >= 99.5%`, `rate(errors) < 1%`,
 * `p(95) < 300ms`, `avg < 200ms`. One parser for feature files, SLO catalogues and flags; a parse error points
 * at the offending character, because an SLO that is silently misread judges the wrong experiment.
 */
import type { SourceLocation } from '../kernel/errors';
import { parseOperator, Scanner } from './scanner';

/** SloMetric: what an SLO measures over a probe's samples. */
export type SloMetric =
  | { readonly kind: 'availability' }
  | { readonly kind: 'errorRate' }
  | { readonly kind: 'percentile'; readonly p: number }
  | { readonly kind: 'avg' | 'med' | 'min' | 'max' };

/** SloOperator: how the observed value is compared with the threshold (observed OP threshold). */
export type SloOperator = '<' | '<=' | '>' | '>=' | '==';

/** SloUnit: "ratio" (0..1, written as %) for availability and error rate, "ms" for latency. */
export type SloUnit = 'ratio' | 'ms';

/** SloExpression: a parsed SLO; `text` is the expression as written (trimmed), `threshold` is in `unit`. */
export interface SloExpression {
  readonly text: string;
  readonly metric: SloMetric;
  readonly op: SloOperator;
  readonly threshold: number;
  readonly unit: SloUnit;
}

/**
 * SLO_PATTERN: a loose regular expression (no anchors, no capture groups) for an SLO inside step text, for
 * Cucumber parameter types. It is deliberately wider than the grammar so that parseSlo, not a step mismatch,
 * reports what is wrong.
 */
export const SLO_PATTERN =
  /(?:availability|rate\([^)]*\)|p\([^)]*\)|avg|med|min|max)\s*(?:<=|>=|==|<|>|=)\s*-?\d+(?:\.\d+)?\s*[A-Za-z%µ]*/;

const VALID_FORMS =
  'write METRIC OPERATOR THRESHOLD, e.g. "availability >= 99.5%", "rate(errors) < 1%", "p(95) < 300ms", ' +
  '"p(99.9) <= 1s", "avg < 200ms" (also med, min, max); operators < <= > >= ==; % for availability and ' +
  'rate(errors), ms, s or m for latency';

const LATENCY_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const LATENCY_KINDS = ['avg', 'med', 'min', 'max'] as const;

/** parseSlo: parses an SLO expression; throws BadInput pointing at the offending column of `text`. */
export function parseSlo(text: string, location?: SourceLocation): SloExpression {
  const scan = new Scanner(text, location, VALID_FORMS);
  scan.skipSpace();
  if (scan.atEnd()) throw scan.fail('empty SLO expression', scan.pos, 1);
  const metric = parseMetric(scan);
  scan.skipSpace();
  const op = parseOperator(scan);
  scan.skipSpace();
  const { threshold, unit } = parseThreshold(scan, metric);
  scan.skipSpace();
  if (!scan.atEnd()) {
    throw scan.fail(`unexpected "${text.slice(scan.pos).trim()}" after the threshold`, scan.pos, text.length - scan.pos);
  }
  return { text: text.trim(), metric, op, threshold, unit };
}

function parseMetric(scan: Scanner): SloMetric {
  const start = scan.pos;
  const name = scan.take(/[A-Za-z_][A-Za-z0-9_.]*/y);
  if (name === null) throw scan.fail('expected a metric (availability, rate(errors), p(N), avg, med, min, max)', start, 1);
  if (name === 'availability') return { kind: 'availability' };
  if ((LATENCY_KINDS as readonly string[]).includes(name)) return { kind: name as (typeof LATENCY_KINDS)[number] };
  if (name === 'p' || name === 'rate') {
    scan.skipSpace();
    const open = scan.pos;
    if (scan.take(/\(/y) === null) throw scan.fail(`expected "(" after "${name}"`, open, 1);
    scan.skipSpace();
    const metric = name === 'p' ? parsePercentileArgument(scan) : parseRateArgument(scan);
    scan.skipSpace();
    const close = scan.pos;
    if (scan.take(/\)/y) === null) throw scan.fail(`expected ")" to close "${name}("`, close, 1);
    return metric;
  }
  const percentileLike = /^p(\d+(?:\.\d+)?)$/.exec(name);
  const advice = percentileLike ? `write p(${percentileLike[1]})` : undefined;
  throw scan.fail(`unknown metric "${name}"`, start, name.length, advice);
}

function parsePercentileArgument(scan: Scanner): SloMetric {
  const start = scan.pos;
  const digits = scan.take(/\d+(?:\.\d+)?/y);
  if (digits === null) throw scan.fail('expected a percentile between 0 and 100, as in p(95)', start, 1);
  const p = Number(digits);
  if (p > 100) throw scan.fail(`percentile ${digits} is above 100`, start, digits.length);
  return { kind: 'percentile', p };
}

function parseRateArgument(scan: Scanner): SloMetric {
  const start = scan.pos;
  const name = scan.take(/[A-Za-z_][A-Za-z0-9_]*/y);
  if (name === 'errors') return { kind: 'errorRate' };
  if (name === null) throw scan.fail('expected "errors", as in rate(errors)', start, 1);
  throw scan.fail(`unknown rate "${name}"`, start, name.length, 'only rate(errors) is measured');
}

function parseThreshold(scan: Scanner, metric: SloMetric): { threshold: number; unit: SloUnit } {
  const start = scan.pos;
  const digits = scan.take(/\d+(?:\.\d+)?/y);
  if (digits === null) {
    const what = scan.atEnd() ? 'end of expression' : `"${scan.text[start]}"`;
    throw scan.fail(`expected a threshold number but found ${what}`, start, 1);
  }
  const afterNumber = scan.pos;
  scan.skipSpace();
  const unitStart = scan.pos;
  const unitText = scan.take(/%|[A-Za-zµ]+/y);
  const percentage = metric.kind === 'availability' || metric.kind === 'errorRate';
  const metricName = percentage ? (metric.kind === 'availability' ? 'availability' : 'rate(errors)') : 'latency';
  if (unitText === null) {
    const example = percentage ? `${digits}%` : `${digits}ms`;
    throw scan.fail(`missing unit after ${digits}`, afterNumber, 1,
      `${metricName} needs ${percentage ? '%' : 'ms, s or m'}: write ${example}`);
  }
  const known = unitText === '%' || LATENCY_UNIT_MS[unitText] !== undefined;
  if (!known) throw scan.fail(`unknown unit "${unitText}"`, unitStart, unitText.length);
  if (percentage && unitText !== '%') {
    throw scan.fail(`latency unit "${unitText}" on a percentage`, unitStart, unitText.length,
      `${metricName} is a share of samples: write ${digits}%`);
  }
  if (!percentage && unitText === '%') {
    throw scan.fail('"%" on a latency', unitStart, 1, `latency needs ms, s or m: write ${digits}ms`);
  }
  if (percentage) {
    if (Number(digits) > 100) throw scan.fail(`${digits}% is above 100%`, start, digits.length);
    return { threshold: exactDecimal(digits, 1, 100), unit: 'ratio' };
  }
  const threshold = exactDecimal(digits, LATENCY_UNIT_MS[unitText] as number, 1);
  // A latency bound beyond a day is a typo (no probe waits that long), and it keeps every threshold a finite number.
  if (!(threshold <= MAX_LATENCY_MS)) throw scan.fail(`latency ${digits}${unitText} is longer than 24h`, start, afterNumber - start, 'write a latency bound in ms, s or m, e.g. 300ms');
  return { threshold, unit: 'ms' };
}

/** MAX_LATENCY_MS: the largest latency threshold an SLO may state (24 h). */
const MAX_LATENCY_MS = 24 * 3_600_000;

/**
 * The decimal `digits` × `multiplier` / `divisor`, computed from integers with one final division, so that
 * "99.9%" becomes the double nearest 0.999 — the same double as 999 good of 1000 samples — and "1.1s" is
 * exactly 1100 ms. A value on the threshold then compares as equal instead of missing it by binary noise.
 */
function exactDecimal(digits: string, multiplier: number, divisor: number): number {
  const [whole, fraction = ''] = digits.split('.') as [string, string?];
  return (Number(whole + fraction) * multiplier) / (10 ** fraction.length * divisor);
}

/** formatSlo: the expression in normal form, e.g. "p(95) < 300ms", "availability >= 99.5%". */
export function formatSlo(expr: SloExpression): string {
  return `${formatMetric(expr.metric)} ${expr.op} ${formatThreshold(expr)}`;
}

function formatMetric(metric: SloMetric): string {
  switch (metric.kind) {
    case 'availability':
      return 'availability';
    case 'errorRate':
      return 'rate(errors)';
    case 'percentile':
      return `p(${trimNumber(metric.p)})`;
    default:
      return metric.kind;
  }
}

function formatThreshold(expr: SloExpression): string {
  if (expr.unit === 'ratio') return `${trimNumber(expr.threshold * 100)}%`;
  const ms = expr.threshold;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${trimNumber(ms)}ms`;
}

/** Shortest text of `n` without binary noise: 99.89999999999999 → "99.9". */
function trimNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/**
 * formatSloValue: an observed value in the expression's unit, e.g. "97.3%" or "412ms". Rounding never makes a
 * value look equal to the threshold, 0% or 100% when it is not: 0.99496 against 99.5% shows as "99.496%".
 */
export function formatSloValue(expr: SloExpression, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (expr.unit === 'ratio') return `${formatAvoiding(value * 100, 1, [expr.threshold * 100, 0, 100])}%`;
  if (Math.abs(value) < 10_000) return `${formatAvoiding(value, 0, [expr.threshold])}ms`;
  return `${formatAvoiding(value / 1000, 1, [expr.threshold / 1000])}s`;
}

/** `value` with `decimals` decimals (trailing zeros dropped), more while the text would read as a boundary. */
function formatAvoiding(value: number, decimals: number, boundaries: readonly number[]): string {
  let text = '';
  for (let d = decimals; d <= 6; d += 1) {
    text = String(Number(value.toFixed(d)));
    const shown = Number(text);
    const misleading = boundaries.some((b) => shown === Number(b.toFixed(d)) && Math.abs(value - b) > 1e-9);
    if (!misleading) return text;
  }
  return text;
}

