import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../kernel/errors';
import { SLO_PATTERN, SloExpression, formatSlo, formatSloValue, parseSlo } from './expression';

/** Runs parseSlo and returns the BadInput it must throw. */
function parseError(text: string, location?: { file: string; line?: number; column?: number }): BadInput {
  try {
    parseSlo(text, location);
  } catch (error) {
    assert.ok(error instanceof BadInput, `expected BadInput, got ${String(error)}`);
    return error;
  }
  assert.fail(`"${text}" parsed but should not`);
}

/** The caret line of a parse error (third line, indented like the text line above it): carets' index and count. */
function caretOf(error: BadInput): { index: number; length: number } {
  const [, textLine = '', caretLine = ''] = error.message.split('\n');
  const indent = '    ';
  assert.ok(textLine.startsWith(indent) && caretLine.startsWith(indent), 'text and caret lines share the indent');
  return { index: caretLine.indexOf('^') - indent.length, length: caretLine.trim().length };
}

describe('parseSlo', () => {
  const cases: Array<[string, Omit<SloExpression, 'text'>]> = [
    ['availability >= 99.5%', { metric: { kind: 'availability' }, op: '>=', threshold: 0.995, unit: 'ratio' }],
    ['p(95) < 300ms', { metric: { kind: 'percentile', p: 95 }, op: '<', threshold: 300, unit: 'ms' }],
    ['p(99.9) <= 1s', { metric: { kind: 'percentile', p: 99.9 }, op: '<=', threshold: 1000, unit: 'ms' }],
    ['rate(errors) < 1%', { metric: { kind: 'errorRate' }, op: '<', threshold: 0.01, unit: 'ratio' }],
    ['avg < 200ms', { metric: { kind: 'avg' }, op: '<', threshold: 200, unit: 'ms' }],
    ['med < 100ms', { metric: { kind: 'med' }, op: '<', threshold: 100, unit: 'ms' }],
    ['max <= 2s', { metric: { kind: 'max' }, op: '<=', threshold: 2000, unit: 'ms' }],
    ['min > 0ms', { metric: { kind: 'min' }, op: '>', threshold: 0, unit: 'ms' }],
    ['max < 2m', { metric: { kind: 'max' }, op: '<', threshold: 120_000, unit: 'ms' }],
    ['availability == 100%', { metric: { kind: 'availability' }, op: '==', threshold: 1, unit: 'ratio' }],
    ['p(0) > 1ms', { metric: { kind: 'percentile', p: 0 }, op: '>', threshold: 1, unit: 'ms' }],
    ['p(100) < 5s', { metric: { kind: 'percentile', p: 100 }, op: '<', threshold: 5000, unit: 'ms' }],
  ];
  for (const [text, expected] of cases) {
    it(`parses "${text}"`, () => {
      assert.deepEqual(parseSlo(text), { text, ...expected });
    });
  }

  it('accepts k6 spacing: none around the operator, and a space before the unit', () => {
    assert.deepEqual(parseSlo('p(95)<300ms'), {
      text: 'p(95)<300ms',
      metric: { kind: 'percentile', p: 95 },
      op: '<',
      threshold: 300,
      unit: 'ms',
    });
    assert.equal(parseSlo('  avg < 200 ms  ').threshold, 200);
    assert.equal(parseSlo('  avg < 200 ms  ').text, 'avg < 200 ms');
  });

  it('parses decimals without binary noise, so a value on the threshold compares as equal', () => {
    assert.equal(parseSlo('availability >= 99.9%').threshold, 999 / 1000);
    assert.equal(parseSlo('p(95) < 1.1s').threshold, 1100);
    assert.equal(parseSlo('rate(errors) < 0.1%').threshold, 1 / 1000);
    assert.equal(parseSlo('availability >= 57%').threshold, 57 / 100);
  });

  it('points at the unknown unit with column and carets', () => {
    const error = parseError('p(95) < 300xs');
    assert.match(error.message, /^unknown unit "xs" at column 12\n/);
    assert.deepEqual(caretOf(error), { index: 11, length: 2 });
    assert.match(error.hint ?? '', /p\(95\) < 300ms/);
  });

  it('offsets the location column by the expression column and keeps file and line', () => {
    const error = parseError('p(95) < 300xs', { file: 'features/lab/x.feature', line: 7, column: 20 });
    assert.deepEqual(error.location, { file: 'features/lab/x.feature', line: 7, column: 31 });
    assert.match(error.describe(), /^features\/lab\/x\.feature:7:31: unknown unit "xs"/);
    assert.match(error.describe(), /\n {2}fix: /);
  });

  it('leaves the location column out when the expression column is unknown', () => {
    const error = parseError('p(95) < 300xs', { file: 'slos.yaml', line: 3 });
    assert.deepEqual(error.location, { file: 'slos.yaml', line: 3 });
  });

  const errors: Array<[string, RegExp, number, number]> = [
    // text, message, caret index (0-based), caret length
    ['availability >= 99.5', /^missing unit after 99\.5 at column 21; availability needs %: write 99\.5%/, 20, 1],
    ['p(95) < 300', /^missing unit after 300 at column 12; latency needs ms, s or m: write 300ms/, 11, 1],
    ['p95 < 300ms', /^unknown metric "p95" at column 1; write p\(95\)/, 0, 3],
    ['latency < 300ms', /^unknown metric "latency" at column 1/, 0, 7],
    ['rate(timeouts) < 1%', /^unknown rate "timeouts" at column 6/, 5, 8],
    ['p(95) = 300ms', /^"=" is no operator at column 7; write "=="/, 6, 1],
    ['p(95) != 300ms', /^"!=" is not supported at column 7/, 6, 2],
    ['avg 300ms', /^expected an operator .* but found "3" at column 5/, 4, 1],
    ['avg < 5%', /^"%" on a latency at column 8/, 7, 1],
    ['availability >= 99ms', /^latency unit "ms" on a percentage at column 19/, 18, 2],
    ['availability >= 101%', /^101% is above 100% at column 17/, 16, 3],
    ['p(101) < 3ms', /^percentile 101 is above 100 at column 3/, 2, 3],
    ['p(x) < 3ms', /^expected a percentile .* at column 3/, 2, 1],
    ['p(95 < 3ms', /^expected "\)" to close "p\(" at column 6/, 5, 1],
    ['avg < 200ms and more', /^unexpected "and more" after the threshold at column 13/, 12, 8],
    ['avg <', /^expected a threshold number but found end of expression at column 6/, 5, 1],
    ['avg < -5ms', /^expected a threshold number but found "-" at column 7/, 6, 1],
    ['   ', /^empty SLO expression/, 3, 1],
    ['< 300ms', /^expected a metric .* at column 1/, 0, 1],
  ];
  for (const [text, message, index, length] of errors) {
    it(`refuses "${text}" pointing at column ${index + 1}`, () => {
      const error = parseError(text);
      assert.match(error.message, message);
      assert.deepEqual(caretOf(error), { index, length });
    });
  }

  it('keeps carets aligned when the expression contains a tab', () => {
    const error = parseError('avg\t< 5xs');
    assert.deepEqual(caretOf(error), { index: 7, length: 2 });
    assert.ok(!error.message.includes('\t'));
  });
});

