import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../model/summary';
import { complianceLines, complianceResult, writeComplianceReports } from './compliance';
import { runSummary, scenarioSummary } from '../../test/support/run-summaries';

describe('complianceResult', () => {
  it('maps verdicts as junit.xml does: as expected PASS, measured-and-missed FAIL, could-not-test ABORT', () => {
    const cases: Array<[ReturnType<typeof scenarioSummary>, string]> = [
      [scenarioSummary('passed'), 'PASS'],
      [scenarioSummary('failed', { expectedVerdict: 'failed', asExpected: true }), 'PASS'],
      [scenarioSummary('aborted', { expectedVerdict: 'aborted', asExpected: true }), 'PASS'],
      [scenarioSummary('failed'), 'FAIL'],
      [scenarioSummary('not-steady'), 'FAIL'],
      [scenarioSummary('passed', { expectedVerdict: 'failed', asExpected: false }), 'FAIL'],
      [scenarioSummary('aborted'), 'ABORT'],
      [scenarioSummary('compromised'), 'ABORT'],
    ];
    assert.deepEqual(cases.map(([s]) => complianceResult(s)), cases.map(([, r]) => r));
  });
});

describe('writeComplianceReports', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scs-chaos-compliance-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sample = JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8')) as RunSummary;

  it('writes one "<scenario-id>: RESULT" line per scenario of a real run', () => {
    writeComplianceReports(dir, sample);
    assert.equal(
      readFileSync(join(dir, 'compliance.txt'), 'utf8'),
      'features/lab/isolate-node.feature:7: PASS\nfeatures/lab/unattainable-slo.feature:7: PASS\nfeatures/lab/halt-on-floor.feature:7: PASS\n',
    );
  });

  it('keeps every line parseable at its last colon, even for an id with a line break', () => {
    const run = runSummary([scenarioSummary('failed', { id: 'features/a b.feature:3' }), scenarioSummary('compromised', { id: 'odd\nid:9' })]);
    const parsed = complianceLines(run)
      .trimEnd()
      .split('\n')
      .map((line) => [line.slice(0, line.lastIndexOf(':')).trim(), line.slice(line.lastIndexOf(':') + 1).trim()]);
    assert.deepEqual(parsed, [
      ['features/a b.feature:3', 'FAIL'],
      ['odd id:9', 'ABORT'],
    ]);
  });

  // PyYAML is what SCS's compliance tooling reads reports with; skipped where it is missing, except in CI.
  const python = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
  const skip = python || process.env.CI === 'true' ? false : 'python3 with PyYAML is missing: run lab/install-packages.sh as root (Debian python3-yaml)';
  it('writes compliance.yaml that PyYAML reads, with results 1/0/-1 and the lines agreeing', { skip }, () => {
    const run = runSummary(
      [
        scenarioSummary('passed', { id: 'features/lab/a.feature:5', tags: ['@failsafe-L1'] }),
        scenarioSummary('failed', { id: 'features/lab/b.feature:9', reason: 'availability 80%: "low"' }),
        scenarioSummary('compromised', { id: 'features/lab/c.feature:2', reason: 'could not inject' }),
      ],
      'run-42',
    );
    writeComplianceReports(dir, run, 'gx-scs');
    const script = [
      'import json, sys, yaml',
      'report = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))',
      'lines = {}',
      'for line in open(sys.argv[2], encoding="utf-8"):',
      '    head, _, tail = line.rstrip("\\n").rpartition(":")',
      '    lines[head.strip()] = tail.strip()',
      'print(json.dumps({"report": report, "lines": lines}, default=str))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script, join(dir, 'compliance.yaml'), join(dir, 'compliance.txt')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    const { report, lines } = JSON.parse(result.stdout) as {
      report: { subject: string; run: { uuid: string; invocations: Record<string, { rc: number; results: Record<string, number>; critical: number; error: number }> }; scenarios: Array<{ id: string; reason?: string }> };
      lines: Record<string, string>;
    };
    assert.equal(report.subject, 'gx-scs');
    assert.equal(report.run.uuid, 'run-42');
    const invocation = report.run.invocations['run-42'];
    assert.deepEqual(invocation?.results, { 'features/lab/a.feature:5': 1, 'features/lab/b.feature:9': -1, 'features/lab/c.feature:2': 0 });
    assert.deepEqual([invocation?.rc, invocation?.critical, invocation?.error], [run.exitCode, 1, 1]);
    assert.equal(report.scenarios[1]?.reason, 'availability 80%: "low"');
    assert.deepEqual(lines, { 'features/lab/a.feature:5': 'PASS', 'features/lab/b.feature:9': 'FAIL', 'features/lab/c.feature:2': 'ABORT' });
  });
});
