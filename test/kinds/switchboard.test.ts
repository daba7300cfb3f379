/**
 * A target kind that is not a host: the test-only switchboard kind (test/kinds/switchboard/) registers in one line,
 * reads its own environment section, resolves a selector, and is injected, verified, reverted and journalled
 * through the real lifecycle; after a SIGKILL of the runner its own mechanism (the API server's expiry) removes
 * the fault at the TTL; `sweep` and `rollback` find what a killed runner left, through the kind's contract.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerKind } from '../../src/core/kinds';
import { Experiment } from '../../src/core/experiment';
import { Journal, readJournal } from '../../src/core/journal';
import type { RunContext } from '../../src/core/run-context';
import { loadEnvironment } from '../../src/environment/load';
import { preflight } from '../../src/cli/preflight';
import { sweepEnvironment } from '../../src/cli/sweep';
import { rollbackCommand } from '../../src/cli/rollback';
import { waitUntil } from '../support/wait-until';
import { SwitchboardServer } from './switchboard/server';
import { selectSwitches, switchboardKind, switchOff } from './switchboard/kind';

registerKind(switchboardKind);

const RUNNER = resolve(__dirname, 'switchboard', 'runner.ts');
const dir = mkdtempSync(join(tmpdir(), 'switchboard-'));
const server = new SwitchboardServer(['switch-a', 'switch-b', 'switch-c']);

function environmentFile(url: string): string {
  const path = join(dir, 'env.yaml');
  writeFileSync(path, ['name: switchboard-test', 'nodes: []', 'services: {}', 'scope: { nodes: [] }', `switchboard: { url: "${url}" }`, ''].join('\n'));
  return path;
}

function context(journalPath: string): RunContext {
  return {
    runId: 't', runDir: dir, env: loadEnvironment(join(dir, 'env.yaml')), mode: 'execute', seed: 7, journal: new Journal(journalPath),
    interruption: new AbortController(), scenarios: [], planned: [], plannedScenarios: [], log: () => undefined,
  };
}

/** runnerUntilInjected: starts a runner process and resolves once its fault is applied on the server. */
async function runnerUntilInjected(journal: string, selector: string, ttlMs: number, offCount = 1): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['--require', 'ts-node/register', RUNNER, join(dir, 'env.yaml'), journal, selector, String(ttlMs), '7'], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', SWITCHBOARD_RUN_DIR: dir },
    stdio: 'ignore',
  });
  const off = await waitUntil(() => [...server.switches.values()].filter((s) => !s.on && s.labels['scs-chaos/injection']).length === offCount, 20_000);
  assert.equal(off, true, 'the runner turned a switch off');
  return child;
}

describe('a target kind without a shell: the switchboard test kind', () => {
  before(async () => {
    environmentFile(await server.start());
  });
  after(() => server.stop());

  it('reads its own environment section (the loader hands it the key)', () => {
    assert.equal(loadEnvironment(join(dir, 'env.yaml')).sections.switchboard?.url, server.url);
  });

  it('resolves a selector, injects, verifies, reverts through its channel and journals the recipe', async () => {
    const journalPath = join(dir, 'inject.jsonl');
    const ctx = context(journalPath);
    const [name] = await selectSwitches(ctx.env, '1 of the switches', 7);
    assert.ok(name, 'one switch selected');
    assert.deepEqual(await selectSwitches(ctx.env, '1 of the switches', 7), [name], 'the same seed selects the same switch');
    const experiment = new Experiment(ctx, { id: 't:1', name: 't', feature: 't', line: 1, tags: [] });
    let seenOff = false;
    const watch = setInterval(() => (seenOff ||= server.switches.get(name)?.on === false), 20);
    await experiment.injectFor(switchOff(ctx.env, name), 300, 10_000);
    clearInterval(watch);
    const summary = await experiment.finish(undefined);
    assert.equal(seenOff, true, 'the fault was in effect');
    assert.equal(server.switches.get(name)?.on, true, 'reverted');
    assert.deepEqual(server.switches.get(name)?.labels, {}, 'no label left');
    assert.equal(server.expiries.size, 0, 'the expiry was disarmed');
    assert.equal(summary?.verdict, 'passed');
    const entries = readJournal(journalPath);
    const intent = entries.find((e) => e.type === 'inject-intent');
    assert.ok(intent && intent.type === 'inject-intent');
    assert.deepEqual(intent.revert, { channel: 'switchboard-api', where: name, baseUrl: server.url, calls: [{ method: 'POST', path: `/switches/${name}/on` }] });
    assert.deepEqual(entries.map((e) => e.type), ['inject-intent', 'injected', 'revert-intent', 'reverted']);
  });

  it('a SIGKILLed runner\'s fault is removed by the kind\'s own expiry at the TTL', async () => {
    const child = await runnerUntilInjected(join(dir, 'killed.jsonl'), 'switch-b', 3000);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const requestsAtKill = server.requests.length;
    assert.equal(server.switches.get('switch-b')?.on, false, 'still off right after the kill');
    assert.equal(await waitUntil(() => server.switches.get('switch-b')?.on === true, 5000), true, 'back on by the server\'s expiry');
    assert.ok(Date.now() - killedAt < 3000 + 2000, 'within TTL + 2 s of the kill');
    assert.deepEqual(server.requests.slice(requestsAtKill), [], 'no call came from the runner: the server undid it itself');
  });

  it('preflight lists and sweep removes what a killed runner left, with no journal', async () => {
    const child = await runnerUntilInjected(join(dir, 'swept.jsonl'), '2 of the switches', 120_000, 2);
    child.kill('SIGKILL');
    const env = loadEnvironment(join(dir, 'env.yaml'));
    const before = await preflight(env);
    assert.equal(before.leftovers.filter((l) => /labelled scs-chaos\/injection=/.test(l)).length, 2, before.leftovers.join('\n'));
    const outcomes = await sweepEnvironment(env);
    assert.equal(outcomes.find((o) => o.where === 'switchboard')?.lines.length, 2);
    assert.ok([...server.switches.values()].every((s) => s.on && !s.labels['scs-chaos/injection']), 'every switch on, no label');
    assert.deepEqual((await preflight(env)).leftovers, []);
    for (const timer of server.expiries.values()) clearTimeout(timer);
    server.expiries.clear();
  });

  it('rollback replays a killed runner\'s journal through the kind\'s channel', async () => {
    const journal = join(dir, 'rolled.jsonl');
    const child = await runnerUntilInjected(journal, 'switch-c', 120_000);
    child.kill('SIGKILL');
    const lines: string[] = [];
    assert.equal(await rollbackCommand(['--journal', journal], (line) => lines.push(line)), 0, lines.join('\n'));
    assert.equal(server.switches.get('switch-c')?.on, true);
    assert.equal(server.expiries.size, 0, 'rollback disarmed the expiry');
    assert.match(lines.join('\n'), /reverted switch-off on switch switch-c/);
  });
});
