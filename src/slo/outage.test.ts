import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../model/sample';
import { downtimeMs, interpolatedDetectMs, interpolatedRecoveryAt, outages } from './outage';
import { findRecovery } from './recovery';

/** Samples every `period` ms from 0 to `until`; bad while `isDown(t)`. */
const series = (period: number, until: number, isDown: (t: number) => boolean): Sample[] =>
  Array.from({ length: Math.floor(until / period) + 1 }, (_, i) => ({ probe: 'p', t: i * period, ok: !isDown(i * period) }));

describe('outages', () => {
  it('interpolates both edges to the midpoints between good and bad samples', () => {
    const samples = series(100, 2000, (t) => t >= 1000 && t < 1500); // bad samples at 1000..1400
    assert.deepEqual(outages(samples), [{ start: 950, end: 1450, badSamples: 5 }]);
  });

  it('estimates a true outage within half a period at each edge', () => {
    for (const [trueStart, trueEnd] of [[1003, 1497], [1051, 1949], [1099, 1101]] as const) {
      const samples = series(100, 3000, (t) => t >= trueStart && t < trueEnd);
      const found = outages(samples);
      if (trueEnd - trueStart < 100 && found.length === 0) continue; // a blip between two samples can be missed
      const [outage] = found;
      assert.ok(outage && outage.end !== null);
      assert.ok(Math.abs(outage.start - trueStart) <= 50 && Math.abs(outage.end - trueEnd) <= 50, JSON.stringify({ trueStart, trueEnd, outage }));
    }
  });

  it('keeps an outage open at the end and starts one at the first sample when nothing good came before', () => {
    const samples = series(100, 1000, (t) => t <= 200 || t >= 800);
    assert.deepEqual(outages(samples), [
      { start: 0, end: 250, badSamples: 3 },
      { start: 750, end: null, badSamples: 3 },
    ]);
  });

  it('ignores measurement problems and unsorted input', () => {
    const samples: Sample[] = [
      { probe: 'p', t: 300, ok: true },
      { probe: 'p', t: 100, ok: false },
      { probe: 'p', t: 0, ok: true },
      { probe: 'p', t: 200, ok: false, measurementProblem: true },
    ];
    assert.deepEqual(outages(samples), [{ start: 50, end: 200, badSamples: 1 }]);
  });
});

describe('downtimeMs', () => {
  it('sums outages clipped to the window', () => {
    const samples = series(100, 3000, (t) => (t >= 500 && t < 1000) || (t >= 2000 && t < 2300));
    assert.equal(downtimeMs(samples, 0, 3000), 500 + 300);
    assert.equal(downtimeMs(samples, 700, 3000), 250 + 300);
    assert.equal(downtimeMs(samples, 0, 0), 0);
  });
});

describe('interpolated detect and recovery', () => {
  const samples = series(100, 6000, (t) => t >= 1000 && t < 3000); // bad 1000..2900, good from 3000

  it('places the breach between the last good and the first bad sample', () => {
    assert.equal(interpolatedDetectMs(samples, 960), 20, 'breach between the injection (960) and the first bad sample (1000)');
    assert.equal(interpolatedDetectMs(samples, 850), 100, 'breach between the last good sample after injection (900) and the first bad (1000)');
    assert.equal(interpolatedDetectMs(samples.map((s) => ({ ...s, ok: true })), 920), null);
  });

  it('places recovery between the last bad sample and the stable run, never before `from`', () => {
    const finding = findRecovery(samples, { from: 2500, stabilizationMs: 1000 });
    assert.equal(finding.recoveredAt, 3000);
    assert.equal(interpolatedRecoveryAt(finding, 2500), 2950);
    assert.equal(interpolatedRecoveryAt({ recoveredAt: 3000, lastBadAt: 2900 }, 2990), 2990);
    assert.equal(interpolatedRecoveryAt({ recoveredAt: 2500, lastBadAt: null }, 2500), 2500);
    assert.equal(interpolatedRecoveryAt({ recoveredAt: null, lastBadAt: 2900 }, 2500), null);
  });
});
