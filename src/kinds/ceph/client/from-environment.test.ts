import '../..';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../../kernel/errors';
import { parseEnvironment } from '../../../environment/load';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { CephClient } from './client';
import { fixture } from './fixtures';
import { cephAccessOf, cephClientFor, cephSpecOf, osdDaemonControlFor } from './from-environment';

// The captured cluster's only CRUSH host is "vm" (fixtures/README.md), so the environment names a node "vm".
const env = (nodeName: string, backend: string): ReturnType<typeof parseEnvironment> =>
  parseEnvironment(
    [
      'name: t',
      'nodes:',
      `  - { name: ${nodeName}, address: 198.18.0.11, roles: [storage], executor: { kind: netns, namespace: ns-${nodeName} } }`,
      'services: {}',
      `scope: { nodes: [${nodeName}] }`,
      'ceph:',
      `  executorNode: ${nodeName}`,
      '  conf: /etc/ceph/ceph.conf',
      `  backend: ${backend}`,
    ].join('\n'),
    'env.yaml',
  );

describe('ceph from the environment', () => {
  it('builds the CLI client on the executorNode with the access options', () => {
    const client = cephClientFor(env('vm', 'systemd'));
    assert.equal(client.executor.description, 'netns ns-vm');
    assert.deepEqual(cephAccessOf(cephSpecOf(env('vm', 'systemd'))), { conf: '/etc/ceph/ceph.conf' });
    assert.throws(() => cephSpecOf(parseEnvironment('name: t\nnodes: []\nservices: {}\nscope: { nodes: [] }\n', 'env.yaml')), (error: unknown) => error instanceof BadInput && /has no ceph: section/.test(error.message));
  });

  it('lab and systemd act on the node named like the OSD\'s CRUSH host', async () => {
    // RecordingExecutorDouble: a TEST DOUBLE of the node running the ceph CLI, answering with the captured tree.
    const cli = new CephClient(new RecordingExecutorDouble().on('osd tree', { stdout: fixture('healthy.osd-tree.json') }));
    const lab = await osdDaemonControlFor(env('vm', 'lab'), cli);
    assert.equal(await lab.describe(1), 'supervisor program ceph-osd-1 (/run/scs-chaos-lab/vm/supervisord.conf) on vm');
    const systemd = await osdDaemonControlFor(env('node-1', 'systemd'), cli);
    await assert.rejects(systemd.describe(1), /osd\.1 runs on CRUSH host "vm", which is not a node of environment t/);
    assert.equal((await osdDaemonControlFor(env('vm', 'cephadm'), cli)).kind, 'cephadm');
  });
});
