/**
 * Fuzz: whole generated feature files through the real plan pass, in process (`scs-chaos plan`, main()):
 * scenarios of the project's own steps with generated durations, rates, percentages, nodes, selectors, SLOs and
 * PromQL SLOs, typos, stray lines, tags and outlines. Properties (issue 17): never an internal error; every
 * refusal is exit 2 with a `fix:` line per problem; nothing that changes a node is ever run and no injection is
 * live afterwards (plan writes no journal); a valid plan's every fault duration, TTL and probe rate is within its
 * bound (scope.maxFaultDuration 10m, + defaults.faultTtlGrace 10s, 100 Hz, scope.maxNodesAtOnce 2).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fuzz, numberText, report, sometimes } from './harness';
import { judge, msOf, Sandbox, sandbox, scsChaos } from './plan-harness';

const MAX_FAULT_MS = 10 * 60_000;
const GRACE_MS = 10_000;

/** steps: generated step lines; `clean` draws mostly valid values (so valid plans are common), otherwise anything. */
function steps(clean: boolean): fc.Arbitrary<string> {
const messy = <T extends string>(good: fc.Arbitrary<T>, any: fc.Arbitrary<string>): fc.Arbitrary<string> => (clean ? good : sometimes(any));
const duration = messy(fc.tuple(fc.integer({ min: 1, max: 700 }), fc.constantFrom('ms', 's')).map(([n, u]) => `${n}${u}`), fc.tuple(numberText, fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`));
const shortDuration = fc.tuple(fc.integer({ min: 0, max: 900 }), fc.constantFrom('ms', 's', 'm')).map(([n, u]) => `${n}${u}`);
const node = clean ? fc.constantFrom('node-1', 'node-2', 'node-3') : fc.constantFrom('node-1', 'node-2', 'node-3', 'node-9', 'web', 'edge');
const percent = messy(fc.integer({ min: 1, max: 100 }).map((n) => `${n}%`), fc.tuple(numberText, fc.constantFrom('%', ' percent', '')).map(([n, u]) => `${n}${u}`));
const rate = messy(fc.integer({ min: 1, max: 100 }).map((n) => `${n} Hz`), fc.tuple(numberText, fc.constantFrom(' Hz', 'Hz', ' hz')).map(([n, u]) => `${n}${u}`));
const selection = fc.constantFrom('a random web node', 'the web nodes', '2 of the web nodes', '3 of the web nodes', '50% of the web nodes', '1 of 3 web nodes', '2 random web nodes', 'a random db node');
const slo = messy(fc.constantFrom('availability >= 99%', 'p(95) < 300ms', 'rate(errors) < 1%'), fc.tuple(fc.constantFrom('availability >= ', 'p(95) < ', 'rate(errors) < ', 'avg <= ', 'p(101) < ', 'max < '), numberText, fc.constantFrom('%', 'ms', 's', '')).map(([a, b, c]) => `${a}${b}${c}`));
const promql = messy(fc.constantFrom("promql(sum(up{job='x'})) >= 1"), fc.tuple(fc.constantFrom("sum(up{job='x'})", 'up', '', '(', "rate(x[30s])"), fc.constantFrom('>=', '<', '=', '!='), numberText).map(([q, o, n]) => `promql(${q}) ${o} ${n}`));
const word = clean ? fc.constant('web') : fc.constantFrom('web', 'db', 'nosuch');

return fc.oneof(
  fc.tuple(word, rate).map(([s, r]) => `${s} is probed over HTTP at ${r}`),
  fc.tuple(word, node, rate).map(([s, n, r]) => `${s} on ${n} is probed over HTTP at ${r}`),
  fc.tuple(word, node, rate).map(([s, n, r]) => `${s} on ${n} is probed over TCP at ${r}`),
  fc.tuple(word, percent, duration).map(([s, p, d]) => `availability of ${s} is at least ${p} for ${d} in steady state`),
  fc.tuple(slo, word, duration).map(([x, s, d]) => `the SLO "${x}" holds for ${s} for ${d} in steady state`),
  fc.tuple(node, duration).map(([n, d]) => `${n} is isolated from the network for ${d}`),
  fc.tuple(node, shortDuration, duration).map(([n, d, t]) => `${n} is isolated from the network for ${d} with a TTL of ${t}`),
  fc.tuple(selection, shortDuration).map(([s, d]) => `${s} is isolated from the network for ${d}`),
  fc.tuple(node, node, duration).map(([a, b, d]) => `${a} is partitioned from ${b} for ${d}`),
  fc.tuple(node, percent, duration).map(([n, p, d]) => `${n} drops ${p} of its outgoing packets for ${d}`),
  fc.tuple(node, fc.constantFrom('1mbit', '512kbit', '0bit', '10gbit', '1tbit', 'fast'), duration).map(([n, r, d]) => `the outgoing bandwidth of ${n} is limited to ${r} for ${d}`),
  fc.tuple(fc.integer({ min: -1, max: 70_000 }), node, duration).map(([p, n, d]) => `port ${p} on ${n} is blackholed for ${d}`),
  fc.tuple(node, duration).map(([n, d]) => `DNS fails on ${n} for ${d}`),
  fc.tuple(node, duration, duration, duration).map(([n, a, b, d]) => `${n} gets ${a} of added latency with ${b} jitter for ${d}`),
  fc.tuple(word, node).map(([s, n]) => `the ${s} process on ${n} is killed`),
  fc.tuple(word, node, duration).map(([s, n, d]) => `the ${s} process on ${n} is paused for ${d}`),
  fc.tuple(word, node, duration).map(([s, n, d]) => `the ${s} service on ${n} is stopped for ${d}`),
  fc.tuple(node, fc.integer({ min: -1, max: 5000 }), percent, duration).map(([n, w, p, d]) => `${n} is stressed with ${w} CPU workers at ${p} load for ${d}`),
  fc.tuple(node, percent, duration).map(([n, p, d]) => `${n} is stressed with ${p} of its memory for ${d}`),
  fc.tuple(fc.constantFrom('/data', '/var/tmp', ''), node, percent, duration).map(([p, n, t, d]) => `the filesystem of "${p}" on ${n} is filled to ${t} for ${d}`),
  duration.map((d) => `the fault is observed for ${d}`),
  fc.tuple(word, percent, fc.constantFrom('in steady state', 'during the fault', 'after the fault')).map(([s, p, ph]) => `availability of ${s} stays at or above ${p} ${ph}`),
  fc.tuple(slo, word).map(([x, s]) => `the SLO "${x}" holds for ${s} during the fault`),
  fc.tuple(word, duration).map(([s, d]) => `${s} recovers within ${d}`),
  fc.tuple(fc.integer({ min: -5, max: 100_000 }), word).map(([r, s]) => `steady load of ${r} requests per second on ${s}`),
  promql.map((q) => `Prometheus watches "${q}"`),
  promql.map((q) => `Prometheus shows "${q}" during the fault`),
  fc.tuple(word, duration, percent).map(([s, d, p]) => `the scenario halts if availability of ${s} over ${d} drops below ${p}`),
  ...(clean ? [] : [fc.string({ maxLength: 30 })]),
);
}

const keyword = fc.constantFrom('Given', 'When', 'Then', 'And', 'But', '*');
/** scenario: clean ones start with a probe and end with a recovery bound, so valid plans are common. */
const scenario = (clean: boolean): fc.Arbitrary<string> =>
  fc
    .tuple(
      clean ? fc.constantFrom('', '  @wip\n') : fc.constantFrom('', '  @wip\n', '  @destructive\n', '  @expect-failed\n', '  @wip Scenario: tags and keyword on one line\n'),
      fc.array(fc.tuple(keyword, steps(clean)), { minLength: 1, maxLength: clean ? 3 : 6 }),
      fc.nat({ max: 9 }),
    )
    .map(([tag, body, n]) => {
      const lines = clean ? [['Given', 'web is probed over HTTP at 10 Hz'], ...body, ['Then', 'web recovers within 5s']] : body;
      return `  ${tag}Scenario: generated ${n}\n${lines.map(([k, s]) => `    ${k} ${s}`).join('\n')}\n`;
    });

const feature = fc
  .boolean()
  .chain((clean) =>
    fc.tuple(
      fc.array(scenario(clean), { minLength: clean ? 1 : 0, maxLength: clean ? 2 : 3 }),
      clean ? fc.constantFrom('', '# a comment\n') : fc.constantFrom('', '  this line is no Gherkin\n', '  Background:\n    Given web is probed over HTTP at 10 Hz\n', '# a comment\n'),
    ),
  )
  .map(([scenarios, extra]) => `Feature: generated\n${extra}${scenarios.join('')}`);

describe('fuzz: generated feature files through the real plan pass', () => {
  let box: Sandbox;
  before(() => {
    box = sandbox();
  });
  after(() => {
    box.cleanup();
    console.log(report('features'));
  });

  it('plan: exit 0 within every bound, or exit 2 with a fix per problem; never an internal error, never a touched node', async () => {
    const seen = { planned: 0, refused: 0 };
    let n = 0;
    await fuzz('feature files through plan', feature, async (text) => {
      const path = join(box.dir, `f${n++ % 50}.feature`);
      writeFileSync(path, text);
      const ran = await scsChaos(box, ['plan', '--env', box.env, '--seed', '7', path]);
      let verdict: string;
      try {
        verdict = judge(ran);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- feature ---\n${text}`);
      }
      if (verdict === 'refused') seen.refused++;
      if (verdict !== 'planned') return;
      seen.planned++;
      for (const [, held, expiry] of ran.out.matchAll(/ for (\S+) \(expiry after (\S+)\)/g)) {
        assert.ok(msOf(held as string) <= MAX_FAULT_MS && msOf(held as string) > 0, `fault held ${held}:\n${ran.out}`);
        assert.ok(msOf(expiry as string) <= MAX_FAULT_MS + GRACE_MS, `expiry ${expiry}:\n${ran.out}`);
      }
      for (const [, hz] of ran.out.matchAll(/ at ([\d.]+) Hz/g)) assert.ok(Number(hz) > 0 && Number(hz) <= 100, `probe at ${hz} Hz:\n${ran.out}`);
      for (const [, picked] of ran.out.matchAll(/select "[^"]*" → ([^(]+)\(/g)) assert.ok((picked as string).split(',').length <= 2, `selection ${picked}:\n${ran.out}`);
    });
    assert.ok(seen.planned > 0 && seen.refused > 0, `both sides exercised: ${seen.planned} planned, ${seen.refused} refused`);
    console.log(`feature files: ${seen.planned} planned, ${seen.refused} refused`);
  });
});
