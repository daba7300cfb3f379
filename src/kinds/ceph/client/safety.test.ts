import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './fixtures';
import { parseCrushRules, parseOkToStop, parseOsdTree, parsePoolDetails, parseStatus } from './parse';
import { checkOsdFaultSafety, OsdFaultSafetyInput } from './safety';
import type { OsdTree } from './types';

// Every input is a captured output of the real cluster (fixtures/README.md); the host-domain cases rearrange
// the captured tree and rule into three hosts, as a multi-host cluster would show them.
const pools = parsePoolDetails(fixture('healthy.pool-ls-detail.json'));
const rules = parseCrushRules(fixture('healthy.crush-rule-dump.json'));

function input(statusFile: string, treeFile: string, okFile: string, osds: number[]): OsdFaultSafetyInput {
  return { osds, status: parseStatus(fixture(statusFile)), tree: parseOsdTree(fixture(treeFile)), pools, rules, okToStop: parseOkToStop(fixture(okFile)) };
}

/** threeHosts: the captured 4-OSD tree with osd.0 and osd.1 on node-1, osd.2 on node-2, osd.3 on node-3. */
function threeHosts(): OsdTree {
  const tree = parseOsdTree(fixture('healthy4.osd-tree.json'));
  const osds = tree.nodes.filter((n) => n.type === 'osd');
  const root = tree.nodes.find((n) => n.type === 'root');
  assert.ok(root && osds.length === 4);
  const hosts = [
    { id: -3, name: 'node-1', type: 'host', children: [0, 1] },
    { id: -5, name: 'node-2', type: 'host', children: [2] },
    { id: -7, name: 'node-3', type: 'host', children: [3] },
  ];
  return { nodes: [{ ...root, children: hosts.map((h) => h.id) }, ...hosts, ...osds] };
}
const hostRules = parseCrushRules(fixture('healthy.crush-rule-dump.json').replace('"op":"choose_firstn","num":0,"type":"osd"', '"op":"chooseleaf_firstn","num":0,"type":"host"'));

