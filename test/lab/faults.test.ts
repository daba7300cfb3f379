/**
 * Fault tests against the real lab: every fault must be observable while active (haproxy marks the node
 * DOWN, requests fail, the process is stopped) and gone after revert; revert must also happen when the
 * scenario ends with an exception.
 */
import '../../src/kinds';
import { probeService } from '../../src/probes/attach';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { labDown, labUp } from '../../lab/lab';
import { haproxyBackendStates } from '../../lab/haproxy-state';
import { httpGet } from '../../lab/http-get';
import { Injection } from '../../src/core/injection';
import { Journal, readJournal } from '../../src/core/journal';
import { Experiment } from '../../src/core/experiment';
import type { RunContext } from '../../src/core/run-context';
import { isolateNode } from '../../src/kinds/hosts/network/isolate';
import { killProcess } from '../../src/kinds/hosts/process/kill';
import { pauseProcess } from '../../src/kinds/hosts/process/pause';
import { findServicePid } from '../../src/kinds/hosts/process/find-process';
import { faultTarget } from '../../src/kinds/hosts/target';
import { chaosTablesOnLab, labEnv, nftTables, processStateOf, REPO, waitFor } from './helpers';
import { loadEnvironment } from '../../src/environment/load';
import { closeSshMasters } from '../../src/executors/ssh';

const lab = labEnv();
const quiet = (): void => undefined;
/** The same fault tests run through both executors: netns (lab.yaml) and ssh to the node's sshd (lab-ssh.yaml). */
const ENVIRONMENTS = [
  { label: 'netns', env: lab },
  { label: 'ssh', env: loadEnvironment(join(REPO, 'experiments', 'environments', 'lab-ssh.yaml')) },
];

function journalIn(dir: string): Journal {
  return new Journal(join(dir, 'journal.jsonl'));
}

async function canFetch(url: string): Promise<boolean> {
  try {
    return (await httpGet(url, 400)).status === 200;
  } catch {
    return false;
  }
}

for (const { label, env } of ENVIRONMENTS) describe(`faults against the lab, through the ${label} executor`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-faults-'));

  before(async () => {
    await labUp(lab, quiet);
  });
  after(async () => {
    await closeSshMasters();
    await labDown(lab, quiet);
  });

  it('isolating a node is observable (haproxy marks it DOWN, requests fail) and gone after revert', async () => {
    const target = faultTarget(env, 'node-1');
    const journal = journalIn(dir);
    const injection = new Injection(isolateNode(target), 30_000, journal, 'test');
    assert.equal(await canFetch('http://198.18.0.11:8080/'), true, 'node-1 serves before the fault');
    await injection.inject();
    try {
      assert.match(await injection.verify(), /nft table inet scs_chaos_/);
      assert.ok((await nftTables('scs-lab-node-1')).some((t) => t.includes(`scs_chaos_${injection.id}`)));
      await waitFor(async () => (await haproxyBackendStates(lab))['node-1']?.startsWith('DOWN') ?? false, 3000, 'haproxy to mark node-1 DOWN');
      assert.equal(await canFetch('http://198.18.0.11:8080/'), false, 'requests to the isolated node fail');
      assert.equal((await haproxyBackendStates(lab))['node-2'], 'UP', 'other nodes stay UP');
    } finally {
      await injection.revert('test over');
    }
    assert.deepEqual(await chaosTablesOnLab(lab), [], 'no scs_chaos table remains');
    await waitFor(async () => (await haproxyBackendStates(lab))['node-1'] === 'UP', 3000, 'haproxy to mark node-1 UP again');
    assert.equal(await canFetch('http://198.18.0.11:8080/'), true, 'node-1 serves again after revert');
    const types = readJournal(journal.path).filter((e) => 'injectionId' in e && e.injectionId === injection.id).map((e) => e.type);
    assert.deepEqual(types, ['inject-intent', 'injected', 'revert-intent', 'reverted']);
    journal.close();
  });

  it('pausing a process stops it (state T) and revert resumes it', async () => {
    const target = faultTarget(env, 'node-3', 'web');
    const pid = await findServicePid(target);
    const journal = journalIn(dir);
    const injection = new Injection(pauseProcess(target), 30_000, journal, 'test');
    await injection.inject();
    try {
      await injection.verify();
      assert.equal(processStateOf(pid), 'T');
      assert.equal(await canFetch('http://198.18.0.13:8080/'), false, 'a paused backend answers nothing');
    } finally {
      await injection.revert('test over');
    }
    assert.notEqual(processStateOf(pid), 'T');
    assert.equal(await canFetch('http://198.18.0.13:8080/'), true);
    journal.close();
  });

  it('killing a process is one-shot: the pid is gone and the supervisor starts a new one', async () => {
    const target = faultTarget(env, 'node-2', 'web');
    const pid = await findServicePid(target);
    const journal = journalIn(dir);
    const injection = new Injection(killProcess(target), null, journal, 'test');
    await injection.inject();
    assert.match(await injection.verify(), new RegExp(`pid ${pid} is gone`));
    await waitFor(async () => {
      try {
        return (await findServicePid(target)) !== pid;
      } catch {
        return false;
      }
    }, 5000, 'the supervisor to restart the web backend');
    const entry = readJournal(journal.path).find((e) => e.type === 'inject-intent' && e.injectionId === injection.id);
    assert.ok(entry && entry.type === 'inject-intent' && entry.revert === null, 'a one-shot fault journals no revert');
    journal.close();
  });

  it('an exception mid-fault still reverts it, and the verdict is compromised', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'scs-chaos-exc-'));
    const journal = journalIn(runDir);
    const ctx: RunContext = {
      runId: 'test', runDir, env, mode: 'execute', journal, interruption: new AbortController(),
      scenarios: [], planned: [], plannedScenarios: [], log: quiet, seed: 1,
    };
    const experiment = new Experiment(ctx, { id: 'test:1', name: 'exception', feature: 'test', line: 1, tags: [] });
    probeService(experiment.handle, 'web', 10);
    // Interrupt the fault's wait from outside, as a thrown error would end a step early.
    const fault = isolateNode(faultTarget(env, 'node-2'));
    const running = experiment.injectFor(fault, 20_000);
    await waitFor(async () => (await chaosTablesOnLab(lab)).length === 1, 5000, 'the isolation to be in place');
    const summary = await experiment.finish(new TypeError('boom in a step'));
    assert.ok(summary);
    assert.equal(summary.verdict, 'compromised');
    assert.match(summary.reason ?? '', /boom in a step/);
    assert.deepEqual(await chaosTablesOnLab(lab), [], 'finish() reverted the active fault');
    assert.ok(summary.faults[0]?.revertedAt, 'the fault record shows the revert');
    ctx.interruption.abort('test over');
    await assert.rejects(running);
    journal.close();
  });
});
