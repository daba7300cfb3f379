import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../model/sample';
import { availability, errorRate, latencies, max, mean, median, min, percentile, usableSamples } from './statistics';

function sample(t: number, ok: boolean, extra: Partial<Sample> = {}): Sample {
  return { probe: 'web', t, ok, ...extra };
}

describe('percentile (linear interpolation between closest ranks)', () => {
  it('interpolates like numpy.percentile and k6: [1,2,3,4] p(50) = 2.5, p(95) = 3.85', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.ok(Math.abs((percentile([1, 2, 3, 4], 95) as number) - 3.85) < 1e-12);
    // numpy.percentile([10, 20, 30, 40, 50], 90) == 46.0
    assert.equal(percentile([10, 20, 30, 40, 50], 90), 46);
  });

  it('returns the value itself for a single value, whatever p', () => {
    for (const p of [0, 1, 50, 99.9, 100]) assert.equal(percentile([42], p), 42);
  });

  it('returns the minimum at p=0 and the maximum at p=100', () => {
    const values = [3, 5, 8, 13, 21];
    assert.equal(percentile(values, 0), 3);
    assert.equal(percentile(values, 100), 21);
  });

  it('hits an exact rank without interpolating', () => {
    assert.equal(percentile([100, 200, 300, 400, 500], 25), 200);
  });

  it('returns null for no values and refuses p outside 0..100', () => {
    assert.equal(percentile([], 95), null);
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], -1), RangeError);
    assert.throws(() => percentile([1], Number.NaN), RangeError);
  });
});

describe('availability and errorRate', () => {
  it('count good and bad over usable samples, leaving out measurement problems', () => {
    const samples = [
      sample(0, true),
      sample(1, true),
      sample(2, false),
      sample(3, true),
      sample(4, false, { measurementProblem: true }),
    ];
    assert.equal(availability(samples), 3 / 4);
    assert.equal(errorRate(samples), 1 / 4);
    assert.equal(usableSamples(samples).length, 4);
  });

  it('count errors exactly, so 1 bad of 100 is the double 0.01', () => {
    const samples = Array.from({ length: 100 }, (_, i) => sample(i, i !== 0));
    assert.equal(errorRate(samples), 0.01);
    assert.equal(availability(samples), 0.99);
  });

  it('are null without usable samples, not 0% or 100%', () => {
    assert.equal(availability([]), null);
    assert.equal(errorRate([]), null);
    const onlyProblems = [sample(0, false, { measurementProblem: true })];
    assert.equal(availability(onlyProblems), null);
    assert.equal(errorRate(onlyProblems), null);
  });
});

describe('latencies', () => {
  it('include failed samples (a timeout carries its timeout) and exclude measurement problems', () => {
    const samples = [
      sample(0, true, { latencyMs: 30 }),
      sample(1, false, { latencyMs: 2000, error: 'timeout' }),
      sample(2, true, { latencyMs: 10 }),
      sample(3, false, { error: 'refused' }),
      sample(4, false, { latencyMs: 5, measurementProblem: true }),
      sample(5, true, { latencyMs: Number.NaN }),
    ];
    assert.deepEqual(latencies(samples), [10, 30, 2000]);
  });

  it('sorts numerically, not as text', () => {
    const samples = [100, 9, 25].map((ms, i) => sample(i, true, { latencyMs: ms }));
    assert.deepEqual(latencies(samples), [9, 25, 100]);
  });
});

describe('mean, median, min, max', () => {
  it('compute over values in any order', () => {
    const values = [40, 10, 30, 20];
    assert.equal(mean(values), 25);
    assert.equal(min(values), 10);
    assert.equal(max(values), 40);
    assert.equal(median([10, 20, 30, 40]), 25);
    assert.equal(median([10, 20, 30]), 20);
  });

  it('are null for no values', () => {
    assert.equal(mean([]), null);
    assert.equal(median([]), null);
    assert.equal(min([]), null);
    assert.equal(max([]), null);
  });

  it('handle more values than Math.min(...values) could take', () => {
    const values = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    assert.equal(min(values), 0);
    assert.equal(max(values), 299_999);
  });
});
