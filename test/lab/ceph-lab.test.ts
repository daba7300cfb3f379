/**
 * The lab with a real Ceph (`lab up --with ceph`, lab/ceph/): it comes up healthy within 60 s, every OSD runs in
 * its node's namespace on the node's address, isolating a node takes its OSD down for real within the heartbeat
 * grace and the cluster heals after the revert, the manager's prometheus module is scraped, and `lab down`
 * leaves nothing of Ceph behind.
 *
 * The environment file comes from SCS_CHAOS_CEPH_TEST_ENV (default experiments/environments/lab.yaml), so the test
 * can run against a second lab with its own names while the standard lab is in use.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labDown, labStatus, labUp } from '../../lab/lab';
import { labLayout } from '../../lab/layout';
import { findLabLeftovers } from '../../lab/leftovers';
import { listProcesses, namespacePids } from '../../lab/processes';
import { judgeStatus, labCephProcesses } from '../../lab/ceph/cluster';
import { MGR_PROMETHEUS_PORT } from '../../lab/ceph/config';
import { cephClientFor, osdDaemonControlFor, osdHostName } from '../../src/kinds/ceph/client/from-environment';
import { loadEnvironment } from '../../src/environment/load';
import { Injection } from '../../src/core/injection';
import { Journal } from '../../src/core/journal';
import { isolateNode } from '../../src/kinds/hosts/network/isolate';
import { faultTarget } from '../../src/kinds/hosts/target';
import { instantQuery, waitForTargetsUp } from '../../src/prometheus/client';
import { REPO, waitFor } from './helpers';

const ENV_PATH = resolve(process.env.SCS_CHAOS_CEPH_TEST_ENV ?? join(REPO, 'experiments', 'environments', 'lab.yaml'));
const env = loadEnvironment(ENV_PATH);
const layout = labLayout(env);
const ceph = cephClientFor(env, { timeoutMs: 10_000 });
const cluster = env.sections.ceph?.lab?.cluster;
/** The acceptance: the lab with Ceph is up within this on a 2-core machine. */
const UP_WITHIN_MS = 60_000;
/**
 * After the grace, a down OSD still waits for the next ping round (heartbeat interval), the reporters' OSD tick
 * (1 s), the monitor's propose interval (1 s) and our `ceph osd dump` (~0.5 s): measured here 5.5-8.4 s with a 5 s
 * grace on an idle machine; with other Ceph clusters busy on the same two cores it once took longer than 11 s.
 */
const DETECTION_SLACK_MS = 8000;

/** Raw `ceph osd dump`: the parsed type keeps no addresses. */
interface RawOsd {
  osd: number;
  up: number;
  public_addrs: { addrvec: Array<{ addr: string }> };
  cluster_addrs: { addrvec: Array<{ addr: string }> };
}

async function osdUp(id: number): Promise<boolean | undefined> {
  return (await ceph.osdDump()).osds.find((osd) => osd.id === id)?.up;
}

/** Waits for three clean `ceph status` readings in a row (one can be stale manager data); returns the elapsed ms. */
async function waitClean(timeoutMs: number, what: string): Promise<number> {
  let inARow = 0;
  return waitFor(async () => {
    inARow = judgeStatus(await ceph.status(), layout.nodes.length).clean ? inARow + 1 : 0;
    return inARow >= 3;
  }, timeoutMs, what);
}

