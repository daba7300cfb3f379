import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecoveryResult, RunSummary, ScenarioSummary } from '../../model/summary';
import { baselineScenarioFor, formatDelta, recoveryDelta } from './baseline';

function recovery(probe: string, recoverSeconds: number | null): RecoveryResult {
  return { probe, detectSeconds: 0.1, recoverSeconds, boundSeconds: 5, met: recoverSeconds !== null, from: 'revert' };
}

function scenario(id: string, name: string, recoveries: RecoveryResult[] = []): ScenarioSummary {
  return {
    id, name, feature: id.split(':')[0] as string, line: Number(id.split(':')[1]), tags: [], verdict: 'passed', asExpected: true,
    faults: [], slos: [], recovery: recoveries, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:10.000Z', durationSeconds: 10,
  };
}

function run(scenarios: ScenarioSummary[]): RunSummary {
  return {
    runId: 'base', environment: 'lab', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', scenarios,
    counts: { passed: scenarios.length, failed: 0, 'not-steady': 0, aborted: 0, compromised: 0 }, resilienceScore: 1, exitCode: 0,
  };
}

describe('baselineScenarioFor', () => {
  it('matches by id first, even when the name changed', () => {
    const base = run([scenario('features/a.feature:3', 'old name'), scenario('features/b.feature:3', 'same name')]);
    assert.equal(baselineScenarioFor(scenario('features/a.feature:3', 'same name'), base)?.id, 'features/a.feature:3');
  });

  it('falls back to the name when the scenario moved to another line', () => {
    const base = run([scenario('features/a.feature:3', 'isolate a node')]);
    assert.equal(baselineScenarioFor(scenario('features/a.feature:9', 'isolate a node'), base)?.id, 'features/a.feature:3');
  });

  it('finds nothing when the name is missing or ambiguous', () => {
    const base = run([scenario('features/a.feature:3', 'twin'), scenario('features/b.feature:3', 'twin')]);
    assert.equal(baselineScenarioFor(scenario('features/c.feature:1', 'twin'), base), undefined);
    assert.equal(baselineScenarioFor(scenario('features/c.feature:1', 'other'), base), undefined);
  });
});

describe('recoveryDelta', () => {
  const base = scenario('features/a.feature:3', 'a', [recovery('web', 3.4), recovery('zero', 0), recovery('gone', null), recovery('both', null)]);

  it('gives the change in seconds and in percent of the baseline, and its trend', () => {
    const delta = recoveryDelta(recovery('web', 4.6), base);
    assert.equal(delta.kind, 'change');
    if (delta.kind !== 'change') return;
    assert.ok(Math.abs(delta.seconds - 1.2) < 1e-9, `seconds ${delta.seconds}`);
    assert.ok(Math.abs((delta.percent as number) - 35.294) < 0.001, `percent ${delta.percent}`);
    assert.equal(delta.trend, 'slower');
    assert.equal(formatDelta(delta.seconds, delta.percent), '+1.2 s (+35 %)');
  });

  it('calls a faster recovery faster and a change below 50 ms unchanged', () => {
    const faster = recoveryDelta(recovery('web', 2.0), base);
    assert.deepEqual(faster.kind === 'change' && [faster.trend, formatDelta(faster.seconds, faster.percent)], ['faster', '-1.4 s (-41 %)']);
    const same = recoveryDelta(recovery('web', 3.43), base);
    assert.deepEqual(same.kind === 'change' && [same.trend, formatDelta(same.seconds, same.percent)], ['unchanged', '+0.03 s (+1 %)']);
  });

  it('has no percentage against a baseline of 0 s', () => {
    const delta = recoveryDelta(recovery('zero', 0.8), base);
    assert.deepEqual(delta, { kind: 'change', seconds: 0.8, percent: null, trend: 'slower' });
    assert.equal(formatDelta(0.8, null), '+0.80 s');
  });

  it('names the cases where one side never stabilized, or there is nothing to compare', () => {
    assert.deepEqual(recoveryDelta(recovery('web', null), base), { kind: 'no-longer-recovers', baselineSeconds: 3.4 });
    assert.deepEqual(recoveryDelta(recovery('gone', 1), base), { kind: 'now-recovers' });
    assert.deepEqual(recoveryDelta(recovery('both', null), base), { kind: 'never-recovered' });
    assert.deepEqual(recoveryDelta(recovery('new-probe', 1), base), { kind: 'no-baseline' });
    assert.deepEqual(recoveryDelta(recovery('web', 1), undefined), { kind: 'no-baseline' });
  });
});

describe('formatDelta', () => {
  it('uses two decimals below a second, one above, and ± for what rounds to zero', () => {
    assert.equal(formatDelta(0.35, 12.4), '+0.35 s (+12 %)');
    assert.equal(formatDelta(-0.35, -100), '-0.35 s (-100 %)');
    assert.equal(formatDelta(12.345, 250.2), '+12.3 s (+250 %)');
    assert.equal(formatDelta(0.001, 0.2), '±0.00 s (±0 %)');
  });
});
