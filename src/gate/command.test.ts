/**
 * `scs-chaos gate` end to end: the real command (node bin/scs-chaos.js) on run directories written by the real
 * report writer in a temporary folder, which is removed afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateResult, RunSummary } from '../model/summary';
import { writeRunReports } from '../report/write-run';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';

const BIN = join(__dirname, '..', '..', 'bin', 'scs-chaos.js');
const ROOT = join(__dirname, '..', '..');

function gate(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, 'gate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }); // ts-node start-up is slow on a busy machine
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scs-chaos gate', () => {
  let dir: string;
  /** A run directory whose L1 scenario recovered probe web in `seconds`. */
  const runDir = (name: string, seconds: number): string => {
    const path = join(dir, name);
    mkdirSync(path);
    const scenario = scenarioSummary('passed', { feature: 'features/lab/kill-backend.feature', line: 5, tags: ['@lab', '@failsafe-L1'], recovery: [recoveryOf('web', seconds)] });
    writeRunReports(path, runSummary([scenario], name));
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scs-chaos-gate-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails (exit 1) when the baseline recovered 50 % faster, printing the reason and FAIL', () => {
    const current = runDir('slow', 6);
    const baseline = runDir('fast', 3);
    const { code, stdout, stderr } = gate(['--policy', 'ci/gate.yaml', '--baseline', baseline, current]);
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^ {2}FAIL {2}recovery regression: features\/lab\/kill-backend\.feature:5 probe web recovered in 6\.00s, baseline 3\.00s \(\+100%, allowed \+25% or \+0\.50s\)$/m);
    assert.match(stdout, /^ {2}ok {4}required tag @failsafe-L1: shown by features\/lab\/kill-backend\.feature:5$/m);
    assert.match(stdout, /\ngate: FAIL \(1 of 5 checks failed\)\n$/);
    const written = JSON.parse(readFileSync(join(current, 'gate.json'), 'utf8')) as GateResult;
    assert.equal(written.passed, false);
    assert.equal(written.baseline, baseline);
    const summary = JSON.parse(readFileSync(join(current, 'summary.json'), 'utf8')) as RunSummary;
    assert.deepEqual(summary.gate, written, 'summary.json carries the same gate result');
  });

  it('passes (exit 0) when the current run recovers as fast as the baseline', () => {
    const current = runDir('same', 3.2);
    const { code, stdout, stderr } = gate(['--policy', 'ci/gate.yaml', '--baseline', runDir('base', 3), current]);
    assert.equal(code, 0, `${stdout}${stderr}`);
    assert.match(stdout, /\ngate: PASS \(5 checks\)\n$/);
    assert.equal((JSON.parse(readFileSync(join(current, 'gate.json'), 'utf8')) as GateResult).passed, true);
  });

  it('refuses a bad policy with exit 2, file:line and a fix, and writes nothing', () => {
    const policy = join(dir, 'bad-gate.yaml');
    writeFileSync(policy, 'requiredTags: ["@failsafe-L1"]\nminScore: high\n');
    const current = runDir('bad-policy', 1);
    const { code, stdout, stderr } = gate(['--policy', policy, current]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, `scs-chaos: ${policy}:2:11: minScore must be a number\n  fix: write minScore: <number>, without a unit or % sign\n`);
    assert.throws(() => readFileSync(join(current, 'gate.json')), /ENOENT/);
  });
});
