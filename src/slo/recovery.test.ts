import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../model/sample';
import { findRecovery, timeToDetect } from './recovery';

/** Samples every `step` ms from t0, good or bad by the pattern: "g" good, "b" bad, "p" measurement problem. */
function pattern(text: string, t0 = 0, step = 100, probe = 'web'): Sample[] {
  return [...text].map((c, i) => ({
    probe,
    t: t0 + i * step,
    ok: c === 'g',
    ...(c === 'p' ? { measurementProblem: true } : {}),
  }));
}

describe('timeToDetect', () => {
  it('is the time from injection to the first bad sample at or after it', () => {
    assert.equal(timeToDetect(pattern('gggggbbbgg'), 200), 300);
    assert.equal(timeToDetect(pattern('gggggbbbgg'), 500), 0);
  });

  it('ignores bad samples before the injection and measurement problems', () => {
    assert.equal(timeToDetect(pattern('bbgpgbg'), 200), 300);
  });

  it('is null when nothing broke, or there are no samples', () => {
    assert.equal(timeToDetect(pattern('gggg'), 0), null);
    assert.equal(timeToDetect(pattern('ppp'), 0), null);
    assert.equal(timeToDetect([], 0), null);
  });

  it('finds the earliest bad sample in unsorted input', () => {
    const samples = pattern('ggggbbbg').reverse();
    assert.equal(timeToDetect(samples, 100), 300);
  });
});

