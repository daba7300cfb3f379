import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochToMonotonic, transitionAt } from './moments';
import { pickBySeed } from '../selectors';

const s = (t: number, state: string, answeredAt = t + 20, measurementProblem = false) => ({ t, answeredAt, state, measurementProblem });

describe('transition moments from probe samples', () => {
  it('places a transition halfway between the middles of the last reading without and the first with the state', () => {
    const samples = [s(0, 'ACTIVE'), s(100, 'ACTIVE'), s(200, 'SHUTOFF'), s(300, 'SHUTOFF')];
    assert.equal(transitionAt(samples, 0, (x) => x.state === 'SHUTOFF'), (110 + 210) / 2);
  });

  it('places a return (reboot) after the state was left, not at a reading taken before the reboot began', () => {
    const samples = [s(0, 'ACTIVE'), s(100, 'REBOOT'), s(200, 'ACTIVE'), s(300, 'HARD_REBOOT'), s(400, 'ACTIVE')];
    assert.equal(transitionAt(samples, 0, (x) => x.state === 'ACTIVE'), (110 + 210) / 2);
    assert.equal(transitionAt(samples, 0, (x) => x.state === 'ACTIVE', 'last'), (310 + 410) / 2);
  });

  it('skips measurement problems and says null when the state never came', () => {
    const samples = [s(0, 'ACTIVE'), s(100, '?', 120, true), s(200, 'SHUTOFF')];
    assert.equal(transitionAt(samples, 0, (x) => x.state === 'SHUTOFF'), (10 + 210) / 2);
    assert.equal(transitionAt(samples, 0, (x) => x.state === 'PAUSED'), null);
  });

  it('maps an epoch stamp to the monotonic clock through one pair read at the same moment', () => {
    assert.equal(epochToMonotonic(1_000_000, { monotonic: 5000, epoch: 1_000_700 }), 4300);
  });

  it('picks N of M by seed, the same for the same seed', () => {
    const items = ['c', 'a', 'b'].map((name) => ({ name }));
    assert.deepEqual(pickBySeed(items, 2, 4).map((i) => i.name), ['b', 'c']);
    assert.deepEqual(pickBySeed(items, 2, 4), pickBySeed(items, 2, 4));
    assert.equal(pickBySeed(items, 5, 0).length, 3);
  });
});
