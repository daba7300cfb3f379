/**
 * `scs-chaos k8s shards` and `k8s merge` as a user runs them: the split printed (and as the JSON shard plan),
 * bad counts refused with exit 2 and a fix, and a merge whose plan names a scenario no shard reported exiting 3.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT as ROOT, runScsChaos as scsChaos } from '../../../test/support/scs-chaos-cli';

describe('k8s shards', () => {
  it('prints the split of features/lab with each shard\'s run arguments, and the same split as JSON', async () => {
    const text = await scsChaos(['k8s', 'shards', '--shards', '3', 'features/lab']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^\d+ scenario\(s\) in 3 shard\(s\)/);
    assert.match(text.stdout, /\nshard 0: \d+ scenario\(s\): scs-chaos run features\/lab\/dns-failure\.feature:\d+/);
    const json = await scsChaos(['k8s', 'shards', '--json', '--shards=3', '--seed', '5', 'features/lab']);
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as { environment: string; seed: number; shards: { index: number; featureArgs: string[]; scenarios: { id: string }[] }[] };
    assert.equal(plan.environment, 'lab');
    assert.equal(plan.seed, 5);
    assert.deepEqual(plan.shards.map((s) => s.index), [0, 1, 2]);
    for (const shard of plan.shards) assert.match(text.stdout, new RegExp(`shard ${shard.index}: ${shard.scenarios.length} scenario\\(s\\): scs-chaos run ${shard.featureArgs.join(' ').replace(/\./g, '\\.')}\\n`));
  });

  it('clamps more shards than scenarios, with a note', async () => {
    const ran = await scsChaos(['k8s', 'shards', '--shards', '9', 'features/lab/isolate-node.feature']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /note: 9 shards asked for, but only 1 scenario\(s\) are selected: 1 shard\(s\) of one scenario each/);
  });

  it('refuses a missing, zero, fractional or too large count with exit 2 and a fix', async () => {
    for (const args of [[], ['--shards', '0'], ['--shards', '2.5'], ['--shards', '5000'], ['--shards']]) {
      const ran = await scsChaos(['k8s', 'shards', ...args, 'features/lab']);
      assert.equal(ran.code, 2, `${args.join(' ')}: ${ran.stderr}`);
      assert.match(ran.stderr, /fix: /, args.join(' '));
    }
  });
});

describe('k8s merge', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-merge-'));
    cpSync(join(ROOT, 'src', 'report', 'html', 'fixtures', 'sample-run'), join(dir, 'shard-0'), { recursive: true });
    mkdirSync(join(dir, 'shard-1'));
    const scenarios = (JSON.parse(readFileSync(join(dir, 'shard-0', 'summary.json'), 'utf8')) as { scenarios: { id: string; name: string; feature: string; line: number; tags: string[] }[] }).scenarios;
    const lost = { id: 'features/lab/kill-backend.feature:6', name: 'kill', feature: 'features/lab/kill-backend.feature', line: 6, tags: [] };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ environment: 'lab', shards: [{ index: 0, scenarios }, { index: 1, scenarios: [lost] }] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a shard that left no report: its planned scenario is compromised and the merge exits 3', async () => {
    const out = join(dir, 'merged');
    const ran = await scsChaos(['k8s', 'merge', '--out', out, '--plan', join(dir, 'plan.json'), join(dir, 'shard-0'), join(dir, 'shard-1')]);
    assert.equal(ran.code, 3, ran.stderr);
    assert.match(ran.stderr, /shard without a report: .*shard-1: no readable summary\.json/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { exitCode: number; counts: Record<string, number> };
    assert.equal(summary.exitCode, 3);
    assert.equal(summary.counts.compromised, 1);
  });

  it('refuses a missing --out and an unreadable --plan with exit 2', async () => {
    const noOut = await scsChaos(['k8s', 'merge', join(dir, 'shard-0')]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /k8s merge needs --out DIR/);
    const badPlan = await scsChaos(['k8s', 'merge', '--out', join(dir, 'm2'), '--plan', join(dir, 'nope.json'), join(dir, 'shard-0')]);
    assert.equal(badPlan.code, 2);
    assert.match(badPlan.stderr, /--plan .*nope\.json[\s\S]*fix: give the file `scs-chaos k8s shards/);
  });
});
