import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBounded } from './bounded';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('forEachBounded never runs more than the limit at once and visits every item once', async () => {
  let running = 0;
  let peak = 0;
  const seen: number[] = [];
  await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
    running++;
    peak = Math.max(peak, running);
    await tick();
    seen.push(item);
    running--;
  });
  assert.equal(peak, 3);
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('forEachBounded takes items lazily and stops taking after the first error', async () => {
  let taken = 0;
  function* items(): Generator<number> {
    for (let i = 0; i < 100; i++) {
      taken++;
      yield i;
    }
  }
  await assert.rejects(
    forEachBounded(items(), 2, async (item) => {
      await tick();
      if (item === 3) throw new Error('boom at 3');
    }),
    /boom at 3/,
  );
  assert.ok(taken <= 6, `took ${taken} items after the failure`);
});

test('forEachBounded refuses a limit below one', async () => {
  await assert.rejects(forEachBounded([1], 0, async () => undefined), /limit 0/);
});
