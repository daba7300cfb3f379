/**
 * End-to-end tests of `scs-chaos run` against the real lab: verdicts and reports of the lab features, bad
 * input refused with exit 2 and nothing injected, and faults reverted on SIGINT, SIGTERM and — through the
 * on-node expiry timer — after SIGKILL of the runner's whole process group.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import type { RunSummary } from '../../src/model/summary';
import { runCommand } from '../../src/executors/command';
import { chaosTablesOnLab, journalOf, killRunnerAfterInjection, labEnv, processStateOf, readLatestJson, runCli, startCli, tempReportsDir, waitFor } from './helpers';

const env = labEnv();
const quiet = (): void => undefined;

describe('scs-chaos run against the lab', () => {
  before(async () => {
    await labUp(env, quiet);
  });
  after(async () => {
    await labDown(env, quiet);
  });

  it('runs the lab features: the three hypotheses hold, the unattainable one is refuted as expected', async () => {
    const reports = tempReportsDir();
    const result = await runCli(['run', '--reports', reports]);
    assert.equal(result.code, 0, `exit code 0 expected\n${result.stderr}`);
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const byFeature = Object.fromEntries(summary.scenarios.map((s) => [s.feature.replace(/^.*\//, ''), s]));
    for (const name of ['isolate-node.feature', 'kill-backend.feature', 'pause-backend.feature', 'dns-failure.feature']) {
      assert.equal(byFeature[name]?.verdict, 'passed', `${name}: ${byFeature[name]?.reason}`);
    }
    const halted = byFeature['halt-on-floor.feature'];
    assert.equal(halted?.verdict, 'aborted', halted?.reason);
    assert.equal(halted?.asExpected, true);
    assert.ok(halted?.halt && halted.halt.haltSeconds !== null && halted.halt.haltSeconds < 1, `halted within 1 s: ${JSON.stringify(halted?.halt)}`);
    assert.ok(halted?.faults[0]?.revertedAt, 'the halt reverted the isolation');
    const duringIsolation = byFeature['isolate-node.feature']?.slos.find((slo) => slo.phase === 'during' && slo.probe === 'web' && slo.expression.startsWith('availability'));
    assert.ok(duringIsolation?.baseline, 'during-fault SLOs carry the steady-state baseline');
    const refuted = byFeature['unattainable-slo.feature'];
    assert.equal(refuted?.verdict, 'failed');
    assert.equal(refuted?.asExpected, true);
    assert.match(refuted?.reason ?? '', /p\(99\) < 0\.001ms/);
    assert.ok(typeof refuted?.evidence?.observed === 'number' && (refuted.evidence.observed as number) > 0.001, 'the evidence holds the observed latency');
    // Every reversible fault was observed and reverted; recovery was measured. A halt may come before the fault's
    // data-plane proof is complete (it takes about a second): that fault is reverted, and the scenario aborted.
    for (const scenario of summary.scenarios) {
      for (const fault of scenario.faults) {
        assert.ok(fault.observedAt || (scenario.halt && scenario.verdict === 'aborted'), `${scenario.id}: fault observed`);
        if (fault.reversible) assert.ok(fault.revertedAt, `${scenario.id}: fault reverted`);
      }
    }
    const isolation = byFeature['isolate-node.feature'];
    const nodeRecovery = isolation?.recovery.find((r) => r.probe === 'web@node-1');
    assert.ok(nodeRecovery && nodeRecovery.met && nodeRecovery.recoverSeconds !== null && nodeRecovery.detectSeconds !== null);
    assert.ok(result.stdout.includes('failed') && result.stdout.includes('passed'), 'console summary printed');
    assert.ok(readFileSync(join(reports, 'latest', 'junit.xml'), 'utf8').includes('<testsuites'));
    const journal = journalOf(reports);
    const intents = journal.filter((e) => e.type === 'inject-intent' && e.revert !== null).length;
    assert.equal(journal.filter((e) => e.type === 'reverted').length, intents, 'every reversible injection is reverted in the journal');
    assert.deepEqual(await chaosTablesOnLab(env), []);
  });

  it('refuses bad input with exit 2, naming file and line, and injects nothing', async () => {
    const reports = tempReportsDir();
    const feature = join(reports, 'bad.feature');
    writeFileSync(feature, [
      'Feature: bad input',
      '  Scenario: a duration that is no duration',
      '    Given web is probed over HTTP at 10 Hz',
      '    When node-1 is isolated from the network for fast',
      '',
      '  Scenario: a step nobody defined',
      '    When node-1 is set on fire',
      '',
    ].join('\n'));
    const result = await runCli(['run', '--reports', reports, feature]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /bad\.feature:4: .*"fast" is not a duration/);
    assert.match(result.stderr, /bad\.feature:7: no step matches "When node-1 is set on fire"/);
    assert.deepEqual(readdirSync(reports), ['bad.feature'], 'no run directory, no journal');

    const envFile = join(reports, 'broken.yaml');
    writeFileSync(envFile, 'name: broken\nnodes:\n  - name: node-1\n    address: 198.18.0.11\n    executor: { kind: telnet }\n');
    const broken = await runCli(['run', '--reports', reports, '--env', envFile]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.yaml:5:\d+: .*unknown executor kind "telnet"/);

    const flag = await runCli(['run', '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--bogus/);
    assert.deepEqual(await chaosTablesOnLab(env), []);
  });

  it('a seed repeats the same random node choice, and a selection beyond the blast radius is refused', async () => {
    const dir = tempReportsDir();
    const feature = join(dir, 'selection.feature');
    writeFileSync(feature, 'Feature: selection\n  Scenario: random\n    Given web is probed over HTTP at 10 Hz\n    When a random web node is isolated from the network for 2s\n');
    const choice = async (seed: string): Promise<string> => {
      const result = await runCli(['plan', '--seed', seed, feature]);
      assert.equal(result.code, 0, result.stderr);
      return /select "a random web node" → (node-\d)/.exec(result.stderr)?.[1] ?? 'none';
    };
    const first = await choice('42');
    assert.match(first, /^node-\d$/);
    assert.equal(await choice('42'), first, 'the same seed picks the same node');
    const picks = new Set(await Promise.all(['1', '2', '3', '4', '5', '6', '7', '8'].map(choice)));
    assert.ok(picks.size > 1, `different seeds pick different nodes: ${[...picks].join(', ')}`);
    writeFileSync(feature, 'Feature: selection\n  Scenario: too many\n    Given web is probed over HTTP at 10 Hz\n    When 2 of the web nodes are isolated from the network for 2s\n');
    const refused = await runCli(['run', '--reports', dir, feature]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /selection\.feature:4: .*more than scope\.maxNodesAtOnce = 1/);
  });

  it('preflight refuses to start while a fault of an earlier run is still on a node', async () => {
    const reports = tempReportsDir();
    await runCommand(['ip', 'netns', 'exec', 'scs-lab-node-2', 'nft', 'add', 'table', 'inet', 'scs_chaos_deadbeef']);
    try {
      const result = await runCli(['run', '--reports', reports]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /node-2: leftover of an earlier run: nft table: inet scs_chaos_deadbeef/);
      assert.deepEqual(readdirSync(reports), [], 'no run directory, no journal');
    } finally {
      await runCommand(['ip', 'netns', 'exec', 'scs-lab-node-2', 'nft', 'delete', 'table', 'inet', 'scs_chaos_deadbeef']);
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a fault reverts it at once and ends the run as aborted (exit 4)`, async () => {
      const reports = tempReportsDir();
      const { child, finished } = startCli(['run', '--reports', reports, 'test/lab/features/long-pause.feature', 'test/lab/features/long-isolation.feature']);
      await waitFor(() => journalOf(reports).some((e) => e.type === 'injected'), 20_000, 'the pause to be injected');
      const intent = journalOf(reports).find((e) => e.type === 'inject-intent');
      const pid = intent && intent.type === 'inject-intent' ? Number(intent.preState.pid) : NaN;
      assert.equal(processStateOf(pid), 'T', 'the web process is paused before the signal');
      child.kill(signal);
      const result = await finished;
      assert.equal(result.code, 4, result.stderr);
      assert.notEqual(processStateOf(pid), 'T', 'the paused process was resumed');
      const summary = readLatestJson<RunSummary>(reports, 'summary.json');
      assert.deepEqual(summary.scenarios.map((s) => s.verdict), ['aborted', 'aborted'], 'the interrupted and the never-started scenario');
      assert.ok(journalOf(reports).some((e) => e.type === 'reverted'));
      assert.equal(journalOf(reports).filter((e) => e.type === 'inject-intent').length, 1, 'the second scenario injected nothing');
      assert.deepEqual(await chaosTablesOnLab(env), []);
    });
  }

  it('after SIGKILL of the runner process group, the on-node timer removes the isolation within TTL + 5s', async () => {
    const reports = tempReportsDir();
    const injectedAt = await killRunnerAfterInjection(reports, ['test/lab/features/long-isolation.feature'], 'the isolation to be injected');
    assert.equal((await chaosTablesOnLab(env)).length, 1, 'the isolation outlives the runner');
    assert.ok(!journalOf(reports).some((e) => e.type === 'reverted'), 'the runner never reverted it');
    const ttlMs = 9000;
    await waitFor(async () => (await chaosTablesOnLab(env)).length === 0, ttlMs + 5000 - (Date.now() - injectedAt), 'the expiry timer to remove the isolation');
  });

  it('after SIGKILL, `scs-chaos rollback` undoes the fault from the journal at once, long before its TTL', async () => {
    const reports = tempReportsDir();
    await killRunnerAfterInjection(reports, ['test/lab/features/long-pause.feature'], 'the pause to be injected');
    const intent = journalOf(reports).find((e) => e.type === 'inject-intent');
    const pid = intent && intent.type === 'inject-intent' ? Number(intent.preState.pid) : NaN;
    assert.equal(processStateOf(pid), 'T', 'the process stays paused after the runner died');
    const rollback = await runCli(['rollback', '--journal', join(reports, 'latest', 'journal.jsonl')]);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stderr, /rollback: reverted process-pause on web on node-3/);
    assert.notEqual(processStateOf(pid), 'T', 'rollback resumed the process');
    assert.ok(journalOf(reports).some((e) => e.type === 'reverted'), 'the journal records the revert');
    const again = await runCli(['rollback', '--journal', join(reports, 'latest', 'journal.jsonl')]);
    assert.match(again.stderr, /nothing to undo/);
    assert.equal((await runCommand(['pgrep', '-f', '[s]cs-chaos-ttl-'])).code, 1, 'no expiry timer is left');
  });

  it('after SIGKILL, `scs-chaos sweep` finds and removes the fault without any journal', async () => {
    const reports = tempReportsDir();
    await killRunnerAfterInjection(reports, ['test/lab/features/long-isolation.feature'], 'the isolation to be injected');
    assert.equal((await chaosTablesOnLab(env)).length, 1, 'the isolation outlives the runner');
    const sweep = await runCli(['sweep']);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.match(sweep.stderr, /node-1: ran and removed \/run\/scs-chaos\/node-1\/[0-9a-f]+\.revert/);
    assert.deepEqual(await chaosTablesOnLab(env), [], 'sweep removed the isolation at once');
    assert.equal((await runCommand(['pgrep', '-f', '[s]cs-chaos-ttl-'])).code, 1, 'no expiry timer is left');
    const preflightAfter = await runCli(['run', '--reports', reports, 'test/lab/features/long-isolation.feature', '--name', 'no-such-scenario']);
    assert.equal(preflightAfter.code, 2, 'no scenario selected: bad input, but not because of leftovers');
    assert.doesNotMatch(preflightAfter.stderr, /leftover/);
  });
});
