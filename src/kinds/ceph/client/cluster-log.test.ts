import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, firstCleanPgmap, firstEvent, healthyAgainAt, osdmapCommitted, parseClusterLogFile, parseClusterLogLine, parseLogLast, parseStamp } from './cluster-log';
import { fixture } from './fixtures';

// The captured cluster log (fixtures/README.md): osd.3 killed (-9) and auto-marked out, back to clean, restarted;
// osd.2 stopped (SIGTERM), marked out by hand, started, marked in; osd.1 paused (SIGSTOP) for ~8 s.
const events = parseClusterLogFile(fixture('log.cluster-file.log'));
const at = (stamp: string): number => parseStamp(stamp);

describe('parseStamp', () => {
  it('reads Ceph stamps with microseconds and a +0000 offset', () => {
    assert.equal(parseStamp('2026-11-27T21:39:44.156947+0000'), Date.UTC(2026, 10, 27, 21, 39, 44) + 156.947);
    assert.equal(parseStamp('2026-11-27T23:39:44.5+02:00'), Date.UTC(2026, 10, 27, 21, 39, 44) + 500);
    assert.ok(Number.isNaN(parseStamp('yesterday')));
  });
});

describe('cluster log file', () => {
  it('parses every captured line', () => {
    const lines = fixture('log.cluster-file.log').split('\n').filter((line) => line !== '');
    assert.equal(events.length, lines.length);
    assert.equal(parseClusterLogLine('  continuation of a wrapped message'), null);
  });

  it('osd.3 killed: failed (down) → marked out after the down-out interval → healthy → boot', () => {
    const down = firstEvent(events, 'osd-down', { osd: 3 });
    const out = firstEvent(events, 'osd-out', { osd: 3 });
    const boot = firstEvent(events, 'osd-boot', { osd: 3 });
    assert.equal(down?.stamp, '2026-11-27T21:39:30.603379+0000');
    assert.match(down?.message ?? '', /^osd\.3 failed \(root=default,host=vm\) \(connection refused reported by osd\.1\)$/);
    assert.equal(out?.stamp, '2026-11-27T21:39:44.156947+0000');
    assert.equal(out?.message, 'Marking osd.3 out (has been down for 13 seconds)');
    const healthy = healthyAgainAt(events.filter((e) => e.epochMs < at('2026-11-27T21:39:50+0000')), down?.epochMs ?? 0);
    assert.equal(healthy?.stamp, '2026-11-27T21:39:47.211999+0000');
    assert.equal(boot?.stamp, '2026-11-27T21:39:54.599089+0000');
    assert.ok(((out?.epochMs ?? 0) - (down?.epochMs ?? 0)) / 1000 > 13, 'down → out took the 10 s interval plus the tick');
  });

  it('osd.2 stopped and marked out by hand, then in: "marked itself down", operator out, audit "osd in"', () => {
    const down = firstEvent(events, 'osd-down', { osd: 2 });
    assert.equal(down?.message, 'osd.2 marked itself down and dead');
    const out = firstEvent(events, 'osd-out', { osd: 2 });
    assert.equal(out?.message, 'Client client.admin marked osd.2 out, after it was down for 5 seconds');
    assert.equal(out?.who, 'mon.a');
    const into = firstEvent(events, 'osd-in', { osd: 2 });
    assert.equal(into?.stamp, '2026-11-27T21:40:27.836969+0000');
    assert.equal(into?.channel, 'audit');
    assert.equal(firstEvent(events, 'osd-boot', { osd: 2 })?.stamp, '2026-11-27T21:40:24.792629+0000');
  });

  it('osd.1 paused: failed after the heartbeat grace; "wrongly marked me down" and "marked itself dead" are no new downs', () => {
    const downs = events.filter((e) => e.kind === 'osd-down' && e.osd === 1);
    assert.equal(downs.length, 1);
    assert.match(downs[0]?.message ?? '', /\(1 reporters from different osd after 7\.0+\d* >= grace 5\.0+\)/);
    assert.equal(events.find((e) => e.message === 'osd.1 marked itself dead as of e106')?.kind, 'other');
    assert.equal(events.find((e) => e.message === 'Monitor daemon marked osd.1 down, but it is still running')?.who, 'osd.1');
  });

  it('healthyAgainAt skips a "Cluster is now healthy" that a failing check undid', () => {
    const pause = firstEvent(events, 'osd-down', { osd: 1 });
    const firstHealthy = firstEvent(events, 'cluster-healthy', { sinceMs: pause?.epochMs ?? 0 });
    assert.equal(firstHealthy?.stamp, '2026-11-27T21:40:53.872668+0000');
    assert.equal(healthyAgainAt(events, pause?.epochMs ?? 0)?.stamp, '2026-11-27T21:40:56.893053+0000');
    assert.equal(healthyAgainAt(events.filter((e) => e.epochMs < at('2026-11-27T21:40:55+0000')), pause?.epochMs ?? 0), undefined);
  });

  it('health checks carry their code', () => {
    const failed = events.filter((e) => e.kind === 'health-check-failed').map((e) => e.check);
    assert.deepEqual([...new Set(failed)].sort(), ['OSD_DOWN', 'PG_AVAILABILITY', 'PG_DEGRADED']);
    assert.deepEqual(classify('cluster', 'Health check cleared: OSD_DOWN (was: 1 osds down)'), { kind: 'health-check-cleared', check: 'OSD_DOWN' });
  });
});

describe('ceph log last -f json', () => {
  it('parses the monitor summary with the same classification', () => {
    const last = parseLogLast(fixture('log.log-last.json'));
    assert.equal(last.length, 24);
    assert.deepEqual(
      last.filter((e) => e.kind.startsWith('osd-') || e.kind === 'cluster-healthy').map((e) => `${e.kind}${e.osd ?? ''}`),
      ['cluster-healthy', 'osd-down1', 'cluster-healthy', 'osd-boot1', 'cluster-healthy'],
    );
    const down = last.find((e) => e.kind === 'osd-down');
    assert.equal(down?.priority, 'INF');
    assert.equal(down?.who, 'mon.a');
    assert.equal(down?.epochMs, at('2026-11-27T21:40:51.079361+0000'));
    assert.throws(() => parseLogLast('{"not":"a list"}'), /must be a list/);
    assert.throws(() => parseLogLast('[{"message":"x"}]'), /entry 0 needs a stamp and a message/);
  });
});

describe('pgmap lines', () => {
  it('classifies the manager\'s pgmap lines with version and whether every PG is active+clean', () => {
    const events = parseClusterLogFile(fixture('log.cluster-file.log'));
    const peering = events.find((e) => e.kind === 'pgmap' && e.pgmapVersion === 454);
    assert.equal(peering?.allActiveClean, false);
    const clean = firstCleanPgmap(events, parseStamp('2026-11-27T21:39:31.000000+0000'));
    assert.equal(clean?.pgmapVersion, 455);
    assert.equal(clean?.stamp, '2026-11-27T21:39:50.325418+0000');
  });

  it('classifies the monitor\'s osdmap lines with their epoch', () => {
    const events = parseClusterLogFile(fixture('log.cluster-file.log'));
    assert.equal(osdmapCommitted(events, 79)?.stamp, '2026-11-27T21:39:30.651145+0000');
    assert.equal(osdmapCommitted(events, 7), undefined);
  });
});
