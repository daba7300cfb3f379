/**
 * The shard split: deterministic whatever order the scenarios arrive in, balanced by count, never splitting a
 * scenario, clamped with a note, bad counts refused — and each shard's `FEATURE:LINE` arguments, given to the real
 * plan pass, select exactly that shard's scenarios (features/lab plans without the lab running).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../kernel/errors';
import { loadEnvironment } from '../../environment/load';
import { featureArgsOf, parseShardCount, PlannedScenario, splitIntoShards } from './shards';

const ROOT = join(__dirname, '..', '..', '..');

const scenario = (feature: string, line: number): PlannedScenario => ({ id: `${feature}:${line}`, name: `s ${line}`, feature, line, tags: [] });

const SEVEN = [scenario('features/b.feature', 30), scenario('features/a.feature', 12), scenario('features/b.feature', 4), scenario('features/a.feature', 100), scenario('features/a.feature', 9), scenario('features/c/x.feature', 3), scenario('features/b.feature', 17)];

const ids = (plan: ReturnType<typeof splitIntoShards>): string[][] => plan.shards.map((s) => s.scenarios.map((x) => x.id));

describe('splitIntoShards', () => {
  it('sorts by feature path, then line as a number, and cuts contiguous blocks whose sizes differ by at most one', () => {
    assert.deepEqual(ids(splitIntoShards(SEVEN, 3)), [
      ['features/a.feature:9', 'features/a.feature:12', 'features/a.feature:100'],
      ['features/b.feature:4', 'features/b.feature:17'],
      ['features/b.feature:30', 'features/c/x.feature:3'],
    ]);
  });

  it('gives the same split for any order of the input', () => {
    const expected = ids(splitIntoShards(SEVEN, 3));
    for (let seed = 1; seed <= 20; seed++) {
      const shuffled = [...SEVEN].sort((a, b) => ((a.line * 7919 * seed) % 101) - ((b.line * 7919 * seed) % 101));
      assert.deepEqual(ids(splitIntoShards(shuffled, 3)), expected);
    }
    assert.deepEqual(ids(splitIntoShards([...SEVEN].reverse(), 3)), expected);
  });

  it('puts every scenario in exactly one shard, for every count', () => {
    for (let count = 1; count <= 9; count++) {
      const plan = splitIntoShards(SEVEN, count);
      const all = plan.shards.flatMap((s) => s.scenarios.map((x) => x.id)).sort();
      assert.deepEqual(all, SEVEN.map((s) => s.id).sort(), `count ${count}`);
      const sizes = plan.shards.map((s) => s.scenarios.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `count ${count}: sizes ${sizes.join(',')}`);
      assert.deepEqual(plan.shards.map((s) => s.index), [...plan.shards.keys()]);
    }
  });

  it('clamps more shards than scenarios to one scenario each, with a note', () => {
    const plan = splitIntoShards(SEVEN.slice(0, 2), 5);
    assert.equal(plan.shards.length, 2);
    assert.equal(plan.requested, 5);
    assert.match(plan.note ?? '', /5 shards asked for, but only 2 scenario\(s\)/);
    assert.equal(splitIntoShards(SEVEN, 7).note, undefined);
  });

  it('refuses an empty selection and a scenario listed twice', () => {
    assert.throws(() => splitIntoShards([], 2), (e: unknown) => e instanceof BadInput && /no scenario/.test(e.message));
    assert.throws(() => splitIntoShards([SEVEN[0] as PlannedScenario, SEVEN[0] as PlannedScenario], 2), (e: unknown) => e instanceof BadInput && /planned twice/.test(e.message));
  });

  it('selects with one FEATURE:LINE:LINE argument per feature file', () => {
    assert.deepEqual(featureArgsOf(SEVEN), ['features/a.feature:9:12:100', 'features/b.feature:4:17:30', 'features/c/x.feature:3']);
  });
});

describe('parseShardCount', () => {
  it('takes whole numbers from 1 to 1000', () => {
    assert.equal(parseShardCount('1'), 1);
    assert.equal(parseShardCount('12'), 12);
    assert.equal(parseShardCount('1000'), 1000);
  });
  it('refuses 0, negatives, fractions, words and too many, with a fix', () => {
    for (const text of ['0', '-2', '1.5', '2e1', 'four', '', '1001', '0x10']) {
      assert.throws(() => parseShardCount(text), (e: unknown) => e instanceof BadInput && /is not a shard count/.test(e.message) && /whole number from 1 to 1000/.test(e.describe()), text);
    }
  });
});

describe('a shard is run by `scs-chaos run FEATURE:LINE...`', () => {
  it('the plan of each shard\'s arguments holds exactly its scenarios (features/lab, planned offline)', async () => {
    await import('../../kinds');
    const { planPass } = await import('../run');
    const env = loadEnvironment(join(ROOT, 'experiments', 'environments', 'lab.yaml'));
    const options = (paths: string[]) => ({ envPath: env.sourcePath, profile: 'default', paths, reportsDir: '/nonexistent', seed: 7, log: () => undefined });
    const whole = await planPass(env, options(['features/lab']));
    assert.deepEqual(whole.problems, []);
    assert.ok(whole.scenarioCount >= 6, `features/lab has ${whole.scenarioCount} scenarios`);
    const plan = splitIntoShards(whole.scenarioIds, 4);
    assert.equal(plan.shards.length, 4);
    for (const shard of plan.shards) {
      const planned = await planPass(env, options(shard.featureArgs));
      assert.deepEqual(planned.problems, []);
      assert.deepEqual(planned.scenarioIds.map((s) => s.id).sort(), shard.scenarios.map((s) => s.id).sort(), `shard ${shard.index}: ${shard.featureArgs.join(' ')}`);
    }
  });

  it('an outline\'s Examples rows are scenarios of their own, selected by the row\'s line', async () => {
    await import('../../kinds');
    const { planPass } = await import('../run');
    const dir = mkdtempSync(join(tmpdir(), 'shards-'));
    try {
      const envFile = join(dir, 'env.yaml');
      writeFileSync(envFile, ['name: shards', 'nodes:', ...['s-1', 's-2', 's-3'].map((n) => `  - { name: ${n}, address: 127.0.0.1, roles: [web], executor: { kind: local } }`), 'services:',
        '  web: { roles: [web], port: 9, endpoint: "http://127.0.0.1:9/", processMatch: "[n]o-such-process-here" }', 'scope:', '  nodes: [s-1, s-2, s-3]', '  maxNodesAtOnce: 1', ''].join('\n'));
      const feature = join(dir, 'pause.feature');
      writeFileSync(feature, ['Feature: f', '  Scenario Outline: pause <node>', '    Given web is probed over HTTP at 10 Hz', '    When the web process on <node> is paused for 1s', '    Then web recovers within 3s',
        '', '    Examples:', '      | node |', '      | s-1  |', '      | s-2  |', '      | s-3  |', ''].join('\n'));
      const env = loadEnvironment(envFile);
      const options = (paths: string[]) => ({ envPath: envFile, profile: 'default', paths, reportsDir: '/nonexistent', seed: 7, log: () => undefined });
      const whole = await planPass(env, options([feature]));
      assert.deepEqual(whole.problems, []);
      assert.deepEqual(whole.scenarioIds.map((s) => s.line), [9, 10, 11]);
      const plan = splitIntoShards(whole.scenarioIds, 2);
      for (const shard of plan.shards) {
        const planned = await planPass(env, options(shard.featureArgs));
        assert.deepEqual(planned.scenarioIds.map((s) => s.id), shard.scenarios.map((s) => s.id), shard.featureArgs.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
