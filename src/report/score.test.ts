import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../model/summary';
import { computeResilienceScore, failsafeLevel, scenarioCredit, scenarioWeight } from './score';
import { scenarioSummary } from '../../test/support/run-summaries';

describe('computeResilienceScore', () => {
  it('weighs each scenario by its failsafe level: an L3 failure counts three times an L1 one', () => {
    const scenarios = [
      scenarioSummary('passed', { tags: ['@lab', '@failsafe-L1'] }),
      scenarioSummary('failed', { tags: ['@failsafe-L3'], reason: 'availability 80%' }),
    ];
    // (1·1 + 3·0) / (1 + 3)
    assert.equal(computeResilienceScore(scenarios), 0.25);
    assert.equal(computeResilienceScore([scenarios[1]!, { ...scenarios[0]!, tags: ['@failsafe-L3'] }]), 0.5);
  });

  it('counts a scenario without a level tag as level 1, and the highest level when there are several', () => {
    assert.equal(scenarioWeight(scenarioSummary('passed', { tags: ['@lab'] })), 1);
    assert.equal(failsafeLevel(['@failsafe-L2', '@failsafe-L4', '@failsafe-L1']), 4);
    assert.equal(failsafeLevel(['@failsafe-L5', '@failsafe-l2', '@failsafe-L']), undefined, 'only @failsafe-L1..L4 are levels');
  });

  it('credits scenarios that ended as expected, including an expected refutation or halt', () => {
    const expectedFailure = scenarioSummary('failed', { expectedVerdict: 'failed', asExpected: true });
    const expectedHalt = scenarioSummary('aborted', { expectedVerdict: 'aborted', asExpected: true });
    const unexpectedPass = scenarioSummary('passed', { expectedVerdict: 'failed', asExpected: false });
    assert.deepEqual([expectedFailure, expectedHalt, unexpectedPass].map(scenarioCredit), [1, 1, 0]);
    assert.equal(computeResilienceScore([expectedFailure, expectedHalt, unexpectedPass]), 0.667);
  });

  it('never credits compromised or not-steady scenarios, even when a tag expected them', () => {
    for (const verdict of ['compromised', 'not-steady'] as const) {
      assert.equal(scenarioCredit(scenarioSummary(verdict, { expectedVerdict: verdict, asExpected: true })), 0, verdict);
    }
    assert.equal(computeResilienceScore([scenarioSummary('passed'), scenarioSummary('compromised'), scenarioSummary('not-steady'), scenarioSummary('passed')]), 0.5);
  });

  it('has no score for a run without scenarios, and 1 when all are credited', () => {
    assert.equal(computeResilienceScore([]), null);
    assert.equal(computeResilienceScore([scenarioSummary('passed', { tags: ['@failsafe-L2'] })]), 1);
  });

  it('scores the recorded sample run (L1 isolation passed, expected refutation and halt) as 1', () => {
    const sample = JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8')) as RunSummary;
    assert.equal(computeResilienceScore(sample.scenarios), 1);
    const isolation = sample.scenarios[0]!;
    assert.equal(computeResilienceScore([{ ...isolation, verdict: 'failed', asExpected: false }, ...sample.scenarios.slice(1)]), 0.667);
  });
});
