import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecoveryResult, RunSummary, ScenarioSummary, Verdict } from '../../model/summary';
import { buildComparison, recoveriesDiffer } from './comparison';
import { renderComparePage } from './compare-page';
import { writeComparison } from './write-comparison';

const recovery = (probe: string, recoverSeconds: number | null, met = recoverSeconds !== null): RecoveryResult => ({ probe, detectSeconds: 0.1, recoverSeconds, boundSeconds: 5, met, from: 'revert' });

function scenario(id: string, verdict: Verdict, rec: RecoveryResult[], name = `scenario ${id}`): ScenarioSummary {
  return { id, name, feature: id.split(':')[0] as string, line: Number(id.split(':')[1]), tags: ['@failsafe-L1'], verdict, asExpected: verdict === 'passed', faults: [], slos: [], recovery: rec,
    startedAt: '2026-12-06T03:00:00Z', finishedAt: '2026-12-06T03:00:10Z', durationSeconds: 10 };
}

function run(environment: string, scenarios: ScenarioSummary[], score: number): RunSummary {
  const counts = { passed: 0, failed: 0, 'not-steady': 0, aborted: 0, compromised: 0 } as Record<Verdict, number>;
  for (const s of scenarios) counts[s.verdict]++;
  return { runId: `run-${environment}`, environment, startedAt: '2026-12-06T03:00:00Z', finishedAt: '2026-12-06T03:05:00Z', scenarios, counts, resilienceScore: score, exitCode: counts.failed ? 1 : 0 };
}

const a = run('cloud-a', [scenario('f.feature:3', 'passed', [recovery('web', 1.0)]), scenario('f.feature:9', 'passed', [recovery('web', 2.0)]), scenario('f.feature:15', 'passed', [recovery('web', 1.0)])], 1);
const b = run('cloud-b', [scenario('f.feature:3', 'passed', [recovery('web', 1.2)]), scenario('f.feature:9', 'failed', [recovery('web', null)]), scenario('f.feature:15', 'passed', [recovery('web', 4.0)]), scenario('g.feature:2', 'passed', [])], 0.75);

test('buildComparison puts each scenario of every run side by side and says what differs', () => {
  const comparison = buildComparison([{ dir: '/r/a', summary: a }, { dir: '/r/b', summary: b }], '2026-12-06T04:00:00Z');
  assert.deepEqual(comparison.runs.map((r) => [r.environment, r.resilienceScore, r.exitCode]), [['cloud-a', 1, 0], ['cloud-b', 0.75, 1]]);
  assert.equal(comparison.scoresDiffer, true);
  const byId = Object.fromEntries(comparison.scenarios.map((s) => [s.id, s]));
  assert.deepEqual(byId['f.feature:3']?.differences, [], '1.0 s and 1.2 s are within 0.5 s');
  assert.deepEqual(byId['f.feature:9']?.differences, ['verdict', 'recovery of web']);
  assert.deepEqual(byId['f.feature:15']?.differences, ['recovery of web'], '1 s against 4 s');
  assert.deepEqual(byId['g.feature:2']?.differences, ['missing in cloud-a']);
  assert.equal(byId['g.feature:2']?.cells[0], null);
});

test('a scenario moved to another line is matched by its name', () => {
  const moved = run('cloud-b', [scenario('f.feature:4', 'passed', [recovery('web', 1.0)], 'scenario f.feature:3')], 1);
  const comparison = buildComparison([{ dir: '/r/a', summary: run('cloud-a', [a.scenarios[0] as ScenarioSummary], 1) }, { dir: '/r/b', summary: moved }]);
  assert.equal(comparison.scenarios.length, 1);
  assert.deepEqual(comparison.scenarios[0]?.differences, []);
  assert.equal(comparison.scoresDiffer, false);
});

test('recoveriesDiffer: beyond 25 % and 0.5 s, stabilized against not, met against missed, a probe missing', () => {
  assert.equal(recoveriesDiffer([recovery('w', 10), recovery('w', 12)]), false, '2 s is within 25 % of 10 s');
  assert.equal(recoveriesDiffer([recovery('w', 10), recovery('w', 13)]), true);
  assert.equal(recoveriesDiffer([recovery('w', 0.1), recovery('w', 0.5)]), false, 'within 0.5 s');
  assert.equal(recoveriesDiffer([recovery('w', 1), recovery('w', null)]), true);
  assert.equal(recoveriesDiffer([recovery('w', null), recovery('w', null)]), false);
  assert.equal(recoveriesDiffer([recovery('w', 1, true), recovery('w', 1, false)]), true);
  assert.equal(recoveriesDiffer([recovery('w', 1), undefined]), true);
});

test('the page shows both environments side by side and highlights the differing rows and the score', () => {
  const html = renderComparePage(buildComparison([{ dir: '/r/a', summary: a }, { dir: '/r/b', summary: b }]));
  assert.match(html, /<th class="run">cloud-a<br>/);
  assert.match(html, /<th class="run">cloud-b<br>/);
  assert.equal((html.match(/<tr class="differs"><td>scenario /g) ?? []).length, 3, 'three scenario rows differ');
  assert.match(html, /<tr class="differs"><th>resilience score<\/th>/);
  assert.match(html, /<span class="difference">missing in cloud-a<\/span>/);
  assert.match(html, /<strong>3<\/strong> differ between the runs/);
  assert.doesNotMatch(html, /<script|https?:\/\//, 'self-contained: no script, nothing loaded');
});

test('writeComparison writes index.html and compare.json, linking each run by a relative path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  try {
    const out = join(dir, 'compare-x');
    const written = writeComparison(out, [{ dir: join(dir, 'run-a'), summary: a }, { dir: join(dir, 'run-b'), summary: b }]);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as { runs: { environment: string }[] };
    assert.deepEqual(json.runs.map((r) => r.environment), ['cloud-a', 'cloud-b']);
    assert.match(readFileSync(written.html, 'utf8'), /href="\.\.\/run-a\/index\.html"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
