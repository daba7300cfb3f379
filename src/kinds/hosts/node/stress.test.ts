/**
 * node-stress: option checks and command text are pure; the fault itself runs a REAL stress-ng on this machine
 * through the LocalExecutor (skipped with the reason when stress-ng is missing or not root, since the pid files
 * live in /run/scs-chaos). RecordingExecutorDouble (a test double) stands in for nodes this machine cannot be:
 * one without stress-ng, one with too little memory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../../kernel/errors';
import { expiryTimerName, expiryTimerScript } from '../../../revert/shell-channel';
import { Injection } from '../../../core/injection';
import { Journal } from '../../../core/journal';
import { runCommand } from '../../../executors/command';
import { LocalExecutor } from '../../../executors/local';
import type { FaultTarget } from '../target';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import {
  findStress,
  parseMeminfo,
  parsePs,
  stressArgs,
  stressLogFile,
  stressMarker,
  stressNode,
  stressPidFile,
  stressProcessesOf,
  stressRevertScript,
  stressTempDir,
  StressOptions,
} from './stress';

const GiB = 1024 ** 3;
const nodeSpec = { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: { kind: 'local' as const } };
const doubleTarget = (double: RecordingExecutorDouble): FaultTarget => ({ node: { ...nodeSpec, executor: double.spec }, executor: double });
const local = new LocalExecutor();
const localTarget: FaultTarget = { node: nodeSpec, executor: local };

const waitUntil = async (condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
};

describe('stress options are checked at plan time', () => {
  const refuse = (options: StressOptions, pattern: RegExp): void => {
    assert.throws(() => stressNode(localTarget, options), (error: unknown) => error instanceof BadInput && pattern.test(error.message));
  };

  it('refuses loads, memory shares and counts that make no sense', () => {
    refuse({ ttlMs: 10_000, cpu: { workers: 1, loadPercent: 150 } }, /CPU load 150% is not a percentage[\s\S]*fix: use a load from 1% to 100%/);
    refuse({ ttlMs: 10_000, cpu: { workers: 1, loadPercent: 0 } }, /CPU load 0%/);
    refuse({ ttlMs: 10_000, memory: { percent: 95 } }, /memory 95% is out of range \(at most 90%/);
    refuse({ ttlMs: 10_000, memory: { percent: 0 } }, /memory 0% is out of range/);
    refuse({ ttlMs: 10_000, cpu: { workers: -1 } }, /cpu workers -1 is out of range/);
    refuse({ ttlMs: 10_000, cpu: { workers: 1.5 } }, /cpu workers 1.5/);
    refuse({ ttlMs: 10_000, io: { hddWorkers: 1, hddBytes: 10 } }, /hdd bytes 10 is out of range/);
    refuse({ ttlMs: 10_000, io: { hddWorkers: 1, directory: 'tmp/x' } }, /is not an absolute path/);
    refuse({ ttlMs: 10_000 }, /nothing to stress/);
    refuse({ ttlMs: 10_000, io: { syncWorkers: 0 } }, /nothing to stress/);
    refuse({ ttlMs: 500, cpu: { workers: 1 } }, /TTL 500 ms is too short/);
  });

  it('accepts the limits themselves', () => {
    assert.doesNotThrow(() => stressNode(localTarget, { ttlMs: 1000, cpu: { workers: 0, loadPercent: 100 }, memory: { percent: 90 } }));
  });
});

describe('stress-ng command text', () => {
  const memInfo = { totalBytes: 8 * GiB, availableBytes: 6 * GiB };

  it('sizes memory from MemTotal, splits it among the vm workers and bounds stress-ng by the TTL', () => {
    const options: StressOptions = { ttlMs: 12_300, cpu: { workers: 2, loadPercent: 50 }, memory: { percent: 50, workers: 2 }, io: { syncWorkers: 1, hddWorkers: 1 } };
    assert.equal(stressTempDir('ab12cd34', options), '/var/tmp/scs-chaos-stress-ab12cd34');
    assert.deepEqual(stressArgs(stressTempDir('ab12cd34', options), options, memInfo), [
      'stress-ng', '--cpu', '2', '--cpu-load', '50',
      '--vm', '2', '--vm-bytes', `${2 * GiB}b`, '--vm-keep',
      '--io', '1', '--hdd', '1', '--hdd-bytes', `${256 * 1024 * 1024}b`,
      '--temp-path', '/var/tmp/scs-chaos-stress-ab12cd34', '--timeout', '13s',
    ]);
  });

  it('reads /proc/meminfo in KiB', () => {
    assert.deepEqual(parseMeminfo('MemTotal:       24683748 kB\nMemFree:        23456789 kB\nMemAvailable:   23834112 kB\n'), { totalBytes: 24683748 * 1024, availableBytes: 23834112 * 1024 });
    assert.throws(() => parseMeminfo('MemTotal: 1 kB\n'), /no MemAvailable/);
  });

  it('finds the parent by its marker and the workers by its session, ignoring zombies and other injections', () => {
    const rows = parsePs([
      '  700   700 Ss   stress-ng       stress-ng --cpu 1 --temp-path /var/tmp/scs-chaos-stress-ab12cd34 --timeout 5s',
      '  701   700 R    stress-ng-cpu   stress-ng-cpu [run]',
      '  702   700 Z    stress-ng-vm    [stress-ng-vm] <defunct>',
      '  800   800 Ss   stress-ng       stress-ng --cpu 1 --temp-path /var/tmp/scs-chaos-stress-ffff0000 --timeout 5s',
      '  801   800 R    stress-ng-cpu   stress-ng-cpu [run]',
      '  900   900 Ss   sh              sh -c pgrep -f [s]cs-chaos-stress-ab12cd34',
    ].join('\n'));
    const found = findStress(rows, 'ab12cd34', null);
    assert.equal(found.parent?.pid, 700);
    assert.deepEqual(found.workers.map((w) => w.pid), [701]);
    assert.deepEqual(findStress(rows.filter((r) => r.pid !== 700), 'ab12cd34', 700).workers.map((w) => w.pid), [701], 'orphans are found through the pid file\'s sid');
    assert.equal(findStress(rows, '12345678', null).parent, null);
  });

  it('keeps the marker out of the revert script, so pkill -f never finds the expiry timer holding it', () => {
    const script = stressRevertScript('ab12cd34', { ttlMs: 5000, cpu: { workers: 1 } });
    assert.doesNotMatch(script, new RegExp(stressMarker('ab12cd34')));
    assert.match(script, /^m='\[s\]cs-chaos-stress-ab12cd34'$/m);
    assert.match(script, /pkill -TERM -f "\$m"/);
    assert.match(script, /rm -rf "\$\{d\}stress-ab12cd34"/);
    assert.match(script, /^! alive$/m);
  });
});

describe('stress-ng on nodes that cannot run it (RecordingExecutorDouble)', () => {
  it('names the missing binary and how to install it', async () => {
    const double = new RecordingExecutorDouble().on('command -v stress-ng', { code: 1 });
    const fault = stressNode(doubleTarget(double), { ttlMs: 10_000, cpu: { workers: 1 } });
    await assert.rejects(fault.prepare('ab12cd34'), (error: unknown) => error instanceof BadInput && /stress-ng not installed on node node-1 \(double of node-1\): apt-get install stress-ng/.test(error.message));
    await assert.rejects(fault.planCheck(), /stress-ng not installed/);
    assert.equal(double.calls.length, 2, 'nothing but the look-ups ran');
  });

  it('refuses more memory than the node has available, with the share that fits', async () => {
    const double = new RecordingExecutorDouble()
      .on('command -v stress-ng', { stdout: '/usr/bin/stress-ng\nstress-ng, version 0.15.06 (gcc 12.2.0, x86_64 Linux 6.1.0)\n' })
      .on('cat /proc/meminfo', { stdout: 'MemTotal:        8388608 kB\nMemAvailable:    2097152 kB\n' });
    const fault = stressNode(doubleTarget(double), { ttlMs: 10_000, memory: { percent: 50 } });
    await assert.rejects(fault.prepare('ab12cd34'), /50% of memory \(4 GiB\) is more than the 2 GiB available \(of 8 GiB\)[\s\S]*at most 25%/);
  });
});

const skipReal =
  process.getuid?.() !== 0 ? 'needs root: pid files live in /run/scs-chaos' : !existsSync('/usr/bin/stress-ng') ? 'stress-ng is missing: apt-get install -y --no-install-recommends stress-ng' : false;

describe('stress-ng for real on this machine (LocalExecutor)', { skip: skipReal }, () => {
  const ids: string[] = [];
  const dirs: string[] = [];
  const options = (ttlMs: number, directory: string): StressOptions => ({
    ttlMs,
    cpu: { workers: 1, loadPercent: 20 },
    memory: { percent: 1 },
    io: { syncWorkers: 1, hddWorkers: 1, hddBytes: 4 * 1024 * 1024, directory },
  });
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-stress-test-'));
    dirs.push(dir);
    return dir;
  };
  const running = async (id: string): Promise<boolean> => (await stressProcessesOf(local, id)).length > 0;

  after(async () => {
    // Whatever a failed test left: no stress-ng, timer, pid file or temp directory of ours survives.
    for (const id of ids) {
      await runCommand(['pkill', '-KILL', '-f', `[s]cs-chaos-stress-${id}`]);
      await runCommand(['pkill', '-KILL', '-f', `[s]cs-chaos-ttl-${id}`]);
      rmSync(stressPidFile(id), { force: true });
      rmSync(stressLogFile(id), { force: true });
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('injects through an Injection: stress-ng runs with the expected args, every worker kind shows, revert leaves nothing', { timeout: 20_000 }, async (t) => {
    const dir = freshDir();
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const injection = new Injection(stressNode(localTarget, options(15_000, dir)), 15_000, journal, 'stress test');
    ids.push(injection.id);
    let t0 = Date.now();
    await injection.inject();
    const injectMs = Date.now() - t0;
    t0 = Date.now();
    const evidence = await injection.verify();
    const observeMs = Date.now() - t0;
    assert.match(evidence, /^stress-ng pid \d+ on node-1 \(--cpu 1 --cpu-load 20 --vm 1 --vm-bytes \d+b --vm-keep --io 1 --hdd 1 --hdd-bytes 4194304b --temp-path \S+ --timeout 15s\): /);
    for (const worker of ['stress-ng-cpu', 'stress-ng-vm', 'stress-ng-io', 'stress-ng-hdd']) assert.match(evidence, new RegExp(`\\d+ ${worker}\\b`));

    const pid = Number(readFileSync(stressPidFile(injection.id), 'utf8'));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    assert.match(cmdline, new RegExp(`^stress-ng --cpu 1 --cpu-load 20 .*--temp-path ${dir}/scs-chaos-stress-${injection.id} --timeout 15s`));
    assert.equal(existsSync(stressTempDir(injection.id, options(15_000, dir))), true);
    assert.equal((await runCommand(['pgrep', '-f', `[s]cs-chaos-ttl-${injection.id}`])).code, 0, 'the expiry timer runs');

    t0 = Date.now();
    await injection.revert('test over');
    const revertMs = Date.now() - t0;
    journal.close();
    assert.equal(await running(injection.id), false, 'no stress-ng process is left');
    const session = await runCommand(['ps', '-o', 'stat=,pid=,comm=', '-s', String(pid)]);
    assert.deepEqual(session.stdout.split('\n').filter((line) => line.trim() && !line.trim().startsWith('Z')), [], 'no live process of its session is left (zombies wait for init)');
    assert.equal(existsSync(stressTempDir(injection.id, options(15_000, dir))), false, 'its temp directory is gone');
    assert.equal(existsSync(stressPidFile(injection.id)), false, 'its pid file is gone');
    assert.equal((await runCommand(['pgrep', '-f', `[s]cs-chaos-ttl-${injection.id}`])).code, 1, 'the expiry timer is stopped');
    t.diagnostic(`latency: inject ${injectMs} ms, observed after ${observeMs} ms, revert ${revertMs} ms`);
  });

  it('the revert script alone, run by the expiry timer after the TTL, stops it', { timeout: 20_000 }, async () => {
    const dir = freshDir();
    const id = 'e1' + Math.random().toString(16).slice(2, 8);
    ids.push(id);
    const prepared = await stressNode(localTarget, options(30_000, dir)).prepare(id);
    await prepared.apply();
    await prepared.verifyActive();
    await local.spawnDetached(expiryTimerScript(1000, prepared.revertScript ?? 'false'), expiryTimerName(id));
    const started = Date.now();
    assert.equal(await waitUntil(async () => !(await running(id)), 8000), true, 'the timer stopped stress-ng');
    assert.ok(Date.now() - started >= 500, 'not before the TTL');
    assert.equal(await waitUntil(async () => (await runCommand(['pgrep', '-f', `[s]cs-chaos-ttl-${id}`])).code === 1, 3000), true, 'the timer itself ended');
    await prepared.verifyReverted();
    assert.equal(existsSync(stressTempDir(id, options(30_000, dir))), false, 'the timer\'s revert removed the temp directory');
    assert.equal(existsSync(stressPidFile(id)), false, 'and the pid file');
  });

  it('stress-ng stops by itself at its --timeout, and the revert afterwards is a clean no-op', { timeout: 20_000 }, async () => {
    const dir = freshDir();
    const id = 'e2' + Math.random().toString(16).slice(2, 8);
    ids.push(id);
    const prepared = await stressNode(localTarget, { ttlMs: 2000, cpu: { workers: 1, loadPercent: 10 }, io: { directory: dir } }).prepare(id);
    await prepared.apply();
    assert.match((await prepared.verifyActive()) as string, /--timeout 2s\): 1 stress-ng-cpu/);
    assert.equal(await waitUntil(async () => !(await running(id)), 6000), true, 'gone after its own timeout');
    const revert = await local.runScript(prepared.revertScript ?? 'false', { timeoutMs: 15_000 });
    assert.equal(revert.code, 0, `revert of nothing succeeds: ${revert.stderr}`);
    const again = await local.runScript(prepared.revertScript ?? 'false', { timeoutMs: 15_000 });
    assert.equal(again.code, 0, 'and is idempotent');
    await prepared.verifyReverted();
  });
});
