import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../model/sample';
import { parseSlo } from './expression';
import { compareSlo, evaluateSlo, observeSlo, samplesInWindow } from './evaluate';

function sample(t: number, ok: boolean, latencyMs?: number, probe = 'web'): Sample {
  return latencyMs === undefined ? { probe, t, ok } : { probe, t, ok, latencyMs };
}

/** n samples 100 ms apart from t0, the first `bad` of them failed. */
function series(n: number, bad: number, t0 = 0): Sample[] {
  return Array.from({ length: n }, (_, i) => sample(t0 + i * 100, i >= bad, 20));
}

describe('evaluateSlo', () => {
  it('meets availability >= 99% at exactly 99% and misses it at 98.99%', () => {
    const slo = parseSlo('availability >= 99%');
    const onThreshold = evaluateSlo(slo, series(100, 1), 'during', 'web');
    assert.deepEqual(onThreshold, {
      probe: 'web',
      expression: 'availability >= 99%',
      phase: 'during',
      observed: 0.99,
      observedText: '99%',
      met: true,
      samples: 100,
    });
    const below = evaluateSlo(slo, series(10_000, 101), 'during', 'web');
    assert.equal(below.met, false);
    assert.equal(below.observedText, '98.99%');
  });

  it('judges a value on a threshold with a non-binary decimal exactly (999 of 1000 against 99.9%)', () => {
    const result = evaluateSlo(parseSlo('availability >= 99.9%'), series(1000, 1), 'after', 'web');
    assert.equal(result.met, true);
    const strict = evaluateSlo(parseSlo('availability > 99.9%'), series(1000, 1), 'after', 'web');
    assert.equal(strict.met, false);
  });

  it('flapping around the threshold: alternating good/bad gives 50% and the verdict follows the threshold', () => {
    const flapping = Array.from({ length: 200 }, (_, i) => sample(i * 50, i % 2 === 0, 20));
    assert.equal(evaluateSlo(parseSlo('availability >= 50%'), flapping, 'during', 'web').met, true);
    assert.equal(evaluateSlo(parseSlo('availability > 50%'), flapping, 'during', 'web').met, false);
    assert.equal(evaluateSlo(parseSlo('rate(errors) < 50%'), flapping, 'during', 'web').met, false);
    assert.equal(evaluateSlo(parseSlo('rate(errors) <= 50%'), flapping, 'during', 'web').met, true);
  });

  it('with no samples is not met and says so', () => {
    for (const text of ['availability >= 99%', 'rate(errors) < 1%', 'p(95) < 300ms', 'avg < 1s']) {
      const result = evaluateSlo(parseSlo(text), [], 'before', 'web');
      assert.deepEqual(result, {
        probe: 'web',
        expression: text,
        phase: 'before',
        observed: null,
        observedText: 'no samples',
        met: false,
        samples: 0,
      });
    }
  });

  it('with only measurement problems is "no samples", not an outage', () => {
    const problems: Sample[] = [{ probe: 'web', t: 0, ok: false, measurementProblem: true, error: 'dns' }];
    const result = evaluateSlo(parseSlo('availability >= 99%'), problems, 'during', 'web');
    assert.equal(result.observed, null);
    assert.equal(result.observedText, 'no samples');
  });

  it('latency SLO with samples but none carrying a latency is "no samples"', () => {
    const result = evaluateSlo(parseSlo('p(95) < 300ms'), [sample(0, false), sample(1, false)], 'during', 'web');
    assert.equal(result.observedText, 'no samples');
    assert.equal(result.met, false);
  });

  it('counts timeouts in latency, so an outage cannot make p(95) look better', () => {
    const before = Array.from({ length: 20 }, (_, i) => sample(i * 100, true, 50));
    const outage = [...before.slice(0, 10), ...Array.from({ length: 10 }, (_, i) => sample(2000 + i * 100, false, 2000))];
    const slo = parseSlo('p(95) < 300ms');
    assert.equal(evaluateSlo(slo, before, 'before', 'web').met, true);
    const during = evaluateSlo(slo, outage, 'during', 'web');
    assert.equal(during.met, false);
    assert.equal(during.observed, 2000);
    assert.equal(during.samples, 20);
  });

  it('computes every latency metric from the same samples', () => {
    const samples = [10, 20, 30, 40, 1000].map((ms, i) => sample(i, true, ms));
    const observe = (text: string): number | null => observeSlo(parseSlo(text), samples).value;
    assert.equal(observe('avg < 1s'), 220);
    assert.equal(observe('med < 1s'), 30);
    assert.equal(observe('min < 1s'), 10);
    assert.equal(observe('max < 1s'), 1000);
    assert.equal(observe('p(75) < 1s'), 40);
    assert.ok(Math.abs((observe('p(90) < 1s') as number) - 616) < 1e-9, 'p(90) interpolates 40 → 1000 at 0.6');
  });

  it('gives the same result for samples of two probes interleaved in any order', () => {
    const load = Array.from({ length: 50 }, (_, i) => sample(1000 + i * 37, i % 10 !== 0, 100 + i, 'load'));
    const probe = Array.from({ length: 50 }, (_, i) => sample(990 + i * 41, true, 40 + i, 'web'));
    const merged = [...load, ...probe];
    const shuffled = [...merged].sort((a, b) => ((a.t * 7919) % 101) - ((b.t * 7919) % 101));
    for (const text of ['availability >= 95%', 'p(95) < 140ms', 'med < 90ms']) {
      const slo = parseSlo(text);
      assert.deepEqual(evaluateSlo(slo, shuffled, 'during', 'web+load'), evaluateSlo(slo, merged, 'during', 'web+load'));
    }
    assert.equal(evaluateSlo(parseSlo('availability >= 95%'), merged, 'during', 'x').observed, 95 / 100);
  });

  it('labels the result with the probe name and the expression as written', () => {
    const result = evaluateSlo(parseSlo('  p(95)<300ms '), series(3, 0), 'after', 'web@node-2');
    assert.equal(result.probe, 'web@node-2');
    assert.equal(result.expression, 'p(95)<300ms');
  });
});

describe('compareSlo', () => {
  it('applies each operator, with equality on the threshold', () => {
    assert.deepEqual(
      (['<', '<=', '>', '>=', '=='] as const).map((op) => [compareSlo(1, op, 1), compareSlo(0, op, 1), compareSlo(2, op, 1)]),
      [
        [false, true, false],
        [true, true, false],
        [false, false, true],
        [true, false, true],
        [true, false, false],
      ],
    );
  });
});

describe('samplesInWindow', () => {
  it('keeps samples in the half-open window [from, to) and their order', () => {
    const samples = [sample(300, true), sample(100, true), sample(200, false), sample(99.9, true), sample(0, true)];
    assert.deepEqual(
      samplesInWindow(samples, 100, 300).map((s) => s.t),
      [100, 200],
    );
    assert.deepEqual(samplesInWindow(samples, 500, 600), []);
  });
});
