/**
 * service-stop: the supervisor backend is tested against a REAL supervisord that the test starts in a temporary
 * directory (own config, own socket) with one program running `sleep 999.<n>`, and stops afterwards. systemd
 * cannot run here (PID 1 is not systemd), so RecordingExecutorDouble (a test double) stands in for a systemd
 * node: those tests check the command text and how answers are read, not systemd itself.
 */
import '../..';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { expiryTimerName, expiryTimerScript } from '../../../revert/shell-channel';
import { Injection } from '../../../core/injection';
import { Journal } from '../../../core/journal';
import { parseEnvironment } from '../../../environment/load';
import type { ServiceSpec } from '../../../model/environment';
import { runCommand } from '../../../executors/command';
import { LocalExecutor } from '../../../executors/local';
import type { FaultTarget } from '../target';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { serviceManagerOf, serviceStopMarker, stopService } from './stop';
import { parseSupervisorState, serviceRevertScript } from '../../../executors/service-manager';

const nodeSpec = { name: 'node-2', address: '198.18.0.12', roles: ['web'], executor: { kind: 'local' as const } };
const web = (extra: Partial<ServiceSpec>): ServiceSpec => ({ name: 'web', roles: ['web'], port: 8080, ...extra });

const waitUntil = async (condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
};

describe('choosing the process manager', () => {
  it('prefers the supervisor, with {node} replaced, then the systemd unit', () => {
    assert.deepEqual(serviceManagerOf(web({ supervisor: { program: 'web', config: '/run/scs-chaos-lab/{node}/supervisord.conf' }, systemdUnit: 'web.service' }), 'node-2'), {
      kind: 'supervisor',
      program: 'web',
      config: '/run/scs-chaos-lab/node-2/supervisord.conf',
    });
    assert.deepEqual(serviceManagerOf(web({ systemdUnit: 'haproxy.service' }), 'node-2'), { kind: 'systemd', unit: 'haproxy.service' });
  });

  it('refuses a service with neither, naming the service and the fix', () => {
    assert.throws(
      () => stopService({ node: nodeSpec, executor: new LocalExecutor(), service: web({}) }),
      (error: unknown) => error instanceof BadInput && /service web has neither supervisor nor systemdUnit[\s\S]*fix: add systemdUnit: <unit> \(e\.g\. systemdUnit: web\.service\)/.test(error.message),
    );
    assert.throws(() => stopService({ node: nodeSpec, executor: new LocalExecutor() }), /needs a service, and none was given/);
  });

  it('reads supervisorctl status lines', () => {
    assert.equal(parseSupervisorState('web                              RUNNING   pid 15170, uptime 0:00:02\n', 'web'), 'RUNNING');
    assert.equal(parseSupervisorState('web                              STOPPED   Nov 27 07:41 PM\n', 'web'), 'STOPPED');
    assert.equal(parseSupervisorState('nope: ERROR (no such process)\n', 'nope'), null);
    assert.equal(parseSupervisorState('unix:///run/x.sock no such file\n', 'web'), null);
  });

  it('reads systemdUnit from the environment and refuses what is no unit name', () => {
    const env = (unit: string): string =>
      ['name: t', 'nodes:', '  - { name: node-1, address: 198.18.0.11, roles: [web], executor: { kind: local } }', 'services:', `  web: { roles: [web], port: 8080, systemdUnit: "${unit}" }`, 'scope:', '  nodes: [node-1]'].join('\n');
    assert.equal(parseEnvironment(env('haproxy.service'), 'env.yaml').services.web?.systemdUnit, 'haproxy.service');
    assert.equal(parseEnvironment(env('ceph-osd@3.service'), 'env.yaml').services.web?.systemdUnit, 'ceph-osd@3.service');
    for (const bad of ['-web.service', 'web service', 'web;reboot']) {
      assert.throws(() => parseEnvironment(env(bad), 'env.yaml'), (error: unknown) => error instanceof BadInput && error.location?.line === 5 && /is not a systemd unit name/.test(error.message), bad);
    }
  });
});

