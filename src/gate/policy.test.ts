import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../kernel/errors';
import { DEFAULT_POLICY, loadGatePolicy, parseGatePolicy } from './policy';

/** The BadInput that parsing `text` throws, described as a person sees it. */
function refusal(text: string): string {
  try {
    parseGatePolicy(text, 'ci/gate.yaml');
  } catch (error) {
    assert.ok(error instanceof BadInput, `BadInput, got ${String(error)}`);
    return error.describe();
  }
  assert.fail(`accepted: ${text}`);
}

describe('parseGatePolicy', () => {
  it('reads every rule', () => {
    const policy = parseGatePolicy(
      'requiredTags: ["@failsafe-L1", "@network"]\nminScore: 0.8\nmaxRecoveryRegressionPercent: 10\nrecoveryToleranceSeconds: 0\nallowCompromised: true\nallowNotSteady: true\n',
      'p.yaml',
    );
    assert.deepEqual(policy, {
      requiredTags: ['@failsafe-L1', '@network'],
      minScore: 0.8,
      maxRecoveryRegressionPercent: 10,
      recoveryToleranceSeconds: 0,
      allowCompromised: true,
      allowNotSteady: true,
    });
  });

  it('gives absent keys their defaults (no score check without minScore)', () => {
    assert.deepEqual(parseGatePolicy('requiredTags: []\n', 'p.yaml'), { ...DEFAULT_POLICY, requiredTags: [] });
    assert.equal(parseGatePolicy('allowCompromised: false\n', 'p.yaml').minScore, undefined);
  });

  it('reads the policy CI uses', () => {
    const policy = loadGatePolicy('ci/gate.yaml');
    assert.deepEqual(policy.requiredTags, ['@failsafe-L1']);
    assert.equal(policy.maxRecoveryRegressionPercent, 25);
    assert.equal(policy.allowCompromised, false);
  });

  it('refuses bad policies with file, line and a fix', () => {
    assert.match(refusal('minScore: 0.8\nminScroe: 0.9\n'), /^ci\/gate\.yaml:2:1: unknown gate policy key "minScroe"\n {2}fix: use only requiredTags, minScore,/);
    assert.match(refusal('minScore: 80%\n'), /^ci\/gate\.yaml:1:11: minScore must be a number\n {2}fix: .*without a unit or % sign/);
    assert.match(refusal('minScore: 80\n'), /^ci\/gate\.yaml:1:11: minScore 80 is outside 0\.\.1/);
    assert.match(refusal('\n\nrequiredTags: [failsafe-L1]\n'), /^ci\/gate\.yaml:3:16: requiredTags: "failsafe-L1" is not a tag\n {2}fix: .*with the @/);
    assert.match(refusal('requiredTags: "@lab"\n'), /^ci\/gate\.yaml:1:15: requiredTags must be a list/);
    assert.match(refusal('allowCompromised: "no"\n'), /^ci\/gate\.yaml:1:19: allowCompromised must be true or false/);
    assert.match(refusal('maxRecoveryRegressionPercent: -5\n'), /^ci\/gate\.yaml:1:31: maxRecoveryRegressionPercent -5 is negative/);
    assert.match(refusal('minScore: [0.8\n'), /^ci\/gate\.yaml:\d+:\d+: malformed YAML/);
    assert.match(refusal('- minScore: 0.8\n'), /^ci\/gate\.yaml:1:1: a gate policy must be a mapping/);
  });

  it('refuses a missing file, naming it', () => {
    assert.throws(() => loadGatePolicy('/nonexistent/gate.yaml'), (e: unknown) => e instanceof BadInput && /^\/nonexistent\/gate\.yaml: cannot read the gate policy/.test(e.describe()));
  });
});
