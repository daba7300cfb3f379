import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { GateResult, RunSummary } from '../model/summary';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';
import { evaluateGate } from './evaluate';
import { DEFAULT_POLICY, type GatePolicy } from './policy';

const NOW = (): Date => new Date('2026-02-02T02:02:02.000Z');

function gate(run: RunSummary, policy: Partial<GatePolicy> = {}, baseline?: RunSummary): GateResult {
  return evaluateGate({
    run,
    policy: { ...DEFAULT_POLICY, ...policy },
    policyPath: 'ci/gate.yaml',
    ...(baseline ? { baseline: { summary: baseline, path: 'reports/base' } } : {}),
    now: NOW,
  });
}

function failedReasons(result: GateResult): string[] {
  return result.checks.filter((c) => !c.passed).map((c) => c.reason);
}

/** A run whose one L1 scenario recovered probe web in `seconds`. */
function recoveringIn(seconds: number | null, runId = 'current'): RunSummary {
  return runSummary([scenarioSummary('passed', { feature: 'features/lab/kill.feature', line: 7, tags: ['@failsafe-L1'], recovery: [recoveryOf('web', seconds)] })], runId);
}

describe('evaluateGate: recovery regression against a baseline', () => {
  it('fails when the baseline recovered 50 % faster than the current run (either reading of "50 % faster")', () => {
    for (const [current, base] of [
      [8, 4], // baseline took half the time: current is +100 %
      [6, 4], // baseline was 1.5× as fast: current is +50 %
      [6, 3],
    ] as const) {
      const result = gate(recoveringIn(current), {}, recoveringIn(base, 'base'));
      assert.equal(result.passed, false, `${current}s vs baseline ${base}s`);
      assert.deepEqual(result.checks.filter((c) => !c.passed).map((c) => c.rule), ['recovery-regression']);
    }
    assert.deepEqual(failedReasons(gate(recoveringIn(8), {}, recoveringIn(4, 'base'))), [
      'recovery regression: features/lab/kill.feature:7 probe web recovered in 8.00s, baseline 4.00s (+100%, allowed +25% or +0.50s)',
    ]);
  });

  it('passes when recovery is as fast, faster, or slower within the allowed percentage', () => {
    for (const [current, base] of [
      [4, 4],
      [2, 4],
      [4.9, 4], // +22.5 %
    ] as const) {
      const result = gate(recoveringIn(current), {}, recoveringIn(base, 'base'));
      assert.equal(result.passed, true, `${current}s vs baseline ${base}s: ${failedReasons(result).join('; ')}`);
    }
    const reason = gate(recoveringIn(4.9), {}, recoveringIn(4, 'base')).checks.find((c) => c.rule === 'recovery-regression')?.reason;
    assert.equal(reason, 'recovery regression: 1 measurement(s) within +25% (or +0.50s) of baseline base; slowest change +23% at features/lab/kill.feature:7 probe web');
  });

  it('ignores a slowdown within the tolerance in seconds (measurement noise against a 0 s baseline)', () => {
    assert.equal(gate(recoveringIn(0.3), {}, recoveringIn(0, 'base')).passed, true);
    assert.equal(gate(recoveringIn(0.8), {}, recoveringIn(0, 'base')).passed, false);
    assert.equal(gate(recoveringIn(0.3), { recoveryToleranceSeconds: 0 }, recoveringIn(0, 'base')).passed, false);
  });

  it('fails when the current run never recovered where the baseline did, not the other way round', () => {
    assert.match(failedReasons(gate(recoveringIn(null), {}, recoveringIn(4, 'base')))[0] ?? '', /probe web never recovered; the baseline recovered in 4\.00s/);
    assert.equal(gate(recoveringIn(4), {}, recoveringIn(null, 'base')).passed, true);
  });

  it('compares per scenario id and probe, and says when nothing is in common', () => {
    const other = runSummary([scenarioSummary('passed', { line: 99, tags: ['@failsafe-L1'], recovery: [recoveryOf('web', 1)] })], 'other');
    const result = gate(recoveringIn(30), {}, other);
    assert.equal(result.passed, true);
    assert.match(result.checks.find((c) => c.rule === 'recovery-regression')?.reason ?? '', /no recovery measurement in common with the baseline other/);
  });

  it('says the regression was not checked without a baseline', () => {
    const check = gate(recoveringIn(30)).checks.find((c) => c.rule === 'recovery-regression');
    assert.deepEqual(check, { rule: 'recovery-regression', passed: true, reason: 'recovery regression: not checked, no --baseline run given' });
  });
});

describe('evaluateGate: tags, score and verdicts', () => {
  it('needs each required tag on a scenario that ended as expected', () => {
    const run = runSummary([
      scenarioSummary('passed', { line: 3, tags: ['@failsafe-L1'] }),
      scenarioSummary('failed', { line: 9, tags: ['@failsafe-L2'], reason: 'availability 50%' }),
    ]);
    const result = gate(run, { requiredTags: ['@failsafe-L1', '@failsafe-L2', '@ceph'] });
    assert.deepEqual(
      result.checks.filter((c) => c.rule === 'required-tag').map((c) => [c.passed, c.reason]),
      [
        [true, 'required tag @failsafe-L1: shown by features/lab/test.feature:3'],
        [false, 'required tag @failsafe-L2: none of its 1 scenario(s) ended as expected: features/lab/test.feature:9 failed'],
        [false, 'required tag @ceph: no scenario of this run carries it (run the features that do, or drop it from the policy)'],
      ],
    );
  });

  it('holds the weighted score against minScore', () => {
    const run = runSummary([scenarioSummary('passed', { tags: ['@failsafe-L1'] }), scenarioSummary('failed', { tags: ['@failsafe-L2'] })]);
    assert.deepEqual(failedReasons(gate(run, { minScore: 0.5 })), ['score 0.333 is below the minimum 0.500']);
    assert.equal(gate(run, { minScore: 0.3 }).passed, true);
    assert.deepEqual(failedReasons(gate(runSummary([]), { minScore: 0 })), ['score: the run has no scenarios, so no score to hold against the minimum 0.000']);
  });

  it('fails on compromised and not-steady scenarios unless the policy allows them, naming them and why', () => {
    const run = runSummary([
      scenarioSummary('passed'),
      scenarioSummary('compromised', { line: 40, reason: 'could not inject: nft missing\nmore' }),
      scenarioSummary('not-steady', { line: 44, reason: 'availability before the fault was 90%' }),
    ]);
    assert.deepEqual(failedReasons(gate(run)), [
      'compromised: 1 scenario(s), not allowed: features/lab/test.feature:40 (could not inject: nft missing)',
      'not-steady: 1 scenario(s), not allowed: features/lab/test.feature:44 (availability before the fault was 90%)',
    ]);
    assert.equal(gate(run, { allowCompromised: true, allowNotSteady: true }).passed, true);
  });

  it('passes the recorded sample run under ci/gate.yaml-like rules, with itself as baseline', () => {
    const sample = JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8')) as RunSummary;
    const result = gate(sample, { requiredTags: ['@failsafe-L1'], minScore: 0.9 }, sample);
    assert.equal(result.passed, true, failedReasons(result).join('; '));
    assert.deepEqual(result.checks.map((c) => c.rule), ['required-tag', 'min-score', 'recovery-regression', 'compromised', 'not-steady']);
    assert.equal(result.checkedAt, '2026-02-02T02:02:02.000Z');
    assert.equal(result.baseline, 'reports/base');
  });
});
