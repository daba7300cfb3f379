import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  activeCleanCount,
  CephOutputError,
  isActiveClean,
  parseCrushRules,
  parseHealthDetail,
  parseOkToStop,
  parseOsdDump,
  parsePgMapSummary,
  parseOsdTree,
  parsePgsBrief,
  parsePgStat,
  parsePoolDetails,
  parseStatus,
} from './parse';
import { fixture } from './fixtures';

const states = (entries: Array<{ state: string; count: number }>): Record<string, number> => Object.fromEntries(entries.map((e) => [e.state, e.count]));

describe('parseStatus on captured outputs', () => {
  it('healthy: HEALTH_OK, 3 OSDs up and in, 33 PGs active+clean, absent counters read as 0', () => {
    const raw = JSON.parse(fixture('healthy.status.json'));
    assert.equal(raw.pgmap.degraded_objects, undefined, 'the capture omits degraded_objects, as Ceph does when it is zero');
    const status = parseStatus(fixture('healthy.status.json'));
    assert.equal(status.health.status, 'HEALTH_OK');
    assert.deepEqual(status.health.checks, []);
    assert.deepEqual(status.osdmap, { epoch: status.osdmap.epoch, numOsds: 3, numUpOsds: 3, numInOsds: 3, numRemappedPgs: 0 });
    assert.deepEqual(states(status.pgmap.pgsByState), { 'active+clean': 33 });
    assert.equal(status.pgmap.numPgs, 33);
    assert.equal(status.pgmap.degradedObjects, 0);
    assert.equal(status.pgmap.misplacedRatio, 0);
    assert.equal(status.mgrAvailable, true);
  });

  it('one OSD down: degraded and undersized PGs, OSD_DOWN and PG_DEGRADED', () => {
    const status = parseStatus(fixture('down1.status.json'));
    assert.equal(status.health.status, 'HEALTH_WARN');
    assert.deepEqual(status.health.checks.map((c) => c.code).sort(), ['OSD_DOWN', 'PG_DEGRADED']);
    assert.equal(status.health.checks.find((c) => c.code === 'OSD_DOWN')?.summary, '1 osds down');
    assert.equal(status.osdmap.numUpOsds, 2);
    assert.equal(status.osdmap.numInOsds, 3);
    assert.deepEqual(states(status.pgmap.pgsByState), { 'active+undersized+degraded': 31, 'active+undersized': 2 });
    assert.equal(status.pgmap.degradedObjects, 101);
    assert.equal(status.pgmap.degradedTotal, 303);
    assert.equal(status.pgmap.misplacedObjects, 0);
    assert.equal(activeCleanCount(status.pgmap.pgsByState), 0);
  });

  it('OSD out of four: remapped and backfilling PGs with misplaced objects, still HEALTH_OK', () => {
    const status = parseStatus(fixture('out-remapped.status.json'));
    assert.equal(status.health.status, 'HEALTH_OK', 'misplaced data is no health warning: only the PG states show it');
    assert.equal(status.osdmap.numOsds, 4);
    assert.equal(status.osdmap.numInOsds, 3);
    assert.equal(status.osdmap.numRemappedPgs, 25);
    assert.deepEqual(states(status.pgmap.pgsByState), { 'active+remapped+backfill_wait': 23, 'active+clean': 8, 'active+remapped+backfilling': 2 });
    assert.equal(status.pgmap.misplacedObjects, 610);
    assert.ok(status.pgmap.misplacedRatio > 0.25 && status.pgmap.misplacedRatio < 0.26);
    assert.equal(status.pgmap.degradedObjects, 0);
    assert.equal(activeCleanCount(status.pgmap.pgsByState), 8);
  });

  it('peering right after an OSD restart: HEALTH_OK while 25 PGs peer', () => {
    const status = parseStatus(fixture('peering.status.json'));
    assert.equal(status.health.status, 'HEALTH_OK');
    assert.deepEqual(states(status.pgmap.pgsByState), { peering: 25, 'active+clean': 8 });
    assert.ok(status.pgmap.recoveringBytesPerSec > 0);
  });

  it('peering with a PG_AVAILABILITY warning', () => {
    const status = parseStatus(fixture('peering-warn.status.json'));
    assert.equal(status.health.status, 'HEALTH_WARN');
    assert.deepEqual(status.health.checks.map((c) => c.code), ['PG_AVAILABILITY']);
    assert.equal(states(status.pgmap.pgsByState).peering, 25);
  });

  it('noout: OSDMAP_FLAGS warning', () => {
    const status = parseStatus(fixture('noout.status.json'));
    assert.equal(status.health.status, 'HEALTH_WARN');
    assert.equal(status.health.checks[0]?.code, 'OSDMAP_FLAGS');
    assert.equal(status.health.checks[0]?.summary, 'noout flag(s) set');
  });

  it('names the command and the path of a missing field', () => {
    const broken = JSON.parse(fixture('healthy.status.json'));
    delete broken.health.status;
    assert.throws(() => parseStatus(JSON.stringify(broken)), (error: unknown) => error instanceof CephOutputError && /ceph status: .health.status must be a string/.test(error.message));
    assert.throws(() => parseStatus('{"health":'), /ceph status: the output is not JSON/);
    broken.health.status = 'HEALTH_MAYBE';
    assert.throws(() => parseStatus(JSON.stringify(broken)), /must be one of HEALTH_OK, HEALTH_WARN, HEALTH_ERR, got "HEALTH_MAYBE"/);
  });

  it('reads the pre-Octopus nesting osdmap.osdmap', () => {
    const raw = JSON.parse(fixture('healthy.status.json'));
    raw.osdmap = { osdmap: raw.osdmap };
    assert.equal(parseStatus(JSON.stringify(raw)).osdmap.numUpOsds, 3);
  });
});

