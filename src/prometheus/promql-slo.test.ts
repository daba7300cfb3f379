import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../kernel/errors';
import type { PromqlSample } from './promql-probe';
import { evaluatePromqlSlo, formatPromqlValue, isPromqlSlo, parsePromqlSlo, PROMQL_SLO_PATTERN, promqlCondition } from './promql-slo';

/** Runs parsePromqlSlo and returns the BadInput it must throw. */
function parseError(text: string, location?: { file: string; line?: number; column?: number }): BadInput {
  try {
    parsePromqlSlo(text, location);
  } catch (error) {
    assert.ok(error instanceof BadInput, `expected BadInput, got ${String(error)}`);
    return error;
  }
  assert.fail(`"${text}" parsed but should not`);
}

/** The caret line of a parse error: the carets' index in the text and their count. */
function caretOf(error: BadInput): { index: number; length: number } {
  const [, textLine = '', caretLine = ''] = error.message.split('\n');
  assert.ok(textLine.startsWith('    ') && caretLine.startsWith('    '), 'text and caret lines share the indent');
  return { index: caretLine.indexOf('^') - 4, length: caretLine.trim().length };
}

describe('parsePromqlSlo', () => {
  it('parses the examples of the issue', () => {
    assert.deepEqual(parsePromqlSlo('promql(sum(haproxy_backend_active_servers{proxy="web"})) >= 2'), {
      text: 'promql(sum(haproxy_backend_active_servers{proxy="web"})) >= 2',
      query: 'sum(haproxy_backend_active_servers{proxy="web"})',
      op: '>=',
      threshold: 2,
    });
    assert.deepEqual(parsePromqlSlo('promql(rate(haproxy_frontend_http_responses_total{code="5xx"}[30s])) < 0.1'), {
      text: 'promql(rate(haproxy_frontend_http_responses_total{code="5xx"}[30s])) < 0.1',
      query: 'rate(haproxy_frontend_http_responses_total{code="5xx"}[30s])',
      op: '<',
      threshold: 0.1,
    });
  });

  it('accepts every operator, spacing, signs and exponents', () => {
    assert.equal(parsePromqlSlo('promql(up)==1').op, '==');
    assert.equal(parsePromqlSlo('  promql ( up ) <= 1  ').query, 'up');
    assert.equal(parsePromqlSlo('  promql ( up ) <= 1  ').text, 'promql ( up ) <= 1');
    assert.equal(parsePromqlSlo('promql(x) > -1.5').threshold, -1.5);
    assert.equal(parsePromqlSlo('promql(x) < 1e-3').threshold, 0.001);
    assert.equal(parsePromqlSlo('promql(x) < .5').threshold, 0.5);
    assert.equal(parsePromqlSlo('promql(x) >= +2').threshold, 2);
  });

  it('finds the closing parenthesis past nested brackets and brackets inside strings', () => {
    const slo = parsePromqlSlo('promql(sum by (code) (rate(x{path=~"/a(b|c\\")", q=\'[\'}[1m]))) < 3');
    assert.equal(slo.query, 'sum by (code) (rate(x{path=~"/a(b|c\\")", q=\'[\'}[1m]))');
    assert.equal(parsePromqlSlo('promql(x{a=`)`}) > 0').query, 'x{a=`)`}');
  });

  it('points at a bracket that does not match', () => {
    const error = parseError('promql(rate(x[30s)) < 1');
    assert.match(error.message, /^"\)" does not close "\[" at column 14 \(expected "\]"\) at column 18\n/);
    assert.deepEqual(caretOf(error), { index: 17, length: 1 });
  });

  it('points at the opening parenthesis that is never closed', () => {
    assert.match(parseError('promql(sum(up) >= 2').message, /^"promql\(" is never closed; expected "\)" after the expression at column 7\n/);
    const inner = parseError('promql(x) + (y > 2');
    assert.match(inner.message, /^expected an operator .* but found "\+" at column 11\n/);
    const nested = parseError('promql(sum(rate(x[1m]) > 2');
    assert.match(nested.message, /^"\(" is never closed at column 11\n/);
  });

  it('points at a string that is never closed', () => {
    const error = parseError('promql(up{job="node}) == 1');
    assert.match(error.message, /^string starting with " is never closed at column 15\n/);
    assert.deepEqual(caretOf(error), { index: 14, length: 1 });
  });

  it('refuses what is not promql(...)', () => {
    assert.match(parseError('up >= 1').message, /^expected "promql\(" at the start of a PromQL SLO at column 1\n/);
    assert.match(parseError('promql up >= 1').message, /^expected "\(" after "promql" at column 8\n/);
    assert.match(parseError('promql() >= 1').message, /^empty PromQL expression at column 7\n/);
    assert.match(parseError('promql(   ) >= 1').message, /^empty PromQL expression at column 7\n/);
    assert.match(parseError('').message, /^expected "promql\(" .* at column 1\n/);
  });

  it('names operator, threshold and trailing text problems with their column', () => {
    assert.match(parseError('promql(up) = 1').message, /^"=" is no operator at column 12; write "=="\n/);
    assert.match(parseError('promql(up) != 1').message, /^"!=" is not supported at column 12/);
    assert.match(parseError('promql(up)').message, /^expected an operator .* found end of expression at column 11\n/);
    assert.match(parseError('promql(up) >= ').message, /^expected a threshold number but found end of expression at column 15\n/);
    assert.match(parseError('promql(up) >= one').message, /^expected a threshold number but found "o" at column 15\n/);
    assert.match(parseError('promql(up) >= 1 or 2').message, /^unexpected "or 2" after the threshold at column 17\n/);
  });

  it('refuses a unit on the threshold and says how to write it', () => {
    const error = parseError('promql(x) < 300ms');
    assert.match(error.message, /^PromQL thresholds have no unit, but "ms" follows 300 at column 16; write the number in the unit/);
    assert.deepEqual(caretOf(error), { index: 15, length: 2 });
    assert.match(parseError('promql(x) < 10%').message, /no unit, but "%" follows 10/);
  });

  it('offsets the location column by the error column', () => {
    const error = parseError('promql(up) = 1', { file: 'features/lab/x.feature', line: 4, column: 10 });
    assert.deepEqual(error.location, { file: 'features/lab/x.feature', line: 4, column: 21 });
    assert.match(error.describe(), /^features\/lab\/x\.feature:4:21: "=" is no operator/);
    assert.match(error.describe(), /\n {2}fix: write promql\(EXPRESSION\)/);
  });
});

describe('isPromqlSlo and PROMQL_SLO_PATTERN', () => {
  it('routes promql(...) text and nothing else', () => {
    assert.equal(isPromqlSlo(' promql(up) == 1'), true);
    assert.equal(isPromqlSlo('promql (up) == 1'), true);
    assert.equal(isPromqlSlo('p(95) < 300ms'), false);
    assert.equal(isPromqlSlo('availability >= 99%'), false);
  });

  it('matches PromQL SLOs loosely inside step text, so the parser can say what is wrong', () => {
    const step = `the SLO "promql(sum(haproxy_backend_active_servers{proxy='web'})) >= 2" holds for web during the fault`;
    assert.equal(PROMQL_SLO_PATTERN.exec(step)?.[0], `promql(sum(haproxy_backend_active_servers{proxy='web'})) >= 2"`);
    assert.ok(PROMQL_SLO_PATTERN.test('promql(up) = 1'));
  });
});

/** A usable sample with `value` at `t`; ok as the probe would have judged it for `>= 1`. */
function sample(t: number, value: number | null, extra: Partial<PromqlSample> = {}): PromqlSample {
  return { probe: 'servers', t, ok: value !== null && value >= 1, value, series: value === null ? 0 : 1, ...extra };
}

describe('evaluatePromqlSlo', () => {
  const atLeastTwo = parsePromqlSlo('promql(sum(haproxy_backend_active_servers{proxy="web"})) >= 2');
  const fewErrors = parsePromqlSlo('promql(rate(x[30s])) < 0.1');

  it('is met when every usable sample meets the condition, and reports the worst value', () => {
    const result = evaluatePromqlSlo(atLeastTwo, [sample(0, 3), sample(1000, 2), sample(2000, 3)], 'before', 'servers');
    assert.deepEqual(result, {
      probe: 'servers',
      expression: atLeastTwo.text,
      phase: 'before',
      samples: 3,
      observed: 2,
      observedText: '2',
      met: true,
    });
  });

  it('is not met when a single sample breaks the condition', () => {
    const result = evaluatePromqlSlo(atLeastTwo, [sample(0, 3), sample(1000, 1), sample(2000, 3)], 'during', 'servers');
    assert.equal(result.met, false);
    assert.equal(result.observed, 1);
  });

  it('takes the largest value as the worst for < and <=', () => {
    const result = evaluatePromqlSlo(fewErrors, [sample(0, 0.01), sample(1000, 0.25), sample(2000, 0)], 'after', 'errors');
    assert.equal(result.met, false);
    assert.equal(result.observed, 0.25);
    assert.equal(result.observedText, '0.25');
  });

  it('judges the values, not the samples\' ok, so SLOs with other thresholds can share one probe', () => {
    // The probe judged ">= 1" (ok: true for 1); this SLO asks for >= 2.
    const result = evaluatePromqlSlo(atLeastTwo, [sample(0, 1), sample(1000, 2)], 'during', 'servers');
    assert.equal(result.met, false);
    assert.equal(result.observed, 1);
  });

  it('leaves measurement problems out, and is not met without a usable sample', () => {
    const problem = sample(500, null, { ok: false, error: 'unavailable', measurementProblem: true });
    const met = evaluatePromqlSlo(atLeastTwo, [sample(0, 2), problem], 'before', 'servers');
    assert.equal(met.met, true);
    assert.equal(met.samples, 1);
    const none = evaluatePromqlSlo(atLeastTwo, [problem, problem], 'before', 'servers');
    assert.deepEqual({ met: none.met, observed: none.observed, observedText: none.observedText, samples: none.samples }, {
      met: false,
      observed: null,
      observedText: 'no usable samples (2 measurement problems)',
      samples: 0,
    });
    assert.equal(evaluatePromqlSlo(atLeastTwo, [], 'before', 'servers').observedText, 'no samples');
  });

  it('counts a sample without value (empty vector, NaN) as breaking the SLO', () => {
    const absent = sample(1000, null, { ok: false, error: 'absent' });
    const some = evaluatePromqlSlo(atLeastTwo, [sample(0, 3), absent, sample(2000, 2)], 'during', 'servers');
    assert.equal(some.met, false);
    assert.equal(some.observed, 2);
    assert.equal(some.observedText, '2 (no value in 1 of 3 samples)');
    const all = evaluatePromqlSlo(atLeastTwo, [absent, absent], 'during', 'servers');
    assert.deepEqual({ met: all.met, observed: all.observed, observedText: all.observedText }, {
      met: false,
      observed: null,
      observedText: 'no value in all 2 samples',
    });
  });

  it('takes the value furthest from the threshold as the worst for ==', () => {
    const equalsOne = parsePromqlSlo('promql(up) == 1');
    const result = evaluatePromqlSlo(equalsOne, [sample(0, 1), sample(1, 0), sample(2, 1)], 'during', 'up');
    assert.equal(result.met, false);
    assert.equal(result.observed, 0);
    assert.equal(evaluatePromqlSlo(equalsOne, [sample(0, 1)], 'before', 'up').met, true);
  });

  it('gives the probe condition of the SLO', () => {
    assert.deepEqual(promqlCondition(atLeastTwo), { op: '>=', threshold: 2 });
  });
});

describe('formatPromqlValue', () => {
  it('shows 6 significant digits, more when the text would read as the threshold', () => {
    assert.equal(formatPromqlValue(2, 2), '2');
    assert.equal(formatPromqlValue(0.123456789, 1), '0.123457');
    assert.equal(formatPromqlValue(0.09999999, 0.1), '0.09999999');
    assert.equal(formatPromqlValue(0.1, 0.1), '0.1');
    assert.equal(formatPromqlValue(Infinity, 1), '+Inf');
  });
});
