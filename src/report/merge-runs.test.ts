/**
 * mergeRuns on shard directories cut from a real run (src/report/html/fixtures/sample-run: passed, failed as
 * expected, aborted as expected): the merged run says what the whole run said (counts, score, exit code), carries
 * every shard's files, orders the journals by time — and a shard without a report is never a silent pass.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import type { RunSummary, ScenarioSummary } from '../model/summary';
import { SCENARIO_LABEL } from './allure/scenario-key';
import { mergeRuns } from './merge-runs';
import { buildRunSummary } from './write-run';

const SAMPLE = join(__dirname, 'html', 'fixtures', 'sample-run');
const sample = JSON.parse(readFileSync(join(SAMPLE, 'summary.json'), 'utf8')) as RunSummary;
const quiet = (): void => undefined;

/** shardDir: a run directory holding `scenarios` as one shard's run would: summary, an Allure result each, a journal. */
function shardDir(root: string, name: string, scenarios: ScenarioSummary[], journalAt: string[]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'allure-results'), { recursive: true });
  const summary = buildRunSummary({ runId: name, environment: sample.environment, startedAt: scenarios[0]?.startedAt ?? sample.startedAt, scenarios, seed: sample.seed as number });
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  for (const [i, scenario] of scenarios.entries()) {
    const uuid = `${name}-uuid-${i}`;
    writeFileSync(join(dir, 'allure-results', `${uuid}-result.json`), JSON.stringify({ uuid, name: scenario.name, status: 'passed', labels: [{ name: SCENARIO_LABEL, value: scenario.id }] }));
  }
  writeFileSync(join(dir, 'journal.jsonl'), journalAt.map((at) => `${JSON.stringify({ type: 'injected', at, injectionId: `${name}-${at}` })}\n`).join(''));
  return dir;
}

function withShards(body: (root: string, dirs: string[]) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'scs-chaos-merge-'));
  const [isolate, unattainable, halt] = sample.scenarios as [ScenarioSummary, ScenarioSummary, ScenarioSummary];
  const dirs = [
    shardDir(root, 'shard-0', [isolate], ['2026-11-27T21:24:40.000Z', '2026-11-27T21:24:50.000Z']),
    shardDir(root, 'shard-1', [unattainable, halt], ['2026-11-27T21:24:30.000Z', '2026-11-27T21:24:45.000Z']),
  ];
  cpSync(join(SAMPLE, 'scenarios'), join(dirs[0] as string, 'scenarios'), { recursive: true });
  return body(root, dirs).finally(() => rmSync(root, { recursive: true, force: true }));
}

