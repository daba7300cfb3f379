/**
 * Many clouds in one run (issue 16 part 5): `scs-chaos run --env A --env B` runs the same feature against two real
 * labs at once — two differently named environments, each with its own namespaces, bridge, subnet and run
 * directory — one run directory each, and the comparison (reports/compare-<time>/) shows both side by side; so does
 * `scs-chaos compare` over the two run directories.
 * Environments: SCS_CHAOS_LAB_ENV (default experiments/environments/lab.yaml) and SCS_CHAOS_LAB_ENV_B (default
 * test/lab/fixtures/lab-second.yaml). Both labs come up for this file only and go down after it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEnvironment } from '../../src/environment/load';
import { REPO, labEnvPath, runCli, tempReportsDir } from './helpers';

const envA = labEnvPath();
const envB = resolve(process.env.SCS_CHAOS_LAB_ENV_B ?? join(REPO, 'test', 'lab', 'fixtures', 'lab-second.yaml'));
const FEATURE = 'features/lab/random-node.feature';
const started = Date.now();

before(async () => {
  for (const env of [envA, envB]) {
    const up = await runCli(['lab', 'up', '--env', env]);
    assert.equal(up.code, 0, `lab up --env ${env}:\n${up.stderr}`);
  }
  process.stderr.write(`many-clouds: two labs up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});

after(async () => {
  for (const env of [envA, envB]) await runCli(['lab', 'down', '--env', env]);
  process.stderr.write(`many-clouds: ${((Date.now() - started) / 1000).toFixed(1)} s in all\n`);
});

interface CompareJson {
  runs: { environment: string; runId: string; dir: string; resilienceScore: number | null }[];
  scenarios: { id: string; cells: ({ verdict: string } | null)[]; differences: string[] }[];
}

test('run --env A --env B runs the feature against both labs at once, one run directory each, compared side by side', { timeout: 180_000 }, async () => {
  const names = [loadEnvironment(envA).name, loadEnvironment(envB).name];
  assert.notEqual(names[0], names[1], 'the two environments are named differently');
  const reports = tempReportsDir();
  const t0 = Date.now();
  const result = await runCli(['run', '--env', envA, '--env', envB, '--reports', reports, FEATURE]);
  const seconds = (Date.now() - t0) / 1000;
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  // Both runs went at once: their console lines interleave under their environments' names.
  for (const name of names) assert.match(result.stderr, new RegExp(`^\\[${name}\\] run `, 'm'));
  const runDirs = readdirSync(reports).filter((d) => d !== 'latest' && existsSync(join(reports, d, 'summary.json')));
  assert.equal(runDirs.length, 2, `one run directory per environment in ${reports}`);
  const environments = runDirs.map((d) => (JSON.parse(readFileSync(join(reports, d, 'summary.json'), 'utf8')) as { environment: string }).environment).sort();
  assert.deepEqual(environments, [...names].sort());

  const compareDir = readdirSync(reports).find((d) => d.startsWith('compare-'));
  assert.ok(compareDir, `a comparison in ${reports}: ${result.stderr}`);
  const compared = JSON.parse(readFileSync(join(reports, compareDir, 'compare.json'), 'utf8')) as CompareJson;
  assert.deepEqual(compared.runs.map((r) => r.environment).sort(), [...names].sort());
  assert.equal(compared.scenarios.length, 1);
  assert.deepEqual(compared.scenarios[0]?.cells.map((c) => c?.verdict), ['passed', 'passed']);
  const page = readFileSync(join(reports, compareDir, 'index.html'), 'utf8');
  for (const name of names) assert.match(page, new RegExp(`<th class="run">${name}<br>`), `the page has a column for ${name}`);
  process.stderr.write(`many-clouds: run against two labs in ${seconds.toFixed(1)} s\n`);

  // scs-chaos compare over the same two run directories writes the same side-by-side view where it is told.
  const out = join(reports, 'explicit-compare');
  const explicit = await runCli(['compare', '--out', out, ...runDirs.map((d) => join(reports, d))]);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.match(explicit.stdout, /compare: 2 runs, \d+ scenario\(s\) differ/);
  const again = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareJson;
  assert.deepEqual(again.runs.map((r) => r.environment).sort(), [...names].sort());
});
