/**
 * Ceph probes on captured outputs of a real cluster (src/kinds/ceph/client/fixtures); RecordingExecutorDouble (a TEST
 * DOUBLE that runs nothing) stands in for the host running the ceph and rados CLIs. The real cluster is used by
 * src/kinds/ceph/faults/ceph-faults.integration.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CephClient } from '../client/client';
import { fixture } from '../client/fixtures';
import { parseOsdDump, parseStatus } from '../client/parse';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import type { Sample } from '../../../model/sample';
import { eventFromSamples, progressOf } from './observe';
import { radosArgv, RadosIoProbe } from './io-probe';
import { CephSample, judgeReading, readCluster } from './status-probe';

const oneLine = (name: string): string => JSON.stringify(JSON.parse(fixture(name)));

describe('Ceph status probe', () => {
  it('reads status and osd dump from ONE ceph process (commands on stdin, one JSON per line)', async () => {
    const double = new RecordingExecutorDouble('double of the ceph host', { kind: 'local' }).on(/^ceph --conf \/c --connect-timeout 21 --format json$/, { stdout: `${oneLine('down1.status.json')}\n\n${oneLine('down1.osd-dump.json')}\n\n` });
    const reading = await readCluster(new CephClient(double, { conf: '/c' }), 5000);
    assert.equal(double.calls[0]?.input, 'status\nosd dump\n');
    const judged = judgeReading(reading, []);
    assert.equal(judged.healthOk, false);
    assert.equal(judged.pgsOk, false);
    assert.deepEqual(judged.figures.down, [2]);
    assert.deepEqual(judged.figures.out, []);
    assert.match(judged.figures.pgStates ?? '', /31 active\+undersized\+degraded/);
    assert.ok((judged.figures.degradedRatio ?? 0) > 0);
  });

  it('is clean on the healthy capture; an allow-listed check keeps ceph-health ok (noout)', () => {
    const healthy = judgeReading({ status: parseStatus(fixture('healthy.status.json')), dump: parseOsdDump(fixture('healthy.osd-dump.json')) }, []);
    assert.deepEqual([healthy.clean, healthy.healthOk, healthy.pgsOk], [true, true, true]);
    const noout = { status: parseStatus(fixture('noout.status.json')), dump: parseOsdDump(fixture('noout.osd-dump.json')) };
    assert.equal(judgeReading(noout, []).healthOk, false);
    assert.equal(judgeReading(noout, ['OSDMAP_FLAGS']).clean, true);
    assert.deepEqual(judgeReading(noout, ['OSDMAP_FLAGS']).figures.flags?.includes('noout'), true);
  });

  it('HEALTH_OK while PGs peer is not clean (ceph-pgs is bad)', () => {
    const peering = judgeReading({ status: parseStatus(fixture('peering.status.json')), dump: parseOsdDump(fixture('healthy.osd-dump.json')) }, []);
    assert.deepEqual([peering.healthOk, peering.pgsOk, peering.clean], [true, false, false]);
  });

  it('a refused or garbled answer is an error (the sampler turns it into a measurement problem)', async () => {
    const double = new RecordingExecutorDouble().on(/^ceph /, { stdout: `${oneLine('healthy.status.json')}\n` });
    await assert.rejects(readCluster(new CephClient(double), 5000), /expected 2 JSON answers/);
    const refused = new RecordingExecutorDouble().on(/^ceph /, { code: 1, stderr: '[errno 110] RADOS timed out (error connecting to the cluster)' });
    await assert.rejects(readCluster(new CephClient(refused), 5000), /exited 1: \[errno 110\] RADOS timed out/);
  });
});

describe('OSD events from samples', () => {
  const sample = (t: number, down: number[], out: number[] = []): CephSample => ({ probe: 'ceph', t, ok: down.length === 0, down, out, answeredAt: t + 400 });
  it('places the event halfway between the last reading without it and the answer of the first with it', () => {
    const samples = [sample(0, []), sample(1000, []), sample(2000, [1]), sample(3000, [1], [1])];
    assert.equal(eventFromSamples(samples, 1, 'down', 500), (1000 + 2400) / 2);
    assert.equal(eventFromSamples(samples, 1, 'out', 500), (2000 + 3400) / 2);
    assert.equal(eventFromSamples(samples, 2, 'down', 500), null);
    // A reading before the injection does not count.
    assert.equal(eventFromSamples([sample(0, [1]), sample(1000, [1])], 1, 'down', 500), (500 + 1400) / 2);
  });

  it('progress moves with the active+clean count and with the objects still degraded or misplaced', () => {
    assert.equal(progressOf({ probe: 'ceph', t: 0, ok: false, activeClean: 28, degradedObjects: 10, misplacedObjects: 5 }), '28|15');
    assert.notEqual(progressOf({ probe: 'ceph', t: 0, ok: false, activeClean: 28, degradedObjects: 4 }), '28|15');
    assert.equal(progressOf({ probe: 'ceph', t: 0, ok: false, measurementProblem: true }), 'unknown');
  });
});

describe('rados I/O probe', () => {
  it('builds rados argv with the ceph access options', () => {
    assert.deepEqual(radosArgv({ conf: '/c', user: 'client.chaos', keyring: '/k' }, ['-p', 'p', 'ls']), ['rados', '--conf', '/c', '--name', 'client.chaos', '--keyring', '/k', '-p', 'p', 'ls']);
    assert.deepEqual(radosArgv({ user: 'admin' }, []), ['rados', '--id', 'admin']);
  });

  it('writes, reads back the same bytes, and removes its objects at stop; a read of other bytes is bad', async () => {
    let stored = '';
    let corrupt = false;
    const double = new RecordingExecutorDouble()
      .on(/ put scs-chaos-io-[0-9a-f]{6}-\d+ -$/, (call) => ((stored = call.input ?? ''), {}))
      .on(/ get scs-chaos-io-[0-9a-f]{6}-\d+ -$/, () => ({ stdout: corrupt ? `${stored}x` : stored }))
      .on(/ rm /, {});
    const samples: Sample[] = [];
    const probe = new RadosIoProbe({ executor: double, access: { conf: '/c' }, pool: 'p', rateHz: 20, timeoutMs: 1000, onSample: (s) => samples.push(s) });
    probe.start();
    await new Promise((r) => setTimeout(r, 180));
    corrupt = true;
    await new Promise((r) => setTimeout(r, 120));
    await probe.stop();
    const writes = samples.filter((s) => s.probe === 'rados-write:p');
    const reads = samples.filter((s) => s.probe === 'rados-read:p');
    assert.ok(writes.length >= 3 && writes.every((s) => s.ok));
    assert.ok(reads.some((s) => s.ok) && reads.some((s) => !s.ok && s.error === 'wrong-bytes'));
    assert.equal(stored.length, 4096);
    assert.match(double.texts().at(-1) ?? '', /^rados --conf \/c -p p rm scs-chaos-io-/);
  });
});