describe('systemd backend (RecordingExecutorDouble standing in for a systemd node)', () => {
  const target = (double: RecordingExecutorDouble): FaultTarget => ({ node: { ...nodeSpec, executor: double.spec }, executor: double, service: web({ systemdUnit: 'web.service' }) });
  const systemdNode = (): RecordingExecutorDouble =>
    new RecordingExecutorDouble().on("sh -c 'command -v systemctl'", { stdout: '/usr/bin/systemctl\n' }).on('systemctl show -p LoadState --value web.service', { stdout: 'loaded\n' });

  it('stops with systemctl, sees "inactive", and starts again in an idempotent revert script', async () => {
    const double = systemdNode()
      .once('systemctl is-active web.service', { stdout: 'active\n' })
      .on('mkdir -p /run/scs-chaos && cat > /run/scs-chaos/ab12cd34.service-stop', {})
      .on('systemctl stop web.service', {})
      .on('systemctl is-active web.service', { stdout: 'inactive\n', code: 3 });
    const fault = stopService(target(double));
    assert.equal(fault.describe(), 'stop web on node-2 (systemctl stop web.service, revert: start)');
    const prepared = await fault.prepare('ab12cd34');
    assert.deepEqual(prepared.preState, { manager: 'systemd', unit: 'web.service', stateBefore: 'active', marker: '/run/scs-chaos/ab12cd34.service-stop', detail: 'LoadState loaded' });
    await prepared.apply();
    assert.equal(double.calls.find((c) => c.text.includes('service-stop'))?.input, 'id=ab12cd34\nnode=node-2\nkind=service-stop\nmanager=systemd\nunit=web.service\n');
    assert.ok(double.texts().indexOf('systemctl stop web.service') > double.texts().findIndex((t) => t.includes('service-stop')), 'the marker is written before the stop');
    assert.equal(await prepared.verifyActive(), 'systemd unit web.service on node-2 is inactive');
    assert.ok(double.texts().includes('systemctl stop web.service'));
    assert.match(prepared.revertScript ?? '', /^start\(\) \{ systemctl start web\.service >\/dev\/null 2>&1; \}\nstart\n/);
    assert.match(prepared.revertScript ?? '', /s=\$\(systemctl is-active web\.service 2>\/dev\/null\);.*\n {2}\[ "\$s" = active \] && \{ rm -f \/run\/scs-chaos\/ab12cd34\.service-stop; exit 0; \}/);
  });

  it('refuses a unit systemd does not know, and one that is not running before the fault', async () => {
    const unknown = new RecordingExecutorDouble().on('command -v systemctl', {}).on('LoadState', { stdout: 'not-found\n' });
    await assert.rejects(stopService(target(unknown)).prepare('ab12cd34'), (error: unknown) => error instanceof BadInput && /systemd unit web\.service is not-found on node-2/.test(error.message));
    const down = systemdNode().on('systemctl is-active web.service', { stdout: 'inactive\n', code: 3 });
    await assert.rejects(stopService(target(down)).prepare('ab12cd34'), (error: unknown) => error instanceof ExperimentCompromised && /is inactive before the fault \(expected active\); nothing was touched/.test(error.message));
    assert.ok(!down.texts().some((text) => text.startsWith('systemctl stop')), 'nothing was stopped');
  });

  it('says what may have restarted a unit that stays active after stop', async () => {
    const double = systemdNode().on('systemctl is-active web.service', { stdout: 'active\n' }).on('service-stop', {}).on('systemctl stop web.service', {});
    const prepared = await stopService(target(double)).prepare('ab12cd34');
    await prepared.apply();
    await assert.rejects(prepared.verifyActive(), /is active after stop, not inactive\. Is it socket-activated \(stop web\.socket too\)/);
  });

  it('names a node without systemctl', async () => {
    const double = new RecordingExecutorDouble('double of node-2').on('command -v systemctl', { code: 1 });
    await assert.rejects(stopService(target(double)).planCheck(), /systemctl not found on node node-2 \(double of node-2\)/);
  });
});

const skipReal = !existsSync('/usr/bin/supervisord') || !existsSync('/usr/bin/supervisorctl') ? 'supervisor is missing: apt-get install -y --no-install-recommends supervisor' : false;

