import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import { parseSlo } from '../slo/expression';
import { parseK6Summary } from './k6';
import { emptyLatencySummary, LoadReport } from '../model/load';
import { evaluateSloOnLoadReport } from './report-slo';

const report: LoadReport = {
  name: 'l', engine: 'builtin', ratePerSecond: 50, offered: 102, sent: 100, completed: 98, ok: 97, failed: 3, dropped: 2,
  errorClasses: { timeout: 3 }, achievedRatePerSecond: 50, durationMs: 2000,
  latencyMs: { ...emptyLatencySummary(), p50: 2, p90: 5, p95: 9, p99: 40, max: 500, mean: 7 },
};

describe('evaluateSloOnLoadReport', () => {
  it('judges availability on requests sent (dropped arrivals are not requests)', () => {
    const result = evaluateSloOnLoadReport(parseSlo('availability >= 97%'), report, 'builtin:web');
    assert.equal(result.observed, 0.97);
    assert.equal(result.met, true);
    assert.equal(result.phase, 'run');
    assert.equal(evaluateSloOnLoadReport(parseSlo('availability >= 98%'), report, 'x').met, false);
  });

  it('judges latency percentiles the summary has, and refuses those it lacks', () => {
    assert.equal(evaluateSloOnLoadReport(parseSlo('p(95) < 10ms'), report, 'x').met, true);
    assert.equal(evaluateSloOnLoadReport(parseSlo('p(99) < 10ms'), report, 'x').met, false);
    assert.throws(() => evaluateSloOnLoadReport(parseSlo('p(97) < 10ms'), report, 'x'), BadInput);
  });

  it('works on a real k6 summary export', () => {
    const k6 = parseK6Summary(JSON.parse(readFileSync(join(__dirname, 'testdata', 'k6-summary-export.json'), 'utf8')));
    const result = evaluateSloOnLoadReport(parseSlo('p(95) < 10s'), k6, 'k6:web');
    assert.equal(typeof result.observed, 'number');
    assert.equal(result.met, true);
  });
});