describe('parseHealthDetail', () => {
  it('keeps the detail lines of each check', () => {
    const health = parseHealthDetail(fixture('down1.health-detail.json'));
    const down = health.checks.find((c) => c.code === 'OSD_DOWN');
    assert.deepEqual(down?.detail, ['osd.2 (root=default,host=vm) is down']);
    const degraded = health.checks.find((c) => c.code === 'PG_DEGRADED');
    assert.equal(degraded?.count, 31);
    assert.ok(degraded?.detail.includes('pg 1.0 is active+undersized+degraded, acting [1,0]'));
    assert.deepEqual(parseHealthDetail(fixture('healthy.health-detail.json')), { status: 'HEALTH_OK', checks: [] });
    assert.equal(parseHealthDetail(fixture('noout.health-detail.json')).checks[0]?.detail.length, 0);
  });
});

describe('parseOsdTree and parseOsdDump', () => {
  it('tree: buckets with children, OSDs with up and reweight', () => {
    const tree = parseOsdTree(fixture('down1.osd-tree.json'));
    const host = tree.nodes.find((n) => n.type === 'host');
    assert.deepEqual(host?.children.sort(), [0, 1, 2]);
    assert.equal(host?.name, 'vm');
    const osd2 = tree.nodes.find((n) => n.id === 2);
    assert.equal(osd2?.up, false);
    assert.equal(tree.nodes.find((n) => n.id === 0)?.up, true);
    assert.equal(tree.nodes.find((n) => n.id === 0)?.deviceClass, 'hdd');
    const out = parseOsdTree(fixture('out-remapped.osd-tree.json'));
    assert.deepEqual(out.nodes.filter((n) => n.type === 'osd').map((n) => [n.id, n.up, n.reweight]), [[0, true, 1], [1, true, 1], [2, true, 0], [3, true, 1]]);
  });

  it('dump: flags and up/in per OSD', () => {
    const healthy = parseOsdDump(fixture('healthy.osd-dump.json'));
    assert.ok(!healthy.flags.includes('noout'));
    assert.deepEqual(healthy.osds.map((o) => [o.id, o.up, o.in]), [[0, true, true], [1, true, true], [2, true, true]]);
    assert.ok(parseOsdDump(fixture('noout.osd-dump.json')).flags.includes('noout'));
    assert.deepEqual(parseOsdDump(fixture('down1.osd-dump.json')).osds.find((o) => o.id === 2), { id: 2, up: false, in: true, weight: 1 });
    assert.deepEqual(parseOsdDump(fixture('out-remapped.osd-dump.json')).osds.find((o) => o.id === 2), { id: 2, up: true, in: false, weight: 0 });
  });

  it('dump: the epoch and when the monitor made it', () => {
    const healthy = parseOsdDump(fixture('healthy.osd-dump.json'));
    assert.equal(healthy.epoch, 12);
    assert.equal(new Date(healthy.modifiedMs).toISOString(), '2026-11-27T21:27:21.080Z');
    const raw = JSON.parse(fixture('healthy.osd-dump.json'));
    delete raw.modified;
    assert.ok(Number.isNaN(parseOsdDump(JSON.stringify(raw)).modifiedMs), 'no stamp is NaN, not a made-up time');
  });

  it('pg dump summary: the PG map version and its stamp (the time of its "pgmap vN" log line)', () => {
    const summary = parsePgMapSummary(fixture('healthy.pg-dump-summary.json'));
    const raw = JSON.parse(fixture('healthy.pg-dump-summary.json'));
    assert.equal(summary.version, raw.pg_map.version);
    assert.ok(Math.abs(summary.stampMs - Date.parse(raw.pg_map.stamp.replace('+0000', 'Z'))) < 1, `${summary.stampMs} is ${raw.pg_map.stamp}`);
    raw.pg_map.stamp = 'yesterday';
    assert.throws(() => parsePgMapSummary(JSON.stringify(raw)), /pg dump summary.*\.pg_map\.stamp.*not a Ceph time stamp/);
  });

  it('dump: falls back to the comma-separated flags string', () => {
    const raw = JSON.parse(fixture('noout.osd-dump.json'));
    delete raw.flags_set;
    assert.ok(parseOsdDump(JSON.stringify(raw)).flags.includes('noout'));
  });
});

