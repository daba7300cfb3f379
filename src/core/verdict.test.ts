import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentCompromised, HypothesisRefuted, NotSteady, SafetyHalt } from '../kernel/errors';
import { exitCodeOf, expectedVerdictOf, verdictOf } from './verdict';

describe('verdicts', () => {
  it('map from the error a scenario ended with', () => {
    assert.equal(verdictOf(undefined), 'passed');
    assert.equal(verdictOf(new HypothesisRefuted('slo')), 'failed');
    assert.equal(verdictOf(new NotSteady('before')), 'not-steady');
    assert.equal(verdictOf(new SafetyHalt('sigint')), 'aborted');
    assert.equal(verdictOf(new ExperimentCompromised('revert')), 'compromised');
    assert.equal(verdictOf(new TypeError('bug')), 'compromised');
  });

  it('read @expect-<verdict> tags and ignore unknown ones', () => {
    assert.equal(expectedVerdictOf(['@lab', '@expect-failed']), 'failed');
    assert.equal(expectedVerdictOf(['@expect-not-steady']), 'not-steady');
    assert.equal(expectedVerdictOf(['@expect-sunshine']), undefined);
    assert.equal(expectedVerdictOf([]), undefined);
  });

  it('give the most severe exit code of the unexpected verdicts', () => {
    assert.equal(exitCodeOf([]), 0);
    assert.equal(exitCodeOf(['failed']), 1);
    assert.equal(exitCodeOf(['not-steady', 'failed']), 1);
    assert.equal(exitCodeOf(['failed', 'compromised']), 3);
    assert.equal(exitCodeOf(['compromised', 'aborted', 'failed']), 4);
  });
});
