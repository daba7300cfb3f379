/**
 * `run --env a --env b` before anything runs: flags, bad input in any environment (exit 2, nothing touched, no run
 * directory), and how several runs' exit codes make one. The runs themselves are proven against two real labs
 * (test/lab/many-clouds.test.ts); here the environments use `local` executors and are only planned.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import { mostSerious, splitMultiRunArgs } from './multi-run';

const ROOT = join(__dirname, '..', '..');

function scsChaos(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scs-chaos.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('splitMultiRunArgs and mostSerious', () => {
  it('takes every --env and --parallel out and leaves the rest to each run', () => {
    assert.deepEqual(splitMultiRunArgs(['--env', 'a.yaml', '--tags', '@x', '--env=b.yaml', '--parallel', '2', 'f.feature']), { envPaths: ['a.yaml', 'b.yaml'], parallel: 2, rest: ['--tags', '@x', 'f.feature'] });
    assert.equal(splitMultiRunArgs(['--env', 'a', '--env', 'b']).parallel, 4);
  });
  it('refuses --parallel that is no whole number >= 1 and a flag without its value', () => {
    assert.throws(() => splitMultiRunArgs(['--env', 'a', '--env', 'b', '--parallel', '0']), (e: unknown) => e instanceof BadInput && /--parallel 0/.test(e.message));
    assert.throws(() => splitMultiRunArgs(['--env', 'a', '--env']), (e: unknown) => e instanceof BadInput && /--env needs a value/.test(e.message));
  });
  it('makes one exit code of several: bad input, then aborted, compromised, refuted', () => {
    assert.equal(mostSerious([0, 0]), 0);
    assert.equal(mostSerious([0, 1]), 1);
    assert.equal(mostSerious([1, 3, 0]), 3);
    assert.equal(mostSerious([3, 4, 1]), 4);
    assert.equal(mostSerious([4, 2]), 2);
  });
});

describe('run with several --env refuses bad input in any environment before anything runs', () => {
  let dir = '';
  const env = (file: string, name: string, node: string): string => {
    const path = join(dir, file);
    writeFileSync(path, [`name: ${name}`, 'nodes:', `  - { name: ${node}, address: 127.0.0.1, roles: [web], executor: { kind: local } }`, 'services:',
      '  web: { roles: [web], port: 9, endpoint: "http://127.0.0.1:9/", processMatch: "[n]o-such-process-here" }', 'scope:', `  nodes: [${node}]`, '  maxNodesAtOnce: 1', ''].join('\n'));
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'multi-run-'));
    writeFileSync(join(dir, 'pause.feature'), ['Feature: f', '  Scenario: pause mr-a-1', '    Given web is probed over HTTP at 10 Hz',
      '    When the web process on mr-a-1 is paused for 1s', '    Then web recovers within 3s', ''].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a plan problem in the second environment: exit 2, named by environment, and no run directory anywhere', async () => {
    const reports = join(dir, 'reports-plan');
    const ran = await scsChaos(['run', '--env', env('a.yaml', 'cloud-a', 'mr-a-1'), '--env', env('b.yaml', 'cloud-b', 'mr-b-1'), '--reports', reports, join(dir, 'pause.feature')]);
    assert.equal(ran.code, 2, ran.out);
    assert.match(ran.out, /\[cloud-b\] .*mr-a-1/);
    assert.doesNotMatch(ran.out, /\[cloud-a\] /, 'cloud-a plans cleanly');
    assert.match(ran.out, /nothing was touched/);
    assert.ok(!existsSync(reports) || readdirSync(reports).length === 0, 'no run directory was made');
  });

  it('two environments of the same name: exit 2 naming both files', async () => {
    const ran = await scsChaos(['run', '--env', env('c.yaml', 'same', 'mr-a-1'), '--env', env('d.yaml', 'same', 'mr-a-1'), join(dir, 'pause.feature')]);
    assert.equal(ran.code, 2, ran.out);
    assert.match(ran.out, /c\.yaml and .*d\.yaml are both named "same"/);
    assert.match(ran.out, /fix: /);
  });

  it('--cloud with several environments: exit 2', async () => {
    const ran = await scsChaos(['run', '--env', env('e.yaml', 'cloud-e', 'mr-a-1'), '--env', env('f.yaml', 'cloud-f', 'mr-a-1'), '--pushgateway', 'http://127.0.0.1:9', '--cloud', 'x', join(dir, 'pause.feature')]);
    assert.equal(ran.code, 2, ran.out);
    assert.match(ran.out, /--cloud names one cloud/);
  });
});
