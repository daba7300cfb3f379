import '../../../src/kinds';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEnvironment } from '../../../src/environment/load';
import { cephOsdInArgv, managerOf, osdIdOf, runAction } from './actions';

const env = loadEnvironment(join(__dirname, '..', '..', '..', 'experiments', 'environments', 'lab.yaml'));

describe('remediation actions', () => {
  it("start-service acts on the node's supervisor program", () => {
    assert.deepEqual(managerOf(env, 'web', 'node-2'), { kind: 'supervisor', program: 'web', config: '/run/scs-chaos-lab/node-2/supervisord.conf' });
  });

  it("ceph-osd-in marks the alert's OSD in with the environment's Ceph access", () => {
    assert.equal(osdIdOf('osd.3'), 3);
    assert.equal(osdIdOf('7'), 7);
    assert.equal(osdIdOf('mon.a'), undefined);
    assert.deepEqual(cephOsdInArgv(env, 3), ['ceph', '-c', '/run/scs-chaos-lab/ceph/ceph.conf', '-k', '/run/scs-chaos-lab/ceph/ceph.client.admin.keyring', '--id', 'admin', 'osd', 'in', '3']);
  });

  it('a failure is an outcome, never an exception: an unknown node or an alert without an OSD', async () => {
    const unknownNode = await runAction(env, { name: 'r', alert: 'A', action: 'start-service', service: 'web', nodeLabel: 'node', osdLabel: 'ceph_daemon' }, 'node-9', {});
    assert.equal(unknownNode.result, 'failed');
    assert.match(unknownNode.output, /node-9/);
    const noOsd = await runAction(env, { name: 'r', alert: 'CephOSDDown', action: 'ceph-osd-in', nodeLabel: 'node', osdLabel: 'ceph_daemon' }, 'node-1', {});
    assert.deepEqual([noOsd.result, /no OSD in label ceph_daemon/.test(noOsd.output)], ['failed', true]);
  });
});