describe('findRecovery', () => {
  it('is all null without samples', () => {
    assert.deepEqual(findRecovery([], { from: 0, stabilizationMs: 1000 }), {
      recoveredAt: null,
      recoverMs: null,
      lastBadAt: null,
    });
  });

  it('recovers at the start of the first good run that spans the stabilization window', () => {
    // revert at 1000; bad until 1400; good from 1500 on, 10 samples spanning 900 ms
    const samples = pattern('bbbbbbbbbbbbbbbgggggggggg');
    assert.deepEqual(findRecovery(samples, { from: 1000, stabilizationMs: 900 }), {
      recoveredAt: 1500,
      recoverMs: 500,
      lastBadAt: 1400,
    });
  });

  it('is not yet recovered while the good run is one sample short of the window', () => {
    const samples = pattern('bbbbbbbbbbbbbbbgggggggggg');
    assert.deepEqual(findRecovery(samples, { from: 1000, stabilizationMs: 901 }), {
      recoveredAt: null,
      recoverMs: null,
      lastBadAt: 1400,
    });
  });

  it('recovers at `from` (0 ms) when no bad sample came after it', () => {
    // bad before the revert at 500 only; good from 500 on
    const samples = pattern('bbbbbgggggggggggg');
    assert.deepEqual(findRecovery(samples, { from: 450, stabilizationMs: 1000 }), {
      recoveredAt: 450,
      recoverMs: 0,
      lastBadAt: null,
    });
  });

  it('needs the window even without bad samples: a short good run is not yet stable', () => {
    assert.equal(findRecovery(pattern('ggggg'), { from: 0, stabilizationMs: 1000 }).recoveredAt, null);
  });

  it('flapping that never stabilizes gives null and the latest bad sample', () => {
    const samples = pattern('gbggbgggbggbgggb');
    const found = findRecovery(samples, { from: 0, stabilizationMs: 300 });
    assert.deepEqual(found, { recoveredAt: null, recoverMs: null, lastBadAt: 1500 });
  });

  it('flapping that then stabilizes recovers at the start of the stable run, not the first good sample', () => {
    const samples = pattern('bgbggbgggggggg', 1000);
    assert.deepEqual(findRecovery(samples, { from: 1000, stabilizationMs: 500 }), {
      recoveredAt: 1600,
      recoverMs: 600,
      lastBadAt: 1500,
    });
  });

  it('recovery that never stabilizes: the last run is good but shorter than the window', () => {
    const samples = pattern('bbbbgggggggggbggg');
    const found = findRecovery(samples, { from: 0, stabilizationMs: 1000 });
    assert.deepEqual(found, { recoveredAt: null, recoverMs: null, lastBadAt: 1300 });
  });

  it('keeps the first recovery when a later breach follows a stable run (a new incident)', () => {
    const samples = pattern('bbggggggbbgggggg');
    assert.deepEqual(findRecovery(samples, { from: 0, stabilizationMs: 500 }), {
      recoveredAt: 200,
      recoverMs: 200,
      lastBadAt: 100,
    });
  });

  it('with a zero window recovers at the first good sample after the last bad one before it', () => {
    assert.equal(findRecovery(pattern('bbbg'), { from: 0, stabilizationMs: 0 }).recoveredAt, 300);
  });

  it('measures the window by sample span, not by `until`: a probe that stopped sampling is not stable', () => {
    const samples = pattern('bbgg', 0, 100);
    assert.equal(findRecovery(samples, { from: 0, stabilizationMs: 500, until: 60_000 }).recoveredAt, null);
  });

  it('ignores samples after `until` (inclusive bound)', () => {
    const samples = pattern('bbgggggggggg');
    assert.equal(findRecovery(samples, { from: 0, stabilizationMs: 500, until: 600 }).recoveredAt, null);
    assert.equal(findRecovery(samples, { from: 0, stabilizationMs: 500, until: 700 }).recoveredAt, 200);
  });

  it('ignores measurement problems inside a good run', () => {
    const samples = pattern('bbgggppgggg');
    assert.deepEqual(findRecovery(samples, { from: 0, stabilizationMs: 800 }), {
      recoveredAt: 200,
      recoverMs: 200,
      lastBadAt: 100,
    });
  });

  it('probe and load samples interleaved and unsorted give the same answer as sorted input', () => {
    // The probe samples at 100 ms, the load generator at 70 ms with its own offset; load reports late, in batches.
    const probe = pattern('bbbbbggggggggggggggg', 1000, 100, 'web');
    const load = pattern('bbbbbbbgbggggggggggggggggg', 1013, 70, 'load');
    const sorted = [...probe, ...load].sort((a, b) => a.t - b.t);
    const appendedInBatches = [...probe, ...load.slice(13), ...load.slice(0, 13).reverse()];
    const expected = findRecovery(sorted, { from: 1000, stabilizationMs: 1000 });
    // last bad: load at 1013 + 8*70 = 1573; stable run from the next sample (probe at 1600)
    assert.deepEqual(expected, { recoveredAt: 1600, recoverMs: 600, lastBadAt: 1573 });
    assert.deepEqual(findRecovery(appendedInBatches, { from: 1000, stabilizationMs: 1000 }), expected);
  });

  it('at equal t a bad sample of one probe breaks the run whatever the append order', () => {
    const good: Sample = { probe: 'web', t: 500, ok: true };
    const bad: Sample = { probe: 'load', t: 500, ok: false };
    const after = pattern('gggggg', 600);
    const a = findRecovery([...pattern('bbb', 200), good, bad, ...after], { from: 200, stabilizationMs: 500 });
    const b = findRecovery([...pattern('bbb', 200), bad, good, ...after], { from: 200, stabilizationMs: 500 });
    assert.deepEqual(a, { recoveredAt: 600, recoverMs: 400, lastBadAt: 500 });
    assert.deepEqual(b, a);
  });

  it('does not reorder the caller’s array', () => {
    const samples = pattern('ggbbgggggg').reverse();
    const before = samples.map((s) => s.t);
    findRecovery(samples, { from: 0, stabilizationMs: 300 });
    assert.deepEqual(
      samples.map((s) => s.t),
      before,
    );
  });

  it('is cheap enough to call every 100 ms on 10k growing samples', () => {
    const samples = pattern(`${'b'.repeat(5000)}${'gb'.repeat(2500)}`, 0, 10);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100; i += 1) {
      samples.push({ probe: 'web', t: 100_000 + i * 10, ok: true });
      findRecovery(samples, { from: 0, stabilizationMs: 5000 });
    }
    const perCallMs = Number(process.hrtime.bigint() - started) / 1e6 / 100;
    // Measured about 0.5 ms per call; the bound only catches an accidental O(n²) or per-call heavy sort.
    assert.ok(perCallMs < 10, `findRecovery took ${perCallMs.toFixed(2)} ms per call on ~10k samples`);
  });
});