describe('formatSlo', () => {
  it('normalises spacing and units', () => {
    assert.equal(formatSlo(parseSlo('p(95)<300ms')), 'p(95) < 300ms');
    assert.equal(formatSlo(parseSlo('p(99.9) <= 1000ms')), 'p(99.9) <= 1s');
    assert.equal(formatSlo(parseSlo('max < 120s')), 'max < 2m');
    assert.equal(formatSlo(parseSlo('avg < 1.5s')), 'avg < 1500ms');
    assert.equal(formatSlo(parseSlo('availability>=99.9%')), 'availability >= 99.9%');
    assert.equal(formatSlo(parseSlo('rate(errors) < 0.5 %')), 'rate(errors) < 0.5%');
    assert.equal(formatSlo(parseSlo('min > 0ms')), 'min > 0ms');
  });

  it('round-trips every normal form through parseSlo', () => {
    for (const text of ['availability >= 99.95%', 'p(99.9) <= 1s', 'med == 250ms', 'rate(errors) > 0%']) {
      const expr = parseSlo(text);
      assert.deepEqual({ ...parseSlo(formatSlo(expr)), text }, expr);
    }
  });
});

describe('formatSloValue', () => {
  const availabilitySlo = parseSlo('availability >= 99.5%');
  const latencySlo = parseSlo('p(95) < 300ms');

  it('shows ratios as percent with one decimal, dropping a trailing zero', () => {
    assert.equal(formatSloValue(availabilitySlo, 0.973), '97.3%');
    assert.equal(formatSloValue(availabilitySlo, 0.97), '97%');
    assert.equal(formatSloValue(availabilitySlo, 1), '100%');
    assert.equal(formatSloValue(availabilitySlo, 0), '0%');
  });

  it('never rounds a value onto the threshold, 0% or 100% it does not equal', () => {
    assert.equal(formatSloValue(availabilitySlo, 0.99496), '99.496%');
    assert.equal(formatSloValue(availabilitySlo, 0.995), '99.5%');
    assert.equal(formatSloValue(availabilitySlo, 0.99996), '99.996%');
    assert.equal(formatSloValue(availabilitySlo, 0.0001), '0.01%');
    assert.equal(formatSloValue(latencySlo, 299.7), '299.7ms');
    assert.equal(formatSloValue(latencySlo, 300.2), '300.2ms');
  });

  it('shows latency in whole ms, and in seconds from 10 s on', () => {
    assert.equal(formatSloValue(latencySlo, 412.3), '412ms');
    assert.equal(formatSloValue(latencySlo, 9999), '9999ms');
    assert.equal(formatSloValue(latencySlo, 12_345), '12.3s');
    assert.equal(formatSloValue(latencySlo, 5000), '5000ms');
  });
});

describe('SLO_PATTERN', () => {
  it('finds SLOs in step text, including malformed ones that parseSlo should explain', () => {
    const anchored = new RegExp(`^${SLO_PATTERN.source}$`);
    for (const text of ['availability >= 99.5%', 'p(95) < 300ms', 'rate(errors) < 1%', 'p(95) < 300xs', 'avg = 3ms']) {
      assert.match(text, anchored);
    }
    assert.doesNotMatch('the web service is up', SLO_PATTERN);
    assert.equal(new RegExp(`${SLO_PATTERN.source}|()`).exec('')?.length, 2, 'SLO_PATTERN must have no capture groups');
  });
});
