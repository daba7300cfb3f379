/**
 * PromQL SLOs: `promql(<expr>) <op> <number>`, e.g. `promql(sum(haproxy_backend_active_servers{proxy="web"})) >= 2`
 * or `promql(rate(haproxy_frontend_http_responses_total{code="5xx"}[30s])) < 0.1`. The expression is sampled by a
 * PromqlProbe (build its condition with promqlCondition) and the SLO is judged over the phase's samples.
 * The number has no unit: it is in the unit of the expression's value (seconds, bytes, a ratio 0..1).
 */
import type { SourceLocation } from '../kernel/errors';
import { parseOperator, Scanner } from '../slo/scanner';
import type { Phase, SloResult } from '../model/summary';
import type { SloOperator } from '../slo/expression';
import { compareSlo } from '../slo/evaluate';
import type { PromqlCondition, PromqlSample } from './promql-probe';
import { worstValue } from './promql-probe';

/** PromqlSlo: a parsed PromQL SLO; `text` as written (trimmed), `query` the PromQL between the outer parentheses. */
export interface PromqlSlo {
  readonly text: string;
  readonly query: string;
  readonly op: SloOperator;
  readonly threshold: number;
}

/**
 * PROMQL_SLO_PATTERN: a loose regular expression (no anchors, no capture groups) for a PromQL SLO inside step
 * text. Wider than the grammar on purpose, so that parsePromqlSlo, not a step mismatch, says what is wrong.
 * PromQL accepts 'single-quoted' label values, which keeps a quoted step argument free of inner double quotes.
 */
export const PROMQL_SLO_PATTERN = /promql\s*\(.*\)\s*(?:<=|>=|==|!=|<|>|=)\s*[-+]?[\d.]\S*/;

