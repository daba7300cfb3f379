/**
 * The alert rules of the repository, checked by Prometheus's own promtool: `check rules` (syntax, PromQL, for:
 * and label templates) on every rule file the lab loads, and `test rules` on the recorded series of
 * experiments/alerts/tests/ (each rule fires, stays pending, resolves when it should). Skips, saying why, where
 * promtool (Debian's prometheus package) is not installed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..', '..');
const ALERTS = join(REPO, 'experiments', 'alerts');
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
const skip = PROMTOOL ? false : 'promtool is not installed (Debian package prometheus; lab/install-packages.sh installs it)';

const ruleFiles = [
  ...readdirSync(ALERTS).filter((f) => f.endsWith('.rules.yml')).map((f) => join(ALERTS, f)),
  join(REPO, 'lab', 'alerting', 'broken-on-purpose.rules.yml'),
];

function promtool(args: string[]): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL as string, args, { cwd: ALERTS, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('alert rules (experiments/alerts/)', { skip }, () => {
  it('promtool check rules accepts every rule file the lab loads', () => {
    const result = promtool(['check', 'rules', ...ruleFiles]);
    assert.equal(result.code, 0, result.output);
    assert.equal((result.output.match(/SUCCESS/g) ?? []).length, ruleFiles.length, result.output);
  });

  it('promtool test rules: every rule fires, waits out its for: and resolves on recorded series', () => {
    const tests = readdirSync(join(ALERTS, 'tests')).filter((f) => f.endsWith('.test.yml')).map((f) => join('tests', f));
    assert.ok(tests.length >= 3, 'tests for web, node and Ceph rules');
    const result = promtool(['test', 'rules', ...tests]);
    assert.equal(result.code, 0, result.output);
  });

  it('the rule tests can fail: an alert expected before its for: period is over is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-rules-'));
    const wrong = readFileSync(join(ALERTS, 'tests', 'web.test.yml'), 'utf8')
      .replace('rule_files: [../web.rules.yml]', `rule_files: [${join(ALERTS, 'web.rules.yml')}]`)
      .replace(/- eval_time: 3s\n(\s+)alertname: WebBackendDown\n\s+exp_alerts: \[\]/, '- eval_time: 3s\n$1alertname: WebBackendDown\n$1exp_alerts: [{ exp_labels: { node: node-2 } }]');
    writeFileSync(join(dir, 'wrong.test.yml'), wrong);
    const result = promtool(['test', 'rules', join(dir, 'wrong.test.yml')]);
    assert.notEqual(result.code, 0, result.output);
    assert.match(result.output, /FAILED/);
  });
});
