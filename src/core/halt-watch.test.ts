import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlo } from '../slo/expression';
import type { Sample } from '../model/sample';
import { HaltCrossing, HaltWatch } from './halt-watch';

const samples = (from: number, count: number, ok: boolean, every = 50): Sample[] =>
  Array.from({ length: count }, (_, i) => ({ probe: 'web', t: from + i * every, ok }));

describe('HaltWatch', () => {
  const condition = { probe: 'web', text: 'availability >= 50%', slo: parseSlo('availability >= 50%'), windowMs: 1000 };

  it('does not halt while the floor holds', () => {
    const data = [...samples(0, 20, true), ...samples(1000, 5, false)];
    const watch = new HaltWatch([condition], () => data, () => assert.fail('must not halt'));
    assert.equal(watch.check(1250), null, '5 bad of 20 in the window is 75%');
  });

  it('halts once the window falls below the floor, and only once', () => {
    const data = [...samples(0, 20, true), ...samples(1000, 15, false)];
    const crossings: HaltCrossing[] = [];
    const watch = new HaltWatch([condition], () => data, (c) => crossings.push(c));
    const crossing = watch.check(1700);
    assert.ok(crossing);
    assert.ok(crossing.observed < 0.5, `observed ${crossing.observed}`);
    assert.match(crossing.message, /halt: web availability >= 50% over 1.00s crossed/);
    assert.equal(watch.check(1800), null, 'fires once');
    assert.equal(crossings.length, 1);
  });

  it('ignores windows with too few samples and measurement problems', () => {
    const data: Sample[] = [
      { probe: 'web', t: 0, ok: false },
      { probe: 'web', t: 50, ok: false },
      ...Array.from({ length: 10 }, (_, i) => ({ probe: 'web', t: 100 + i, ok: false, measurementProblem: true })),
    ];
    const watch = new HaltWatch([condition], () => data, () => assert.fail('must not halt on 2 usable samples'));
    assert.equal(watch.check(200), null);
  });
});
