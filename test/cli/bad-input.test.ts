/**
 * Issue 17's "Why", case by case, as an SRE meets it: each runs `scs-chaos` as a process (bin/scs-chaos.js) and
 * wants exit 2 with a `fix:` line, within a bound (a hang fails the test), with no journal written and no
 * reports directory made. The environment is a copy of the lab's with `local` executors on 127.0.0.1, so
 * nothing here needs the lab, root or the network; none of these cases gets as far as asking a node anything.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScsChaos } from '../support/scs-chaos-cli';

interface Ran {
  code: number | null;
  out: string;
}

/** scsChaos: runs the command line; SIGKILL after `limitMs` (a hang is a failure, code null); both outputs as one. */
async function scsChaos(args: string[], limitMs = 60_000): Promise<Ran> {
  const ran = await runScsChaos(args, limitMs);
  return { code: ran.code, out: ran.stdout + ran.stderr };
}

function assertRefused(ran: Ran, mention: RegExp): void {
  assert.equal(ran.code, 2, `want exit 2, got ${String(ran.code)}:\n${ran.out}`);
  assert.match(ran.out, /\n? *fix: \S/, `no fix: line in:\n${ran.out}`);
  assert.match(ran.out, mention, ran.out);
  assert.doesNotMatch(ran.out, /internal error|TimeoutOverflowWarning|PASSED/, ran.out);
}

describe('bad input never runs, never hangs, never passes by accident (issue 17)', () => {
  let dir = '';
  let env = '';
  let noCeph = '';
  let reports = '';
  const feature = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scs-bad-input-'));
    reports = join(dir, 'reports');
    const base = [
      'name: local-test',
      'nodes:',
      '  - { name: node-1, address: 127.0.0.1, roles: [web], executor: { kind: local } }',
      'services:',
      '  web: { roles: [web], port: 8080, endpoint: "http://127.0.0.1:9/" }',
      'scope: { nodes: [node-1], maxNodesAtOnce: 1 }',
    ];
    noCeph = join(dir, 'no-ceph.yaml');
    writeFileSync(noCeph, `${base.join('\n')}\n`);
    env = noCeph;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses "isolated from the network for 99999999h" at plan time, in run and plan, without arming a timer', async () => {
    const path = feature('long.feature', 'Feature: f\n  Scenario: too long\n    When node-1 is isolated from the network for 99999999h\n');
    for (const command of ['plan', 'run']) {
      const ran = await scsChaos([command, '--env', env, '--reports', reports, path]);
      assertRefused(ran, /99999999h" is longer than 24h/);
    }
    assert.equal(existsSync(reports) ? readdirSync(reports).length : 0, 0, 'a refused run writes no run directory and no journal');
  });

  it('refuses a fault longer than scope.maxFaultDuration (default 30m), and a TTL beyond it plus the grace', async () => {
    const long = feature('2h.feature', 'Feature: f\n  Scenario: s\n    When node-1 is isolated from the network for 2h\n');
    assertRefused(await scsChaos(['plan', '--env', env, long]), /longer than scope\.maxFaultDuration = 30m00s/);
    const ttl = feature('ttl.feature', 'Feature: f\n  Scenario: s\n    When node-1 is isolated from the network for 5s with a TTL of 12h\n');
    assertRefused(await scsChaos(['plan', '--env', env, ttl]), /TTL 720m00s is longer than scope\.maxFaultDuration \+ defaults\.faultTtlGrace/);
  });

  it('an unknown --profile is bad input listing the profiles of cucumber.js, not an internal error', async () => {
    const ran = await scsChaos(['run', '--profile', 'nope', '--env', env, '--reports', reports]);
    assertRefused(ran, /no such profile[\s\S]*use one of: default, lab, ci, ceph/);
  });

  it('--reports /proc/x is refused at once (it used to hang)', async () => {
    const path = feature('ok.feature', 'Feature: f\n  Scenario: s\n    When node-1 is isolated from the network for 1s\n');
    const ran = await scsChaos(['run', '--env', env, '--reports', '/proc/x', path], 20_000);
    assertRefused(ran, /--reports \/proc\/x cannot be written/);
  });

  it('a missing feature path is bad input', async () => {
    assertRefused(await scsChaos(['plan', '--env', env, join(dir, 'no-such.feature')]), /does not exist/);
  });

  it('no scenario selected (a tag typo, an empty feature file) is exit 2 unless --allow-empty', async () => {
    assertRefused(await scsChaos(['plan', '--env', env, '--tags', '@nosuchtag', 'features/lab']), /no scenario selected/);
    const empty = feature('empty.feature', '');
    assertRefused(await scsChaos(['plan', '--env', env, empty]), /no scenario selected/);
    assertRefused(await scsChaos(['run', '--env', env, '--reports', reports, empty]), /no scenario selected/);
    const allowed = await scsChaos(['plan', '--env', env, '--allow-empty', empty]);
    assert.equal(allowed.code, 0, allowed.out);
  });

  it('a feature file that does not parse is reported once, with what may stand on the line', async () => {
    const bad = feature('bad.feature', 'Feature: f\n  Scenario: s\n    Given web is probed over HTTP at 20 Hz\n   this is not gherkin\n');
    const ran = await scsChaos(['plan', '--env', env, bad]);
    assertRefused(ran, /bad\.feature:4: cannot parse the feature file: "this is not gherkin" cannot stand here\n\s+fix: write .*a step \(Given\/When\/Then/);
    assert.equal(ran.out.split('this is not gherkin').length - 1, 1, `reported more than once:\n${ran.out}`);
    assert.doesNotMatch(ran.out, /#StepLine|Parse error in/);
  });

  it('every Ceph step against an environment without ceph: says so at plan time, with how to add it', async () => {
    const steps = [
      'Given the Ceph cluster is probed every 1s',
      'Given client I/O on pool "p" is probed at 2 Hz',
      'Given the pool "p" holds 4 MiB of test data',
      'Given the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state',
      'Given the Ceph monitors and managers are probed every 1s',
      'When one OSD on node-1 is killed',
      'When osd.1 is stopped for 5s',
      'When osd.1 is marked out for 5s',
      'When the noout flag is set for 5s',
      'When monitor a is stopped for 5s',
      'When the active manager is stopped for 5s',
      'Then the cluster is HEALTH_OK with all PGs active+clean within 5s',
      'Then osd.1 is seen down within 5s',
      'Then the monitors have quorum within 5s',
      'Then a standby manager is active within 5s',
      'Then client writes stay available during the fault',
      'Then stopping osd.0 and osd.1 at once is refused by the safety check',
    ];
    const text = `Feature: ceph\n${steps.map((step, i) => `  Scenario: s${i}\n    ${step}\n`).join('')}`;
    const ran = await scsChaos(['plan', '--env', noCeph, feature('ceph.feature', text)]);
    assert.equal(ran.code, 2, ran.out);
    assert.match(ran.out, new RegExp(`${steps.length} problem\\(s\\)`), ran.out);
    assert.equal(ran.out.split('environment local-test has no ceph: section').length - 1, steps.length, ran.out);
    assert.match(ran.out, /fix: add a ceph: section to .*no-ceph\.yaml/);
    assert.doesNotMatch(ran.out, /ENOENT|spawn ceph/);
  });
});
