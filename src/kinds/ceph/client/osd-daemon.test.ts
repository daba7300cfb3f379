/**
 * OSD daemon backends. The lab backend runs against a REAL supervisord the test starts in a temporary directory
 * (its program stands in for ceph-osd: what is tested is supervisorctl's stop/start/status, not the daemon).
 * systemd and cephadm use RecordingExecutorDouble, a TEST DOUBLE: PID 1 here is not systemd, and no cephadm
 * cluster can run on this machine.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../executors/command';
import { LocalExecutor } from '../../../executors/local';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { CephClient } from './client';
import { fixture } from './fixtures';
import { osdHostName } from './from-environment';
import { CephadmOsdControl, cephadmOsdCommands, HostShellOsdControl, labOsdCommands, parseCephadmState, systemdOsdCommands } from './osd-daemon';
import { parseOsdTree } from './parse';
import { waitUntil } from '../../../../test/support/wait-until';

describe('command lines of the shell backends', () => {
  it('lab: supervisorctl with {node} and {id} filled in', () => {
    const commands = labOsdCommands({ supervisorConfig: '/run/scs-chaos-lab/{node}/supervisord.conf', program: 'ceph-osd-{id}' }, 'node-2', 3);
    assert.deepEqual(commands.stop, ['supervisorctl', '-c', '/run/scs-chaos-lab/node-2/supervisord.conf', 'stop', 'ceph-osd-3']);
    assert.deepEqual(commands.start.slice(3), ['start', 'ceph-osd-3']);
    assert.deepEqual(commands.parseState('ceph-osd-3                       STOPPED   Nov 27 09:40 PM\n'), { state: 'stopped' });
    assert.deepEqual(commands.parseState('ceph-osd-3    BACKOFF   Exited too quickly\n'), { state: 'other', word: 'BACKOFF' });
  });

  it('systemd: the ceph-osd@<id> unit; inactive and failed are stopped', () => {
    const commands = systemdOsdCommands(7);
    assert.deepEqual([commands.stop, commands.start, commands.state], [['systemctl', 'stop', 'ceph-osd@7'], ['systemctl', 'start', 'ceph-osd@7'], ['systemctl', 'is-active', 'ceph-osd@7']]);
    assert.deepEqual(['active\n', 'inactive\n', 'failed\n', 'activating\n'].map((out) => commands.parseState(out)), [{ state: 'running' }, { state: 'stopped' }, { state: 'stopped' }, { state: 'other', word: 'activating' }]);
  });

  it('cephadm: orch daemon stop/start and orch ps --refresh', () => {
    assert.deepEqual(cephadmOsdCommands(2), {
      unit: 'cephadm daemon osd.2',
      stop: ['orch', 'daemon', 'stop', 'osd.2'],
      start: ['orch', 'daemon', 'start', 'osd.2'],
      state: ['orch', 'ps', '--daemon_type', 'osd', '--daemon_id', '2', '--refresh'],
    });
    assert.deepEqual(parseCephadmState('[{"daemon_type":"osd","daemon_id":"2","status":0,"status_desc":"stopped"}]', 2), { state: 'stopped' });
    assert.deepEqual(parseCephadmState('[{"daemon_type":"osd","daemon_id":"2","status":1,"status_desc":"running"}]', 2), { state: 'running' });
    assert.deepEqual(parseCephadmState('[]', 2), { state: 'other', word: 'osd.2 not listed by ceph orch ps' });
  });

  it('osdHostName: the host bucket above the OSD in the captured tree', () => {
    const tree = parseOsdTree(fixture('healthy.osd-tree.json'));
    assert.equal(osdHostName(tree, 1), 'vm');
    assert.equal(osdHostName(tree, 9), null);
  });
});

describe('systemd and cephadm backends (RecordingExecutorDouble)', () => {
  it('systemd runs on the OSD host and reads is-active', async () => {
    const host = new RecordingExecutorDouble('double of node-2').on('systemctl stop ceph-osd@4', {}).once('is-active', { code: 3, stdout: 'inactive\n' }).on('systemctl start ceph-osd@4', {}).on('is-active', { stdout: 'active\n' });
    const control = new HostShellOsdControl('systemd', async () => ({ node: 'node-2', executor: host }));
    assert.equal(await control.describe(4), 'systemd unit ceph-osd@4 on node-2');
    await control.stop(4);
    assert.deepEqual(await control.state(4), { state: 'stopped' });
    await control.start(4);
    assert.deepEqual(await control.state(4), { state: 'running' });
    assert.deepEqual(await control.startScript(4), { node: 'node-2', script: 'systemctl start ceph-osd@4' });
    const failing = new HostShellOsdControl('systemd', async () => ({ node: 'node-2', executor: new RecordingExecutorDouble().on('stop', { code: 5, stderr: 'Failed to stop ceph-osd@4.service: Unit ceph-osd@4.service not loaded.\n' }) }));
    await assert.rejects(failing.stop(4), /stop of systemd unit ceph-osd@4 on node-2 failed \(exit 5\): Failed to stop ceph-osd@4\.service: Unit ceph-osd@4\.service not loaded\./);
  });

  it('cephadm goes through the ceph CLI with the access options', async () => {
    const node = new RecordingExecutorDouble().on('orch daemon stop osd.1', { stdout: "Scheduled to stop osd.1 on host 'node-1'\n" }).on('orch ps', { stdout: '[{"daemon_type":"osd","daemon_id":"1","status_desc":"stopped"}]' });
    const control = new CephadmOsdControl(new CephClient(node, { conf: '/etc/ceph/ceph.conf' }), 'node-1');
    await control.stop(1);
    assert.deepEqual(node.calls[0]?.argv, ['ceph', '--conf', '/etc/ceph/ceph.conf', '--connect-timeout', '21', 'orch', 'daemon', 'stop', 'osd.1']);
    assert.deepEqual(await control.state(1), { state: 'stopped' });
    assert.deepEqual(node.calls[1]?.argv?.slice(-2), ['--format', 'json']);
    assert.deepEqual(await control.startScript(1), { node: 'node-1', script: 'ceph --conf /etc/ceph/ceph.conf --connect-timeout 21 orch daemon start osd.1' });
  });
});

const skipReal = !existsSync('/usr/bin/supervisord') || !existsSync('/usr/bin/supervisorctl') ? 'supervisor is missing: apt-get install -y --no-install-recommends supervisor' : false;

describe('lab backend against a real supervisord of our own (LocalExecutor)', { skip: skipReal }, () => {
  let dir = '';
  let supervisord: ChildProcess | null = null;
  let log = '';
  const local = new LocalExecutor();
  const settings = () => ({ supervisorConfig: join(dir, '{node}', 'supervisord.conf'), program: 'ceph-osd-{id}' });
  const control = (): HostShellOsdControl => new HostShellOsdControl('lab', async () => ({ node: 'node-1', executor: local }), settings());
  const programPid = async (): Promise<number> => Number((await runCommand(['supervisorctl', '-c', join(dir, 'node-1', 'supervisord.conf'), 'pid', 'ceph-osd-0'])).stdout.trim()) || 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-ceph-osd-sup-'));
    const nodeDir = join(dir, 'node-1');
    mkdirSync(nodeDir);
    writeFileSync(
      join(nodeDir, 'supervisord.conf'),
      [
        '[unix_http_server]', `file=${nodeDir}/supervisor.sock`,
        '[supervisord]', 'nodaemon=true', `logfile=${nodeDir}/supervisord.log`, `pidfile=${nodeDir}/supervisord.pid`, `childlogdir=${nodeDir}`, 'user=root',
        '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
        '[supervisorctl]', `serverurl=unix://${nodeDir}/supervisor.sock`,
        // Stands in for `ceph-osd -f -i 0`: a long sleep that supervisord starts and stops.
        '[program:ceph-osd-0]', `command=sleep 998.${process.pid}`, 'autostart=true', 'autorestart=true', 'startsecs=0', 'stopwaitsecs=2', '',
      ].join('\n'),
    );
    supervisord = spawn('supervisord', ['-c', join(nodeDir, 'supervisord.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    supervisord.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    assert.equal(await waitUntil(async () => (await control().state(0)).state === 'running', 8000), true, `supervisord did not start the program: ${log}`);
  });

  after(async () => {
    const pid = await programPid().catch(() => 0);
    if (supervisord && supervisord.exitCode === null) {
      const exited = new Promise((resolve) => supervisord?.once('exit', resolve));
      supervisord.kill('SIGTERM'); // supervisord stops its programs before it exits
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (supervisord.exitCode === null) supervisord.kill('SIGKILL');
    }
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL'); // only if supervisord left its program behind
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the program (STOPPED, process gone), starts it, and its start script starts it again', { timeout: 20_000 }, async () => {
    const lab = control();
    const before = await programPid();
    assert.ok(before > 0);
    assert.match(await lab.describe(0), /^supervisor program ceph-osd-0 \(.*\/node-1\/supervisord\.conf\) on node-1$/);
    await lab.stop(0);
    assert.deepEqual(await lab.state(0), { state: 'stopped' });
    assert.throws(() => process.kill(before, 0), 'the stopped program is gone');
    await lab.start(0);
    assert.deepEqual(await lab.state(0), { state: 'running' });
    await lab.stop(0);
    const script = await lab.startScript(0);
    assert.equal(script.node, 'node-1');
    assert.equal((await local.runScript(script.script)).code, 0);
    assert.deepEqual(await lab.state(0), { state: 'running' });
    assert.notEqual(await programPid(), before);
  });
});