describe('pools, CRUSH rules, ok-to-stop, PG stats', () => {
  it('pool ls detail: size, min_size, rule', () => {
    const pools = parsePoolDetails(fixture('healthy.pool-ls-detail.json'));
    assert.deepEqual(pools.map((p) => [p.name, p.size, p.minSize, p.crushRule, p.type, p.pgNum]), [
      ['lab', 3, 2, 0, 'replicated', 32],
      ['device_health_metrics', 3, 2, 0, 'replicated', 1],
    ]);
  });

  it('crush rule dump: the failure domain is the type of the choose step (osd in this one-host cluster)', () => {
    assert.deepEqual(parseCrushRules(fixture('healthy.crush-rule-dump.json')), [{ id: 0, name: 'replicated_rule', failureDomain: 'osd', root: 'default' }]);
    const hostRule = JSON.parse(fixture('healthy.crush-rule-dump.json'));
    hostRule[0].steps[1] = { op: 'chooseleaf_firstn', num: 0, type: 'host' };
    assert.equal(parseCrushRules(JSON.stringify(hostRule))[0]?.failureDomain, 'host');
    hostRule[0].steps = [{ op: 'take', item: -1, item_name: 'default' }, { op: 'emit' }];
    assert.throws(() => parseCrushRules(JSON.stringify(hostRule)), /rule "replicated_rule" must have a choose or chooseleaf step/);
  });

  it('ok-to-stop: agreed and refused answers', () => {
    assert.deepEqual(parseOkToStop(fixture('healthy.ok-to-stop-0.json')), { ok: true, osds: [0], numOkPgs: 33, numNotOkPgs: 0, badBecomeInactive: [] });
    const refused = parseOkToStop(fixture('healthy.ok-to-stop-0-1.json'));
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.osds, [0, 1]);
    assert.equal(refused.numNotOkPgs, 33);
    assert.equal(refused.badBecomeInactive.length, 33);
    // osd.2 is already down: stopping it changes nothing, Ceph says ok with no PG lists at all.
    assert.deepEqual(parseOkToStop(fixture('down1.ok-to-stop-2.json')), { ok: true, osds: [2], numOkPgs: 0, numNotOkPgs: 0, badBecomeInactive: [] });
    assert.equal(parseOkToStop(fixture('down1.ok-to-stop-0.json')).ok, false);
  });

  it('pg stat and pgs_brief', () => {
    const stat = parsePgStat(fixture('out-remapped.pg-stat.json'));
    assert.equal(stat.numPgs, 33);
    assert.equal(stat.misplacedObjects, 610);
    assert.equal(stat.degradedObjects, 0);
    assert.equal(parsePgStat(fixture('down1.pg-stat.json')).degradedObjects, 101);
    assert.deepEqual(states(parsePgStat(fixture('peering.pg-stat.json')).pgsByState), { peering: 25, 'active+clean': 8 });
    const brief = parsePgsBrief(fixture('down1.pgs-brief.json'));
    assert.equal(brief.length, 33);
    assert.ok(brief.every((pg) => pg.acting.length === 2 && !pg.acting.includes(2)), 'with osd.2 down every PG acts on the other two');
    const remapped = parsePgsBrief(fixture('out-remapped.pgs-brief.json'));
    assert.ok(remapped.some((pg) => pg.state.includes('remapped') && pg.up.join() !== pg.acting.join()), 'a remapped PG has up != acting');
    const bare = JSON.stringify(JSON.parse(fixture('healthy.pgs-brief.json')).pg_stats);
    assert.equal(parsePgsBrief(bare).length, 33);
  });

  it('isActiveClean: clean with scrubbing, not with any loss of redundancy', () => {
    assert.ok(isActiveClean('active+clean'));
    assert.ok(isActiveClean('active+clean+scrubbing+deep'));
    for (const state of ['active+undersized+degraded', 'active+remapped+backfill_wait', 'peering', 'active+clean+remapped', 'clean']) assert.ok(!isActiveClean(state), state);
  });
});
