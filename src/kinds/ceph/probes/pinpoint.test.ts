/** Pinpointing Ceph events on the OSD map epochs and PG map versions the readings carry. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OsdDump } from '../client/types';
import { pinpointActiveClean, pinpointOsdEvent } from './pinpoint';
import type { CephSample } from './status-probe';

const reading = (t: number, epoch: number, modifiedMs: number, down: number[] = [], out: number[] = []): CephSample => ({ probe: 'ceph', t, ok: true, down, out, osdmapEpoch: epoch, osdmapModifiedMs: modifiedMs });
const dumpOf = (epoch: number, modifiedMs: number, down: number[]): OsdDump => ({ epoch, modifiedMs, flags: [], osds: [0, 1, 2].map((id) => ({ id, up: !down.includes(id), in: true, weight: 1 })) });
const noFetch = async (): Promise<OsdDump> => assert.fail('no epoch should be fetched');

describe('pinpointOsdEvent', () => {
  it('the next epoch after the last reading without the event: its stamp, exact', async () => {
    const samples = [reading(1000, 20, 5_000), reading(2000, 20, 5_000), reading(3000, 21, 9_250, [1])];
    assert.deepEqual(await pinpointOsdEvent(samples, 1, 'down', 1500, noFetch), { stampMs: 9_250, source: 'osdmap e21', version: 21, exact: true });
  });

  it('skipped epochs are fetched and the first one with the event wins', async () => {
    const fetched: number[] = [];
    const dumps = new Map([
      [21, dumpOf(21, 7_000, [])],
      [22, dumpOf(22, 8_100, [1])],
      [23, dumpOf(23, 8_900, [1])],
    ]);
    const samples = [reading(1000, 20, 5_000), reading(3000, 23, 8_900, [1])];
    const found = await pinpointOsdEvent(samples, 1, 'down', 500, async (epoch) => {
      fetched.push(epoch);
      return dumps.get(epoch) ?? assert.fail(`epoch ${epoch}`);
    });
    assert.deepEqual(found, { stampMs: 8_100, source: 'osdmap e22', version: 22, exact: true });
    assert.deepEqual(fetched, [21, 22]);
  });

  it('a trimmed epoch falls back to the first epoch seen, marked not exact; no reading with the event is null', async () => {
    const samples = [reading(1000, 20, 5_000), reading(3000, 23, 8_900, [1])];
    assert.deepEqual(await pinpointOsdEvent(samples, 1, 'down', 500, async () => Promise.reject(new Error('ENOENT'))), { stampMs: 8_900, source: 'osdmap e23', version: 23, exact: false });
    assert.equal(await pinpointOsdEvent(samples, 2, 'down', 500, noFetch), null);
    assert.equal(await pinpointOsdEvent(samples, 1, 'out', 500, noFetch), null);
  });

  it('a reading before the injection does not count, even if it shows the OSD down', async () => {
    const samples = [reading(1000, 20, 5_000, [1]), reading(2000, 21, 6_000), reading(3000, 22, 7_000, [1])];
    assert.deepEqual(await pinpointOsdEvent(samples, 1, 'down', 1500, noFetch), { stampMs: 7_000, source: 'osdmap e22', version: 22, exact: true });
  });
});

describe('pinpointActiveClean', () => {
  const pg = (t: number, version: number, stampMs: number, activeClean: number): CephSample => ({ probe: 'ceph', t, ok: activeClean === 16, activeClean, numPgs: 16, pgmapVersion: version, pgmapStampMs: stampMs });

  it('the version that starts the last clean stretch, exact when it follows the unclean one', () => {
    const samples = [pg(0, 10, 100, 16), pg(1000, 11, 2_100, 9), pg(2000, 12, 4_100, 16), pg(3000, 13, 6_100, 12), pg(4000, 14, 8_100, 16), pg(5000, 15, 10_100, 16)];
    assert.deepEqual(pinpointActiveClean(samples, 500, 6000), { stampMs: 8_100, source: 'pgmap v14', version: 14, exact: true });
  });

  it('a skipped version makes it the first version seen (not exact); nothing unclean or no versions is null', () => {
    assert.deepEqual(pinpointActiveClean([pg(0, 10, 100, 9), pg(1000, 12, 4_100, 16)], 0, 2000), { stampMs: 4_100, source: 'pgmap v12', version: 12, exact: false });
    assert.equal(pinpointActiveClean([pg(0, 10, 100, 16), pg(1000, 11, 2_100, 16)], 0, 2000), null);
    const cli = [{ probe: 'ceph', t: 0, ok: false, activeClean: 9, numPgs: 16 }, { probe: 'ceph', t: 1000, ok: true, activeClean: 16, numPgs: 16 }];
    assert.equal(pinpointActiveClean(cli, 0, 2000), null);
  });

  it('unclean readings without a version still count; the stamp comes from the first clean reading with one', () => {
    const noVersion = (t: number, activeClean: number): CephSample => ({ probe: 'ceph', t, ok: false, activeClean, numPgs: 16 });
    const samples = [pg(0, 10, 100, 16), noVersion(1000, 9), pg(2000, 12, 4_100, 16), pg(3000, 13, 6_100, 16)];
    assert.deepEqual(pinpointActiveClean(samples, 500, 4000), { stampMs: 4_100, source: 'pgmap v12', version: 12, exact: false });
    const cleanWithoutVersionFirst = [pg(0, 10, 100, 9), noVersion(1000, 16), pg(2000, 12, 4_100, 16)];
    assert.deepEqual(pinpointActiveClean(cleanWithoutVersionFirst, 0, 4000), { stampMs: 4_100, source: 'pgmap v12', version: 12, exact: false });
  });
});
