import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LocalExecutor } from '../../../executors/local';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { CephClient, CephCommandFailed } from './client';
import { fixture } from './fixtures';

describe('CephClient', () => {
  it('builds the ceph command line from the access options and asks for JSON', async () => {
    // RecordingExecutorDouble (a TEST DOUBLE for a node that runs the ceph CLI) answers with captured outputs.
    const node = new RecordingExecutorDouble().on(' status ', { stdout: fixture('down1.status.json') });
    const client = new CephClient(node, { conf: '/etc/ceph/prod.conf', keyring: '/etc/ceph/chaos.keyring', user: 'chaos', cluster: 'prod' }, { timeoutMs: 20_000 });
    const status = await client.status();
    assert.equal(status.osdmap.numUpOsds, 2);
    assert.deepEqual(node.calls[0]?.argv, ['ceph', '--conf', '/etc/ceph/prod.conf', '--cluster', 'prod', '--id', 'chaos', '--keyring', '/etc/ceph/chaos.keyring', '--connect-timeout', '14', 'status', '--format', 'json']);
    assert.deepEqual(new CephClient(node, { user: 'client.chaos' }).argv(['osd', 'tree']).slice(1, 3), ['--name', 'client.chaos']);
    assert.deepEqual(new CephClient(node).argv(['osd', 'tree']), ['ceph', '--connect-timeout', '21', 'osd', 'tree', '--format', 'json']);
  });

  it('takes a refused ok-to-stop (exit 16, EBUSY) as an answer, other failures as CephCommandFailed', async () => {
    const node = new RecordingExecutorDouble()
      .on('ok-to-stop 0 1', { code: 16, stdout: fixture('healthy.ok-to-stop-0-1.json'), stderr: 'Error EBUSY: unsafe to stop osd(s) at this time (33 PGs are or would become offline)\n' })
      .on('ok-to-stop 0', { stdout: fixture('healthy.ok-to-stop-0.json') })
      .on('osd tree', { code: 13, stderr: 'Error EACCES: access denied\n' })
      .on('pg stat', { code: 0, stdout: '' });
    const client = new CephClient(node);
    assert.equal((await client.okToStop([0])).ok, true);
    const refused = await client.okToStop([0, 1]);
    assert.equal(refused.ok, false);
    assert.equal(refused.numNotOkPgs, 33);
    await assert.rejects(client.osdTree(), (error: unknown) => error instanceof CephCommandFailed && error.exitCode === 13 && /exited 13: Error EACCES: access denied\. Check that the ceph CLI/.test(error.message));
    await assert.rejects(client.pgStat(), /empty output where JSON was expected/);
  });

  it('parses every command of the client from its captured output', async () => {
    const node = new RecordingExecutorDouble()
      .on('health detail', { stdout: fixture('down1.health-detail.json') })
      .on('osd tree', { stdout: fixture('healthy.osd-tree.json') })
      .on('osd dump', { stdout: fixture('noout.osd-dump.json') })
      .on('pool ls detail', { stdout: fixture('healthy.pool-ls-detail.json') })
      .on('crush rule dump', { stdout: fixture('healthy.crush-rule-dump.json') })
      .on('pg stat', { stdout: fixture('peering.pg-stat.json') })
      .on('pg dump pgs_brief', { stdout: fixture('out-remapped.pgs-brief.json') })
      .on('log last 50 info cluster', { stdout: fixture('log.log-last.json') });
    const client = new CephClient(node);
    assert.equal((await client.healthDetail()).checks.length, 2);
    assert.equal((await client.osdTree()).nodes.length, 5);
    assert.ok((await client.osdDump()).flags.includes('noout'));
    assert.equal((await client.poolDetails()).length, 2);
    assert.equal((await client.crushRules())[0]?.failureDomain, 'osd');
    assert.equal((await client.pgStat()).numPgs, 33);
    assert.equal((await client.pgsBrief()).length, 33);
    assert.equal((await client.clusterLog()).length, 24);
  });

  it('runs the real ceph CLI and reports an unreachable cluster with its own words', async (t) => {
    if (spawnSync('ceph', ['--version']).status !== 0) {
      t.skip('the ceph CLI is not installed (apt-get install ceph-common)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-ceph-cli-'));
    try {
      // A monitor address where nothing listens (port 1 on loopback): the CLI gives up after --connect-timeout.
      writeFileSync(join(dir, 'ceph.conf'), '[global]\nfsid = 00000000-0000-0000-0000-000000000000\nmon host = 127.0.0.1:1\n');
      writeFileSync(join(dir, 'keyring'), '');
      const client = new CephClient(new LocalExecutor(), { conf: join(dir, 'ceph.conf'), keyring: join(dir, 'keyring') }, { timeoutMs: 5000 });
      const started = Date.now();
      await assert.rejects(client.status(), (error: unknown) => {
        assert.ok(error instanceof CephCommandFailed, String(error));
        assert.notEqual(error.exitCode, 0);
        assert.notEqual(error.exitCode, -1, 'the CLI must end by its own --connect-timeout, before the executor kills it');
        assert.match(error.message, /timed out|error connecting/i);
        return true;
      });
      assert.ok(Date.now() - started < 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