describe('mergeRuns', () => {
  it('says what the whole run said: every scenario, counts, score and exit code, with the usual files', async () => {
    await withShards(async (root, dirs) => {
      const out = join(root, 'merged');
      const { summary, failedShards } = await mergeRuns({ runDirs: dirs, outDir: out, log: quiet });
      assert.deepEqual(failedShards, []);
      assert.deepEqual(summary.scenarios.map((s) => s.id).sort(), sample.scenarios.map((s) => s.id).sort());
      assert.deepEqual(summary.counts, sample.counts);
      assert.equal(summary.resilienceScore, sample.resilienceScore);
      assert.equal(summary.exitCode, 0);
      assert.equal(summary.runId, 'merged');
      assert.equal(summary.seed, sample.seed);
      assert.equal(summary.startedAt, sample.scenarios.map((s) => s.startedAt).sort()[0]);
      for (const file of ['summary.json', 'junit.xml', 'compliance.txt', 'compliance.yaml', 'index.html', 'journal.jsonl']) assert.ok(existsSync(join(out, file)), file);
      assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).counts, sample.counts);
      assert.equal((readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testcase /g) ?? []).length, 3);
      assert.equal(readdirSync(join(out, 'allure-results')).filter((f) => f.endsWith('-result.json')).length, 3);
      assert.ok(existsSync(join(out, 'scenarios', 'lab-isolate-node-7', 'timeline.svg')), 'the scenario folder of shard-0 is carried over');
      const ats = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { at: string }).at);
      assert.deepEqual(ats, ['2026-11-27T21:24:30.000Z', '2026-11-27T21:24:40.000Z', '2026-11-27T21:24:45.000Z', '2026-11-27T21:24:50.000Z']);
    });
  });

  it('a shard without summary.json: the scenarios the plan gave it are compromised, not run, and the exit code is 3', async () => {
    await withShards(async (root, dirs) => {
      const lost = join(root, 'shard-2');
      mkdirSync(lost);
      const expected = [...sample.scenarios, { id: 'features/lab/kill-backend.feature:6', name: 'kill', feature: 'features/lab/kill-backend.feature', line: 6, tags: ['@lab'] }];
      const { summary, failedShards } = await mergeRuns({ runDirs: [...dirs, lost], outDir: join(root, 'merged'), expected, log: quiet });
      assert.equal(failedShards.length, 1);
      const kill = summary.scenarios.find((s) => s.id === 'features/lab/kill-backend.feature:6');
      assert.equal(kill?.verdict, 'compromised');
      assert.equal(kill?.asExpected, false);
      assert.match(kill?.reason ?? '', /not run: no shard reported this scenario \(shards without a report: shard-2: no readable summary\.json/);
      assert.equal(summary.counts.compromised, 1);
      assert.equal(summary.exitCode, 3);
    });
  });

  it('without a plan, a shard without a report is one compromised placeholder: still exit 3', async () => {
    await withShards(async (root, dirs) => {
      const lost = join(root, 'shard-2');
      mkdirSync(lost);
      writeFileSync(join(lost, 'summary.json'), '{"runId": "cut off');
      const { summary } = await mergeRuns({ runDirs: [...dirs, lost], outDir: join(root, 'merged'), log: quiet });
      assert.equal(summary.scenarios.length, 4);
      const placeholder = summary.scenarios.find((s) => s.id === 'shard:shard-2');
      assert.equal(placeholder?.verdict, 'compromised');
      assert.match(placeholder?.reason ?? '', /summary\.json is not JSON/);
      assert.equal(summary.exitCode, 3);
    });
  });

  it('refuses a scenario reported by two shards, a directory named twice, a missing one and a used --out', async () => {
    await withShards(async (root, dirs) => {
      const again = shardDir(root, 'shard-x', [sample.scenarios[0] as ScenarioSummary], []);
      await assert.rejects(mergeRuns({ runDirs: [...dirs, again], outDir: join(root, 'm1'), log: quiet }), (e: unknown) => e instanceof BadInput && /features\/lab\/isolate-node\.feature:7 is reported by two shards/.test(e.message));
      await assert.rejects(mergeRuns({ runDirs: [dirs[0] as string, `${dirs[0] as string}/`], outDir: join(root, 'm2'), log: quiet }), (e: unknown) => e instanceof BadInput && /same shard run directory/.test(e.message));
      await assert.rejects(mergeRuns({ runDirs: [join(root, 'nope')], outDir: join(root, 'm3'), log: quiet }), (e: unknown) => e instanceof BadInput && /does not exist/.test(e.message));
      await assert.rejects(mergeRuns({ runDirs: dirs, outDir: dirs[0] as string, log: quiet }), (e: unknown) => e instanceof BadInput && /not an empty directory/.test(e.message));
      await assert.rejects(mergeRuns({ runDirs: [], outDir: join(root, 'm4'), log: quiet }), (e: unknown) => e instanceof BadInput && /at least one/.test(e.message));
      assert.ok(!existsSync(join(root, 'm1')), 'nothing is written before the input is checked');
    });
  });

  it('refuses shards of different environments', async () => {
    await withShards(async (root, dirs) => {
      const file = join(dirs[1] as string, 'summary.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), environment: 'other' }));
      await assert.rejects(mergeRuns({ runDirs: dirs, outDir: join(root, 'm'), log: quiet }), (e: unknown) => e instanceof BadInput && /different environments \(lab, other\)/.test(e.message));
    });
  });
});