describe(`the lab with Ceph (${ENV_PATH})`, () => {
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-ceph-lab-'));
  let upMs = 0;

  before(async () => {
    assert.ok(cluster, `${ENV_PATH} has no ceph.lab section`);
    const started = Date.now();
    await labUp(env, (line) => lines.push(line), { withCeph: true });
    upMs = Date.now() - started;
  });
  after(async () => {
    // The last test brings the lab down and checks it; this is the safety net when a test failed before that.
    await labDown(env, () => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes up within 60 s, HEALTH_OK with every PG active+clean, and says so', async () => {
    console.log(`lab up --with ceph took ${(upMs / 1000).toFixed(1)} s:\n  ${lines.filter((l) => /^ceph|^lab up in/.test(l)).join('\n  ')}`);
    assert.ok(upMs < UP_WITHIN_MS, `lab up --with ceph took ${upMs} ms, more than ${UP_WITHIN_MS} ms`);
    assert.ok(lines.some((l) => new RegExp(`^ceph: HEALTH_OK, ${layout.nodes.length}/${layout.nodes.length} OSDs up/in, \\d+ PGs active\\+clean after `).test(l)), lines.join('\n'));
    const status = await ceph.status();
    assert.equal(status.health.status, 'HEALTH_OK');
    assert.ok(status.pgmap.numPgs > 0);
    assert.deepEqual(status.pgmap.pgsByState, [{ state: 'active+clean', count: status.pgmap.numPgs }]);
    const pool = (await ceph.poolDetails()).find((p) => p.name === cluster?.pool.name);
    assert.ok(pool, `pool ${cluster?.pool.name} exists`);
    assert.equal(pool.size, cluster?.pool.size);
    assert.equal(pool.minSize, cluster?.pool.minSize);
    const labState = await labStatus(env);
    assert.equal(labState.ceph?.healthy, true, labState.problems.join('; '));
  });

  it('runs osd.N in node N\'s namespace, bound to its address, in a CRUSH host named like the node, under its supervisord', async () => {
    const dump = JSON.parse(await ceph.json(['osd', 'dump'])) as { osds: RawOsd[] };
    const tree = await ceph.osdTree();
    const daemons = await osdDaemonControlFor(env, ceph);
    const processes = labCephProcesses(layout, listProcesses());
    for (const [id, node] of layout.nodes.entries()) {
      const osd = dump.osds.find((o) => o.osd === id);
      assert.ok(osd, `osd.${id} exists`);
      for (const addr of [...osd.public_addrs.addrvec, ...osd.cluster_addrs.addrvec]) assert.equal(addr.addr.split(':')[0], node.address, `osd.${id} on ${node.name}`);
      assert.equal(osdHostName(tree, id), node.name);
      assert.deepEqual(await daemons.state(id), { state: 'running' }, 'the lab OSD backend sees it running');
      const pid = processes.find((p) => p.argv.at(-1) === String(id) && p.argv[0]?.endsWith('ceph-osd'))?.pid;
      assert.ok(pid && (await namespacePids(node.namespace)).includes(pid), `osd.${id} runs in ${node.namespace}`);
    }
  });

  it('isolating a node takes its OSD down within the heartbeat grace, and the cluster heals after the revert', async () => {
    const node = layout.nodes[0];
    assert.ok(node && cluster);
    const graceMs = cluster.timings.osdHeartbeatGraceMs;
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const injection = new Injection(isolateNode(faultTarget(env, node.name)), 60_000, journal, 'test');
    let downMs: number;
    await injection.inject();
    try {
      downMs = await waitFor(async () => (await osdUp(0)) === false, graceMs + 3 * DETECTION_SLACK_MS, `Ceph to mark osd.0 (on isolated ${node.name}) down`);
      const status = await ceph.status();
      assert.ok(status.health.checks.some((c) => c.code === 'OSD_DOWN'), 'HEALTH_WARN OSD_DOWN');
      assert.equal(status.osdmap.numUpOsds, layout.nodes.length - 1);
    } finally {
      await injection.revert('test over');
      journal.close();
    }
    const healMs = await waitClean(60_000, 'the cluster to be HEALTH_OK and active+clean again after the revert');
    console.log(`osd.0 marked down ${(downMs / 1000).toFixed(1)} s after isolating ${node.name} (grace ${graceMs / 1000} s); clean again ${(healMs / 1000).toFixed(1)} s after the revert`);
    assert.ok(downMs <= graceMs + DETECTION_SLACK_MS, `marked down after ${downMs} ms; expected at most the grace ${graceMs} ms + ${DETECTION_SLACK_MS} ms`);
    assert.equal(await osdUp(0), true);
  });

  it('has the manager\'s prometheus module scraped by the lab\'s Prometheus', async () => {
    const url = env.prometheus?.url;
    assert.ok(url && layout.control);
    const instance = `${layout.control.address}:${MGR_PROMETHEUS_PORT}`;
    await waitForTargetsUp(url, [{ job: 'ceph', instance }], 20_000);
    await waitFor(async () => {
      const result = await instantQuery(url, 'sum(ceph_osd_up{job="ceph"})', { timeoutMs: 2000 });
      return result.resultType === 'vector' && result.vector[0]?.value === layout.nodes.length;
    }, 20_000, `Prometheus to see ${layout.nodes.length} OSDs up through the ceph job`);
  });

  it('lab down stops every Ceph daemon and removes its files', async () => {
    await labDown(env, () => undefined);
    assert.deepEqual(await findLabLeftovers(env), []);
    assert.deepEqual(labCephProcesses(layout, listProcesses()), []);
    const mentioningRunDir = listProcesses().filter((p) => p.pid !== process.pid && p.argv.some((arg) => arg.includes(layout.spec.runDir)));
    assert.deepEqual(mentioningRunDir, [], 'no process names the lab run directory');
  });
});