describe('supervisor backend against a real supervisord of our own (LocalExecutor)', { skip: skipReal }, () => {
  let dir = '';
  let config = '';
  let supervisord: ChildProcess | null = null;
  let supervisordLog = '';
  const local = new LocalExecutor();
  // A command no one else runs, so pgrep finds exactly our program.
  const sleepArg = `999.${process.pid}${Math.floor(Math.random() * 1000)}`;
  const programPattern = `^sleep ${sleepArg.replace('.', '\\.')}$`;
  const target = (program = 'web'): FaultTarget => ({ node: nodeSpec, executor: local, service: web({ supervisor: { program, config } }) });
  const ctl = (...args: string[]): Promise<{ code: number; stdout: string }> => runCommand(['supervisorctl', '-c', config, ...args], { timeoutMs: 15_000 });
  const state = async (): Promise<string | null> => parseSupervisorState((await ctl('status', 'web')).stdout, 'web');
  const programPid = async (): Promise<number | null> => {
    const found = await runCommand(['pgrep', '-f', programPattern]);
    return found.code === 0 ? Number(found.stdout.trim().split('\n')[0]) : null;
  };
  const timerIds: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-sup-test-'));
    config = join(dir, 'supervisord.conf');
    writeFileSync(
      config,
      [
        '[unix_http_server]',
        `file=${dir}/supervisor.sock`,
        '[supervisord]',
        'nodaemon=true',
        `logfile=${dir}/supervisord.log`,
        `pidfile=${dir}/supervisord.pid`,
        `childlogdir=${dir}`,
        'user=root',
        '[rpcinterface:supervisor]',
        'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
        '[supervisorctl]',
        `serverurl=unix://${dir}/supervisor.sock`,
        '[program:web]',
        `command=sleep ${sleepArg}`,
        'autostart=true',
        'autorestart=true',
        'startsecs=0',
        'stopwaitsecs=2',
        '',
      ].join('\n'),
    );
    // nodaemon: supervisord stays our child, so after() can always stop it by its pid.
    supervisord = spawn('supervisord', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    supervisord.stderr?.setEncoding('utf8').on('data', (chunk: string) => (supervisordLog += chunk));
    const up = await waitUntil(async () => (await state()) === 'RUNNING', 8000);
    assert.equal(up, true, `supervisord did not start web: ${supervisordLog}`);
  });

  after(async () => {
    for (const id of timerIds) {
      await runCommand(['pkill', '-KILL', '-f', `[s]cs-chaos-ttl-${id}`]);
      rmSync(serviceStopMarker(id), { force: true });
    }
    if (supervisord && supervisord.exitCode === null) {
      const exited = new Promise((resolve) => supervisord?.once('exit', resolve));
      supervisord.kill('SIGTERM'); // supervisord stops its programs before it exits
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (supervisord.exitCode === null) supervisord.kill('SIGKILL');
    }
    await runCommand(['pkill', '-KILL', '-f', programPattern]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the program through an Injection (STOPPED, its process gone) and the revert starts it again (RUNNING)', { timeout: 20_000 }, async (t) => {
    const pidBefore = await programPid();
    assert.ok(pidBefore, 'the program runs');
    const fault = stopService(target());
    assert.equal(await fault.planCheck(), `node-2: supervisor program web (${config}) is RUNNING`);
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const injection = new Injection(fault, 15_000, journal, 'service stop test');
    timerIds.push(injection.id);
    let t0 = Date.now();
    await injection.inject();
    const injectMs = Date.now() - t0;
    t0 = Date.now();
    assert.equal(await injection.verify(), `supervisor program web (${config}) on node-2 is STOPPED`);
    const observeMs = Date.now() - t0;
    assert.equal(await state(), 'STOPPED');
    assert.equal(await programPid(), null, 'the program\'s process is gone');
    const marker = serviceStopMarker(injection.id);
    assert.deepEqual(injection.prepared?.preState, { manager: 'supervisor', program: 'web', config, stateBefore: 'RUNNING', marker });
    assert.equal(readFileSync(marker, 'utf8'), `id=${injection.id}\nnode=node-2\nkind=service-stop\nmanager=supervisor\nprogram=web\nconfig=${config}\n`);

    t0 = Date.now();
    await injection.revert('test over');
    const revertMs = Date.now() - t0;
    journal.close();
    assert.equal(await state(), 'RUNNING');
    const pidAfter = await programPid();
    assert.ok(pidAfter && pidAfter !== pidBefore, 'a new process runs');
    assert.equal((await runCommand(['pgrep', '-f', `[s]cs-chaos-ttl-${injection.id}`])).code, 1, 'the expiry timer is stopped');
    assert.equal(existsSync(marker), false, 'the marker is removed');
    t.diagnostic(`latency: inject ${injectMs} ms, observed after ${observeMs} ms, revert ${revertMs} ms`);
  });

  it('the revert script alone, run by the expiry timer after the TTL, starts it again; reverting a running program is fine', { timeout: 20_000 }, async () => {
    const id = 'c1' + Math.random().toString(16).slice(2, 8);
    timerIds.push(id);
    const prepared = await stopService(target()).prepare(id);
    await prepared.apply();
    await prepared.verifyActive();
    await local.spawnDetached(expiryTimerScript(1000, prepared.revertScript ?? 'false'), expiryTimerName(id));
    assert.equal(await state(), 'STOPPED', 'not before the TTL');
    assert.equal(await waitUntil(async () => (await state()) === 'RUNNING', 5000), true, 'the timer started it');
    await prepared.verifyReverted();
    assert.ok(await programPid());
    // The revert script removes the marker right after the start succeeded: a moment after RUNNING shows.
    assert.equal(await waitUntil(async () => !existsSync(serviceStopMarker(id)), 3000), true, 'the timer\'s revert removed the marker');
    // "already started": exit 0 however supervisorctl itself exits for it.
    for (let i = 0; i < 2; i++) assert.equal((await local.runScript(prepared.revertScript ?? 'false', { timeoutMs: 15_000 })).code, 0);
  });

  it('the revert script fails at once for a program supervisor does not know', { timeout: 20_000 }, async () => {
    const script = serviceRevertScript({ kind: 'supervisor', program: 'ghost', config });
    const result = await local.runScript(script, { timeoutMs: 15_000 });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /supervisor program ghost does not exist: ghost: ERROR \(no such process\)/);
  });

  it('refuses a program that is not running before the fault, and one supervisor does not know, touching nothing', { timeout: 20_000 }, async () => {
    assert.equal((await ctl('stop', 'web')).code, 0);
    try {
      await assert.rejects(stopService(target()).prepare('c2000000'), (error: unknown) => error instanceof ExperimentCompromised && /is STOPPED before the fault \(expected RUNNING\); nothing was touched/.test(error.message));
      assert.equal(await state(), 'STOPPED', 'the refusal started nothing');
    } finally {
      await ctl('start', 'web');
    }
    await assert.rejects(stopService(target('nope')).planCheck(), (error: unknown) => error instanceof BadInput && /supervisor program nope .* does not exist on node-2/.test(error.message));
    assert.equal(await state(), 'RUNNING');
  });
});