const VALID_FORMS =
  'write promql(EXPRESSION) OPERATOR NUMBER, e.g. promql(sum(haproxy_backend_active_servers{proxy="web"})) >= 2; ' +
  'operators < <= > >= ==; the number has no unit (it is in the unit of the expression\'s value)';

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** isPromqlSlo tells whether SLO text is meant as a PromQL SLO (starts with "promql("), to route it to this parser. */
export function isPromqlSlo(text: string): boolean {
  return /^\s*promql\s*\(/.test(text);
}

/** parsePromqlSlo parses `promql(<expr>) <op> <number>`; throws BadInput naming the offending column of `text`. */
export function parsePromqlSlo(text: string, location?: SourceLocation): PromqlSlo {
  const scan = new Scanner(text, location, VALID_FORMS);
  scan.skipSpace();
  const keywordAt = scan.pos;
  if (scan.take(/promql/y) === null) {
    throw scan.fail('expected "promql(" at the start of a PromQL SLO', keywordAt, Math.max(1, Math.min(6, text.length - keywordAt)));
  }
  scan.skipSpace();
  const openAt = scan.pos;
  if (scan.take(/\(/y) === null) throw scan.fail('expected "(" after "promql"', openAt, 1);
  const closeAt = findClosingParenthesis(scan, openAt);
  const query = text.slice(openAt + 1, closeAt).trim();
  if (query === '') throw scan.fail('empty PromQL expression', openAt, closeAt - openAt + 1);
  scan.pos = closeAt + 1;
  scan.skipSpace();
  const op = parseOperator(scan, ' after the PromQL expression');
  scan.skipSpace();
  const threshold = parseNumber(scan);
  scan.skipSpace();
  if (!scan.atEnd()) {
    throw scan.fail(`unexpected "${text.slice(scan.pos).trim()}" after the threshold`, scan.pos, text.length - scan.pos);
  }
  return { text: text.trim(), query, op, threshold };
}

/**
 * The index of the ")" that closes the "(" at `openAt`. Brackets must nest — (), [] and {} — and quoted PromQL
 * strings ("…", '…' with backslash escapes, `…` raw) may hold any bracket.
 */
function findClosingParenthesis(scan: Scanner, openAt: number): number {
  const { text } = scan;
  const stack: number[] = [openAt];
  for (let i = openAt + 1; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(scan, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      stack.push(i);
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      const opener = stack.pop() as number;
      const expected = CLOSING[text[opener] as string] as string;
      if (c !== expected) {
        throw scan.fail(`"${c}" does not close "${text[opener]}" at column ${opener + 1} (expected "${expected}")`, i, 1);
      }
      if (stack.length === 0) return i;
    }
  }
  const innermost = stack[stack.length - 1] as number;
  if (innermost === openAt) throw scan.fail('"promql(" is never closed; expected ")" after the expression', openAt, 1);
  throw scan.fail(`"${text[innermost]}" is never closed`, innermost, 1);
}

/** The index of the quote that ends the string starting at `start`. */
function skipString(scan: Scanner, start: number): number {
  const { text } = scan;
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\' && quote !== '`') {
      i += 1;
      continue;
    }
    if (text[i] === quote) return i;
  }
  throw scan.fail(`string starting with ${quote} is never closed`, start, 1);
}

function parseNumber(scan: Scanner): number {
  const start = scan.pos;
  const digits = scan.take(/[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y);
  if (digits === null) {
    const what = scan.atEnd() ? 'end of expression' : `"${scan.text[start]}"`;
    throw scan.fail(`expected a threshold number but found ${what}`, start, 1);
  }
  const unitAt = scan.pos;
  const unit = scan.take(/%|[A-Za-zµ]+/y);
  if (unit !== null) {
    throw scan.fail(`PromQL thresholds have no unit, but "${unit}" follows ${digits}`, unitAt, unit.length,
      'write the number in the unit of the expression\'s value, e.g. 0.1 for 10% or 0.3 for 300ms of a value in seconds');
  }
  // Number() gives the double nearest the decimal, as Prometheus' own parsing of the value does.
  return Number(digits);
}

/** promqlCondition: the PromqlProbe condition that samples `slo`'s expression for it (an empty vector is bad). */
export function promqlCondition(slo: PromqlSlo): PromqlCondition {
  return { op: slo.op, threshold: slo.threshold };
}

/**
 * evaluatePromqlSlo judges `slo` over one phase's samples (already windowed; `probeName` only labels the result).
 * Met when EVERY usable sample met the condition: a PromQL SLO states something that must hold throughout the
 * phase, not on average — one scrape with two servers where three are required breaks ">= 3". Samples with a
 * measurement problem are left out; a usable sample without value (empty vector, NaN) breaks the SLO. Each
 * sample's own `value` is compared with the SLO, not its `ok`, so SLOs with other thresholds can share a probe.
 * `observed` is the worst value seen (largest for < and <=, smallest for > and >=, furthest off for ==); null
 * without a value. No usable sample: not met, as for every SLO (no evidence is no proof).
 */
export function evaluatePromqlSlo(slo: PromqlSlo, samples: readonly PromqlSample[], phase: Phase, probeName: string): SloResult {
  const usable = samples.filter((s) => s.measurementProblem !== true);
  const base = { probe: probeName, expression: slo.text, phase, samples: usable.length };
  if (usable.length === 0) {
    const problems = samples.length - usable.length;
    return { ...base, observed: null, observedText: problems > 0 ? `no usable samples (${problems} measurement problems)` : 'no samples', met: false };
  }
  const values = usable.map((s) => s.value).filter((v): v is number => v !== null && !Number.isNaN(v));
  const withoutValue = usable.length - values.length;
  const observed = worstValue(values, slo.op, slo.threshold);
  if (observed === null) return { ...base, observed: null, observedText: `no value in all ${usable.length} samples`, met: false };
  const met = withoutValue === 0 && values.every((v) => compareSlo(v, slo.op, slo.threshold));
  const shown = formatPromqlValue(observed, slo.threshold);
  const observedText = withoutValue === 0 ? shown : `${shown} (no value in ${withoutValue} of ${usable.length} samples)`;
  return { ...base, observed, observedText, met };
}

/**
 * formatPromqlValue: `value` with 6 significant digits, more while the text would read as `threshold` though
 * the value differs (0.09999999 against 0.1 shows as "0.09999999", not "0.1").
 */
export function formatPromqlValue(value: number, threshold: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  let text = '';
  for (let digits = 6; digits <= 17; digits += 1) {
    text = String(Number(value.toPrecision(digits)));
    if (Number(text) !== threshold || value === threshold) return text;
  }
  return text;
}

