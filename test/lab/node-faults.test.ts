/**
 * Node fault tests against the real lab, through both executors (netns and ssh): a stopped service is STOPPED and
 * refuses connections; CPU stress burns CPU; a disk fill on a node's own data
 * volume (a tmpfs per node, see lab/data-volumes.ts) makes that node's backend refuse work and haproxy take it out;
 * memory stress takes the memory it was asked for; I/O stress writes into the directory it was given. Each fault
 * is observable while active and leaves nothing (file, process, temp directory) after revert.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { labDown, labUp } from '../../lab/lab';
import { statFields } from '../../lab/processes';
import { labLayout } from '../../lab/layout';
import { haproxyBackendStates } from '../../lab/haproxy-state';
import { httpGet } from '../../lab/http-get';
import { Injection } from '../../src/core/injection';
import { Journal } from '../../src/core/journal';
import { diskFill, fillFileName, parseDf, usagePercent } from '../../src/kinds/hosts/node/disk-fill';
import { stressNode, stressMarker, stressProcessesOf } from '../../src/kinds/hosts/node/stress';
import { serviceManagerOf, stopService } from '../../src/kinds/hosts/service/stop';
import { parseSupervisorState, statusCommand } from '../../src/executors/service-manager';
import type { PlanCheckedFault } from '../../src/kinds/hosts/node/node-fault';
import { faultTarget } from '../../src/kinds/hosts/target';
import { loadEnvironment } from '../../src/environment/load';
import { closeSshMasters } from '../../src/executors/ssh';
import { labEnv, REPO, waitFor } from './helpers';

const lab = labEnv();
const layout = labLayout(lab);
const quiet = (): void => undefined;
const ENVIRONMENTS = [
  { label: 'netns', env: lab },
  { label: 'ssh', env: loadEnvironment(join(REPO, 'experiments', 'environments', 'lab-ssh.yaml')) },
];

function dataDirOf(node: string): string {
  const found = layout.nodes.find((n) => n.name === node);
  if (!found) throw new Error(`no lab node ${node}`);
  return found.dataDir;
}

async function statusOf(url: string): Promise<number | string> {
  try {
    return (await httpGet(url, 400)).status;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * residentBytes: VmRSS of a process (/proc/PID/status), 0 once it is gone. The memory-stress test judges the fault
 * by what its own workers hold, never by the machine's MemAvailable, which every other process on the machine
 * moves (a build using 2 GB once failed it).
 */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** cpuTicks: user + system clock ticks a process has used (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** writtenBytes: bytes a process has passed to write() so far (wchar of /proc/PID/io; tmpfs writes count too). */
function writtenBytes(pid: number): number {
  try {
    const match = /^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function injectChecked(fault: PlanCheckedFault, ttlMs: number, journal: Journal): Promise<Injection> {
  await fault.planCheck();
  const injection = new Injection(fault, ttlMs, journal, 'test');
  await injection.inject();
  return injection;
}

for (const { label, env } of ENVIRONMENTS) describe(`node faults against the lab, through the ${label} executor`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-node-faults-'));
  const journal = new Journal(join(dir, 'journal.jsonl'));

  before(async () => {
    await labUp(lab, quiet);
  });
  after(async () => {
    journal.close();
    await closeSshMasters();
    await labDown(lab, quiet);
  });

  it('a disk fill takes the data volume to the target, the backend refuses work, and revert frees it', async () => {
    const dataDir = dataDirOf('node-2');
    const target = faultTarget(env, 'node-2');
    const exec = target.executor;
    const usageNow = async (): Promise<number> => usagePercent(parseDf((await exec.run(['df', '-P', '-B1', dataDir], { timeoutMs: 5000 })).stdout));
    assert.ok((await usageNow()) < 5, 'the data volume starts (nearly) empty');
    assert.equal(await statusOf('http://198.18.0.12:8080/'), 200);

    const injection = await injectChecked(diskFill(target, { path: dataDir, targetPercent: 97 }), 30_000, journal);
    try {
      assert.match(await injection.verify(), /97/);
      const usage = await usageNow();
      assert.ok(usage >= 96.9 && usage <= 97.1, `usage ${usage.toFixed(2)}% is the requested 97%`);
      assert.ok(existsSync(join(dataDir, fillFileName(injection.id))), 'the fill file carries the injection id');
      await waitFor(async () => (await statusOf('http://198.18.0.12:8080/')) === 507, 2000, 'the backend to refuse work (507) on a full volume');
      await waitFor(async () => (await haproxyBackendStates(lab))['node-2']?.startsWith('DOWN') ?? false, 3000, 'haproxy to mark node-2 DOWN');
      assert.equal((await haproxyBackendStates(lab))['node-1'], 'UP', 'other nodes keep serving');
    } finally {
      await injection.revert('test over');
    }
    assert.deepEqual(readdirSync(dataDir), [], 'no fill file remains');
    assert.ok((await usageNow()) < 5, 'the space is free again');
    // The backend looks at its volume at most every 100 ms (STORAGE_CHECK_INTERVAL_MS in web-backend.js).
    await waitFor(async () => (await statusOf('http://198.18.0.12:8080/')) === 200, 2000, 'the backend to take work again');
    await waitFor(async () => (await haproxyBackendStates(lab))['node-2'] === 'UP', 3000, 'haproxy to mark node-2 UP again');
  });

  it('stopping a service stops it through its supervisor, and revert starts it again', async () => {
    const target = faultTarget(env, 'node-3', 'web');
    const manager = serviceManagerOf(target.service, 'node-3');
    const state = async (): Promise<string | null> => parseSupervisorState((await target.executor.run(statusCommand(manager), { timeoutMs: 10_000 })).stdout, 'web');
    assert.equal(await state(), 'RUNNING');
    const injection = await injectChecked(stopService(target), 30_000, journal);
    try {
      await injection.verify();
      assert.equal(await state(), 'STOPPED');
      assert.match(String(await statusOf('http://198.18.0.13:8080/')), /ECONNREFUSED|refused/i, 'nothing listens on the stopped backend');
    } finally {
      await injection.revert('test over');
    }
    assert.equal(await state(), 'RUNNING');
    await waitFor(async () => (await statusOf('http://198.18.0.13:8080/')) === 200, 5000, 'the backend to answer again');
  });

  it('CPU stress keeps its workers busy, and revert stops them', async () => {
    const target = faultTarget(env, 'node-2');
    const injection = await injectChecked(stressNode(target, { ttlMs: 30_000, cpu: { workers: 1, loadPercent: 50 } }), 30_000, journal);
    try {
      assert.match(await injection.verify(), /stress-ng-cpu/);
      const workers = (await stressProcessesOf(target.executor, injection.id)).filter((p) => p.comm === 'stress-ng-cpu');
      assert.equal(workers.length, 1, 'one CPU worker, as asked');
      const ticks = (): number => workers.reduce((sum, w) => sum + cpuTicks(w.pid), 0);
      const start = ticks();
      // 50 % of one core is 50 ticks a second (USER_HZ 100); 20 ticks within 2 s proves the worker burns CPU.
      await waitFor(() => ticks() - start >= 20, 2000, 'the CPU worker to use 20 clock ticks');
    } finally {
      await injection.revert('test over');
    }
    assert.deepEqual(await stressProcessesOf(target.executor, injection.id), [], 'no stress-ng process remains');
  });

  it('memory stress takes the share of memory it was asked for, and revert gives it back', async () => {
    const target = faultTarget(env, 'node-3');
    // The share is of the node's MemTotal (a fixed figure); what the fault holds is read from its own workers.
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    const asked = 0.05 * total;
    const injection = await injectChecked(stressNode(target, { ttlMs: 30_000, memory: { percent: 5 } }), 30_000, journal);
    const held = async (): Promise<number> => {
      const workers = (await stressProcessesOf(target.executor, injection.id)).filter((p) => p.comm === 'stress-ng-vm');
      return workers.reduce((sum, w) => sum + residentBytes(w.pid), 0);
    };
    try {
      assert.match(await injection.verify(), /stress-ng-vm/);
      let last = 0;
      await waitFor(async () => (last = await held()) >= 0.6 * asked, 10_000, `the vm workers to hold 60% of ${Math.round(asked / 2 ** 20)} MiB (they hold ${Math.round(last / 2 ** 20)} MiB)`);
    } finally {
      await injection.revert('test over');
    }
    // Given back: the processes that held it are gone (their resident memory goes with them).
    assert.deepEqual(await stressProcessesOf(target.executor, injection.id), [], 'no stress-ng process remains');
  });

  it('I/O stress writes into the directory it was given, and revert stops it and removes its files', async () => {
    const dataDir = dataDirOf('node-1');
    const target = faultTarget(env, 'node-1');
    const io = { hddWorkers: 1, hddBytes: 4 * 1024 * 1024, directory: dataDir };
    const injection = await injectChecked(stressNode(target, { ttlMs: 30_000, io }), 30_000, journal);
    try {
      assert.match(await injection.verify(), /stress-ng-hdd/);
      assert.ok(existsSync(join(dataDir, stressMarker(injection.id))), 'the workers write in a directory named after the injection');
      const workers = (await stressProcessesOf(target.executor, injection.id)).filter((p) => p.comm === 'stress-ng-hdd');
      assert.ok(workers.length >= 1, 'an hdd worker runs');
      const written = (): number => workers.reduce((sum, w) => sum + writtenBytes(w.pid), 0);
      const start = written();
      await waitFor(() => written() - start >= 8 * 1024 * 1024, 5000, 'the hdd worker to write 8 MiB');
    } finally {
      await injection.revert('test over');
    }
    assert.deepEqual(await stressProcessesOf(target.executor, injection.id), [], 'no stress-ng process remains');
    assert.deepEqual(readdirSync(dataDir), [], 'the workers\' temp directory is gone');
  });
});