describe('checkOsdFaultSafety', () => {
  it('allows one OSD of a healthy cluster: HEALTH_OK, all active+clean, budget 1, ok-to-stop agrees', () => {
    const verdict = checkOsdFaultSafety(input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]));
    assert.equal(verdict.ok, true, verdict.message);
    assert.match(verdict.message, /osd\.0 may be faulted: HEALTH_OK, 33\/33 PGs active\+clean, within the smallest pool budget 1/);
  });

  it('refuses two OSDs in two failure-domain buckets and names the pool, size/min_size and domain', () => {
    const verdict = checkOsdFaultSafety(input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0-1.json', [0, 1]));
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok && verdict.check === 'budget');
    assert.match(verdict.message, /pool "lab" \(size 3, min_size 2\) tolerates 1 osd bucket\(s\) down \(failure domain "osd"\), and this would hit 2: osd\.0, osd\.1\. Fault fewer OSDs/);
    assert.deepEqual(!verdict.ok && verdict.pool, { name: 'lab', size: 3, minSize: 2, failureDomain: 'osd', budget: 1, bucketsHit: ['osd.0', 'osd.1'] });
  });

  it('refuses while an OSD is down (HEALTH_WARN), naming the checks', () => {
    const verdict = checkOsdFaultSafety(input('down1.status.json', 'down1.osd-tree.json', 'down1.ok-to-stop-0.json', [0]));
    assert.ok(!verdict.ok && verdict.check === 'health');
    assert.match(verdict.message, /the cluster is HEALTH_WARN, not HEALTH_OK: .*OSD_DOWN \(1 osds down\).*PG_DEGRADED/);
  });

  it('refuses under HEALTH_OK while PGs peer or backfill (HEALTH_OK alone is not enough)', () => {
    const peering = checkOsdFaultSafety(input('peering.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]));
    assert.ok(!peering.ok && peering.check === 'pgs');
    assert.match(peering.message, /8 of 33 PGs are active\+clean \(25 peering, 8 active\+clean\)/);
    const remapped = checkOsdFaultSafety(input('out-remapped.status.json', 'out-remapped.osd-tree.json', 'healthy4.ok-to-stop-0.json', [0]));
    assert.ok(!remapped.ok && remapped.check === 'pgs');
    assert.match(remapped.message, /8 of 33 PGs are active\+clean \(23 active\+remapped\+backfill_wait/);
  });

  it('refuses on noout unless the environment allows that check', () => {
    const base = input('noout.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]);
    const refused = checkOsdFaultSafety(base);
    assert.ok(!refused.ok && refused.check === 'health' && /OSDMAP_FLAGS \(noout flag\(s\) set\)/.test(refused.message));
    assert.equal(checkOsdFaultSafety({ ...base, allowedHealthChecks: ['OSDMAP_FLAGS'] }).ok, true);
  });

  it('refuses when PG states are unknown (no active manager, or no PGs reported yet)', () => {
    const base = input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]);
    const noMgr = checkOsdFaultSafety({ ...base, status: { ...base.status, mgrAvailable: false } });
    assert.ok(!noMgr.ok && noMgr.check === 'pgs' && /PG states are unknown \(manager not active/.test(noMgr.message));
    const noPgs = checkOsdFaultSafety({ ...base, status: { ...base.status, pgmap: { ...base.status.pgmap, numPgs: 0, pgsByState: [] } } });
    assert.ok(!noPgs.ok && /0 PGs reported for 33 in the pools/.test(noPgs.message));
  });

  it('host failure domain: two OSDs of one host are one bucket; two hosts exceed the budget', () => {
    const base = { ...input('healthy4.status.json', 'healthy4.osd-tree.json', 'healthy4.ok-to-stop-0-1.json', [0, 1]), tree: threeHosts(), rules: hostRules };
    // One host: within the budget, so Ceph's own verdict decides — and in the captured cluster it said no.
    const sameHost = checkOsdFaultSafety(base);
    assert.ok(!sameHost.ok && sameHost.check === 'ok-to-stop');
    assert.match(sameHost.message, /ceph osd ok-to-stop says no: 21 PG\(s\) would become inactive \(1\.\w+, /);
    assert.equal(checkOsdFaultSafety({ ...base, okToStop: { ...base.okToStop, ok: true, numNotOkPgs: 0 } }).ok, true);
    const twoHosts = checkOsdFaultSafety({ ...base, osds: [1, 2], okToStop: { ...base.okToStop, osds: [1, 2] } });
    assert.ok(!twoHosts.ok && twoHosts.check === 'budget');
    assert.match(twoHosts.message, /tolerates 1 host bucket\(s\) down \(failure domain "host"\), and this would hit 2: host node-1, host node-2/);
  });

  it('names the pool with the smallest exceeded budget', () => {
    const base = input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]);
    const tight = pools.map((p) => (p.name === 'device_health_metrics' ? { ...p, size: 2, minSize: 2 } : p));
    const verdict = checkOsdFaultSafety({ ...base, pools: tight });
    assert.ok(!verdict.ok && verdict.pool?.name === 'device_health_metrics' && verdict.pool.budget === 0);
    assert.match(verdict.message, /pool "device_health_metrics" \(size 2, min_size 2\) tolerates 0 osd bucket/);
  });

  it('refuses an ok-to-stop answer for other OSDs, an unknown OSD and an empty list', () => {
    const mismatch = checkOsdFaultSafety(input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [1]));
    assert.ok(!mismatch.ok && mismatch.check === 'ok-to-stop' && /answer is for osd\.0, not for these/.test(mismatch.message));
    const unknown = checkOsdFaultSafety(input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [7]));
    assert.ok(!unknown.ok && unknown.check === 'osds' && /osd\.7 is not in the CRUSH map \(ceph osd tree lists osd\.0, osd\.1, osd\.2\)/.test(unknown.message));
    assert.equal(checkOsdFaultSafety(input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [])).ok, false);
  });

  it('refuses a pool whose CRUSH rule is not listed', () => {
    const base = input('healthy.status.json', 'healthy.osd-tree.json', 'healthy.ok-to-stop-0.json', [0]);
    const verdict = checkOsdFaultSafety({ ...base, rules: [] });
    assert.ok(!verdict.ok && /pool "lab" uses CRUSH rule 0, which ceph osd crush rule dump does not list/.test(verdict.message));
  });
});
