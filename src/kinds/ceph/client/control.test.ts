/**
 * Monitors and managers: parsing `quorum_status`, `mgr dump`, `mgr stat` and the cluster log's election and
 * failover lines (all captured from the HA lab: 3 monitors, 2 managers; fixtures/README.md), the safety rule
 * for losing a monitor or the active manager, and the command lines of every backend. systemd and cephadm run
 * against RecordingExecutorDouble (a TEST DOUBLE: PID 1 here is not systemd and no cephadm cluster can run
 * here); Rook against a double of the two AppsV1Api calls (the request shapes are what is tested).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { CephClient } from './client';
import { parseClusterLogFile, firstEvent } from './cluster-log';
import { checkManagerLoss, checkMonitorLoss } from './control-safety';
import { CephadmControl, HostShellControl, labControlCommands, RookControl, systemdControlCommands } from './control-daemon';
import { fixture } from './fixtures';
import { parseMgrDump, parseMgrStat, parseQuorumStatus } from './parse';
import { DeploymentScaleApi, RookDeploymentScaler } from './rook';
import type { QuorumStatus } from './types';

const quorum = (): QuorumStatus => parseQuorumStatus(fixture('ha.quorum-status.json'));
const withQuorum = (names: string[]): QuorumStatus => ({ ...quorum(), quorumNames: names });

describe('monitor and manager outputs (captured)', () => {
  it('quorum_status: names in quorum, leader, every monitor of the monmap', () => {
    const q = quorum();
    assert.deepEqual(q.quorumNames, ['a', 'b', 'c']);
    assert.equal(q.leader, 'a');
    assert.deepEqual(q.monitors.map((m) => [m.name, m.rank]), [['a', 0], ['b', 1], ['c', 2]]);
    assert.equal(q.monmapEpoch, 1);
    assert.throws(() => parseQuorumStatus('{"election_epoch": 3}'), /quorum_status: \$\.monmap must be an object/);
  });

  it('mgr dump and mgr stat: the active manager, its availability, the standbys', () => {
    const map = parseMgrDump(fixture('ha.mgr-dump.json'));
    assert.deepEqual([map.activeName, map.available, map.standbys], ['x', true, ['y']]);
    assert.ok(map.activeGid > 0);
    assert.deepEqual(parseMgrStat(fixture('ha.mgr-stat.json')), { epoch: 5, activeName: 'x', available: true, numStandby: 1 });
  });

  it('cluster log: elections, the new quorum, the manager failover, with stamps', () => {
    const events = parseClusterLogFile(fixture('ha.cluster-file.log'));
    const failover = firstEvent(events, 'mgr-failover');
    assert.deepEqual([failover?.replaced, failover?.daemon, failover?.stamp], ['x', 'y', '2026-11-28T01:02:32.386115+0000']);
    assert.equal(firstEvent(events, 'mgr-available')?.daemon, 'y');
    assert.equal(firstEvent(events, 'mgr-activating')?.daemon, 'x');
    const quorums = events.filter((e) => e.kind === 'mon-quorum').map((e) => [e.daemon, (e.quorum ?? []).join(',')]);
    assert.deepEqual(quorums, [['a', 'a,b'], ['a', 'a,b,c']]);
    assert.deepEqual(events.filter((e) => e.kind === 'mon-election').map((e) => e.daemon), ['b', 'a', 'c', 'a', 'b']);
    assert.equal(events.find((e) => e.kind === 'health-check-failed')?.check, 'MON_DOWN');
  });
});

describe('safety of a monitor or manager loss', () => {
  it('allows losing one of three monitors in quorum, naming the numbers', () => {
    const verdict = checkMonitorLoss(quorum(), 'b');
    assert.equal(verdict.ok, true);
    assert.match(verdict.message, /3 monitors, 3 in quorum, losing mon\.b leaves 2 of 3 \(majority 2\)/);
  });

  it('refuses when the rest would not be a majority', () => {
    const verdict = checkMonitorLoss(withQuorum(['a', 'b']), 'b');
    assert.deepEqual(verdict, { ok: false, check: 'majority', message: 'refusing to stop mon.b: 3 monitors, 2 in quorum: losing mon.b leaves 1 of 3, no majority (needs 2)' });
    const single: QuorumStatus = { ...quorum(), quorumNames: ['a'], monitors: [{ name: 'a', rank: 0 }] };
    assert.deepEqual(checkMonitorLoss(single, 'a'), { ok: false, check: 'majority', message: 'refusing to stop mon.a: 1 monitor, 1 in quorum: losing mon.a leaves 0 of 1, no majority (needs 1)' });
  });

  it('refuses while a monitor is out of quorum, even if the rest would hold', () => {
    const verdict = checkMonitorLoss(withQuorum(['a', 'b']), 'c');
    assert.equal(verdict.ok, false);
    assert.equal(verdict.ok ? '' : verdict.check, 'quorum');
    assert.match(verdict.message, /3 monitors, 2 in quorum \(mon\.c out of quorum\): every monitor must be in quorum/);
    assert.match(checkMonitorLoss(quorum(), 'd').message, /mon\.d: it is not in the monmap \(monitors: a, b, c\)/);
  });

  it('allows losing the active manager only with a standby', () => {
    const map = parseMgrDump(fixture('ha.mgr-dump.json'));
    assert.match(checkManagerLoss(map).message, /mgr\.x may be stopped: 1 standby \(mgr\.y\) can take over/);
    assert.deepEqual(checkManagerLoss({ ...map, standbys: [] }), { ok: false, check: 'no-standby', message: 'refusing to stop mgr.x: it is the only manager (0 standbys), so no manager would be active' });
    const none = checkManagerLoss({ ...map, activeName: '', available: false });
    assert.equal(none.ok ? '' : none.check, 'no-active');
  });
});

describe('monitor and manager backends', () => {
  const lab = { controlSupervisorConfig: '/run/scs-chaos-lab/control/supervisord.conf', monProgram: 'ceph-mon-{id}', mgrProgram: 'ceph-mgr-{id}' };

  it('lab: supervisorctl of the control namespace', () => {
    const mon = labControlCommands(lab, { type: 'mon', id: 'b' });
    assert.deepEqual(mon.stop, ['supervisorctl', '-c', '/run/scs-chaos-lab/control/supervisord.conf', 'stop', 'ceph-mon-b']);
    assert.deepEqual(labControlCommands(lab, { type: 'mgr', id: 'y' }).start.slice(3), ['start', 'ceph-mgr-y']);
    assert.deepEqual(mon.parseState('ceph-mon-b                       STOPPED   Nov 28 01:05 AM\n'), { state: 'stopped' });
  });

  it('systemd: ceph-mon@<host> / ceph-mgr@<host> on the node named like the daemon', async () => {
    assert.deepEqual(systemdControlCommands({ type: 'mon', id: 'stor-2' }).stop, ['systemctl', 'stop', 'ceph-mon@stor-2']);
    const node = new RecordingExecutorDouble('double of stor-2').on(/^systemctl is-active ceph-mgr@stor-2$/, { stdout: 'inactive\n', code: 3 }).on(/^systemctl stop ceph-mgr@stor-2$/, { stdout: '' });
    const control = new HostShellControl('systemd', (daemon) => ({ node: daemon.id, executor: node }));
    await control.stop({ type: 'mgr', id: 'stor-2' });
    assert.deepEqual(await control.state({ type: 'mgr', id: 'stor-2' }), { state: 'stopped' });
    assert.equal(await control.describe({ type: 'mgr', id: 'stor-2' }), 'systemd unit ceph-mgr@stor-2 on stor-2');
  });

  it('cephadm: orch daemon stop mon.<id> and orch ps --daemon_type mon', async () => {
    const cli = new RecordingExecutorDouble('double of the ceph host', { kind: 'local' })
      .on(/ceph .* orch daemon stop mon\.b$/, { stdout: 'Scheduled to stop mon.b on host stor-2\n' })
      .on(/ceph .* orch ps --daemon_type mon --daemon_id b --refresh --format json$/, { stdout: '[{"daemon_type":"mon","daemon_id":"b","status":0,"status_desc":"stopped"}]' });
    const control = new CephadmControl(new CephClient(cli, { conf: '/etc/ceph/ceph.conf' }));
    await control.stop({ type: 'mon', id: 'b' });
    assert.deepEqual(await control.state({ type: 'mon', id: 'b' }), { state: 'stopped' });
    assert.match(control.startCommand({ type: 'mgr', id: 'y' }), /^ceph --conf \/etc\/ceph\/ceph.conf --connect-timeout 21 orch daemon start mgr\.y$/);
  });

  it('rook: scales rook-ceph-mon-<id> / rook-ceph-mgr-<id> to 0 and back to 1', async () => {
    const requests: unknown[] = [];
    const api = {
      patchNamespacedDeploymentScale: async (request: unknown) => {
        requests.push(request);
        return {};
      },
      readNamespacedDeploymentScale: async () => ({ spec: { replicas: 0 }, status: { replicas: 0 } }),
    } as unknown as DeploymentScaleApi;
    const control = new RookControl(new RookDeploymentScaler({ namespace: 'rook-ceph' }, api, undefined));
    await control.stop({ type: 'mon', id: 'b' });
    await control.start({ type: 'mgr', id: 'a' });
    assert.deepEqual(requests, [
      { name: 'rook-ceph-mon-b', namespace: 'rook-ceph', body: { spec: { replicas: 0 } } },
      { name: 'rook-ceph-mgr-a', namespace: 'rook-ceph', body: { spec: { replicas: 1 } } },
    ]);
    assert.deepEqual(await control.state({ type: 'mon', id: 'b' }), { state: 'stopped' });
    assert.equal(await control.describe({ type: 'mgr', id: 'a' }), 'Deployment rook-ceph/rook-ceph-mgr-a');
  });
});
