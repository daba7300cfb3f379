/**
 * Fuzz: command-line argument vectors of `scs-chaos` in process (main()): commands, known and unknown flags,
 * generated values (profiles, tags, names, seeds, reports directories, baselines, Pushgateway URLs), feature
 * paths that exist or not. Properties (issue 17): never an internal error; every refusal is exit 2 with a `fix:`
 * line; nothing that changes a node runs. Safety of the fuzzer itself: `run` always ends with `--env` naming a
 * file that does not exist (so no generated run can get past loading its environment), reports directories are
 * generated under the sandbox only, and `lab`, `demo`, `sweep`, `rollback` and `report` are not generated.
 */
import { after, before, describe, it } from 'node:test';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fuzz, report, sometimes } from './harness';
import { judge, Sandbox, sandbox, scsChaos } from './plan-harness';

describe('fuzz: command-line argument vectors', () => {
  let box: Sandbox;
  let feature = '';
  before(() => {
    box = sandbox();
    feature = join(box.dir, 'one.feature');
    writeFileSync(feature, 'Feature: one\n  Scenario: one\n    Given web is probed over HTTP at 10 Hz\n    When node-1 is isolated from the network for 2s\n    Then web recovers within 5s\n');
  });
  after(() => {
    box.cleanup();
    console.log(report('cli'));
  });

  it('exit 0, or 2 with a fix line; never an internal error, never a touched node', async () => {
    const value = (pool: string[]): fc.Arbitrary<string> => sometimes(fc.constantFrom(...pool));
    const flag: fc.Arbitrary<string[]> = fc.oneof<fc.Arbitrary<readonly string[]>[]>(
      value(['default', 'lab', 'ci', 'ceph', 'nope', 'LAB', '']).map((v) => ['--profile', v]),
      value(['@lab', 'not @wip', '@nosuchtag', '(@a', 'and and', '@a or @b']).map((v) => ['--tags', v]),
      value(['isolat', '(', '.*', '[', 'web']).map((v) => ['--name', v]),
      value(['0', '7', '4294967295', '4294967296', '-1', '1.5', 'abc', '']).map((v) => ['--seed', v]),
      fc.constantFrom('reports', 'deep/er', '/proc/x', '/etc/passwd', 'one.feature').map((v) => ['--reports', v.startsWith('/') ? v : join(box.dir, v)]),
      value(['/nonexistent/run', box.dir]).map((v) => ['--baseline', v]),
      value(['http://127.0.0.1:9', 'ftp://x', 'localhost:9091', '']).map((v) => ['--pushgateway', v]),
      value(['cloud-a']).map((v) => ['--cloud', v]),
      fc.constant(['--allow-empty']),
      fc.constantFrom(['--bogus'], ['-x'], ['--env'], ['--seed'], ['--allow-empty=yes'], ['--help']),
      fc.constantFrom([feature], [join(box.dir, 'missing.feature')], ['features/lab'], [`${feature}:3`], ['']),
      fc.constant(['--env', join(box.dir, 'fuzz.yaml')]),
    ).map((tokens) => [...tokens]);
    const command = fc.constantFrom<string | undefined>(undefined, 'plan', 'run', 'gate', '--help', '-h', 'help', 'bogus', 'PLAN', '');
    const argv = fc.tuple(command, fc.array(flag, { maxLength: 5 })).map(([c, flags]) => {
      if (c === undefined) return [];
      const args = [c, ...flags.flat()];
      // plan reads the sandbox's environment unless the vector names another; run can never get past its env.
      if (c === 'plan' && !args.includes('--env')) args.push('--env', box.env);
      if (c === 'run') args.push('--env', join(box.dir, 'no-such-env.yaml'));
      return args;
    });
    await fuzz('CLI argument vectors', argv, async (args) => {
      const ran = await scsChaos(box, args);
      try {
        judge(ran, args[0] === 'gate' ? [0, 1, 2] : [0, 2]);
      } catch (error) {
        throw new Error(`argv ${JSON.stringify(args)}: ${(error as Error).message}`);
      }
      if (args[0] === 'run' && existsSync(join(box.dir, 'reports', 'latest'))) throw new Error(`argv ${JSON.stringify(args)}: a refused run made a run directory`);
    });
  });
});
