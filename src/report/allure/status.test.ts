import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioSummary, Verdict } from '../../model/summary';
import { allureStatusMessage, allureStatusOf } from './status';

function scenario(verdict: Verdict, extra: Partial<ScenarioSummary> = {}): ScenarioSummary {
  const expectedVerdict = extra.expectedVerdict;
  return {
    id: 'features/lab/x.feature:3', name: 'x', feature: 'features/lab/x.feature', line: 3, tags: [], verdict,
    asExpected: verdict === (expectedVerdict ?? 'passed'), faults: [], slos: [], recovery: [],
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', durationSeconds: 1, ...extra,
  };
}

describe('allureStatusOf', () => {
  it('maps each verdict that was not expected onto failed (the system) or broken (the experiment)', () => {
    assert.equal(allureStatusOf(scenario('passed')), 'passed');
    assert.equal(allureStatusOf(scenario('failed')), 'failed');
    assert.equal(allureStatusOf(scenario('compromised')), 'broken');
    assert.equal(allureStatusOf(scenario('not-steady')), 'broken');
    assert.equal(allureStatusOf(scenario('aborted')), 'broken', 'interrupted: the experiment did not finish');
    const halt = { probe: 'web', expression: 'availability >= 50%', windowSeconds: 2, crossedAt: 'x', revertedAt: 'y', haltSeconds: 0.2 };
    assert.equal(allureStatusOf(scenario('aborted', { halt })), 'failed', 'a crossed halt floor is the system failing');
  });

  it('follows the run: an expected verdict passes, a missing expected refutation fails', () => {
    assert.equal(allureStatusOf(scenario('failed', { expectedVerdict: 'failed' })), 'passed');
    assert.equal(allureStatusOf(scenario('compromised', { expectedVerdict: 'compromised' })), 'passed');
    assert.equal(allureStatusOf(scenario('passed', { expectedVerdict: 'failed' })), 'failed');
    assert.equal(allureStatusOf(scenario('compromised', { expectedVerdict: 'failed' })), 'broken');
  });
});

describe('allureStatusMessage', () => {
  it('says the verdict, whether it was expected, and why', () => {
    assert.equal(allureStatusMessage(scenario('passed')), 'verdict passed');
    assert.equal(allureStatusMessage(scenario('failed', { expectedVerdict: 'failed', reason: 'p99 412ms' })), 'verdict failed, as expected (@expect-failed): p99 412ms');
    assert.equal(allureStatusMessage(scenario('passed', { expectedVerdict: 'failed' })), 'verdict passed, expected failed (@expect-failed)');
    assert.equal(allureStatusMessage(scenario('compromised', { reason: 'no pid' })), 'verdict compromised: no pid');
  });
});
