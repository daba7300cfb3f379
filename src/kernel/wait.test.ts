import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitWithProgress, WaitStalled } from './wait';

describe('waitWithProgress', () => {
  it('returns once done, counting polls', async () => {
    let n = 0;
    const result = await waitWithProgress({ what: 'n to reach 3', poll: async () => ({ done: ++n >= 3, progress: n }), intervalMs: 5, stallMs: 1000, capMs: 5000 });
    assert.equal(result.polls, 3);
  });

  it('keeps waiting past stallMs while progress is seen', async () => {
    let n = 0;
    const result = await waitWithProgress({ what: 'slow progress', poll: async () => ({ done: ++n >= 30, progress: n }), intervalMs: 10, stallMs: 50, capMs: 5000 });
    assert.ok(result.elapsedMs > 50, `took ${result.elapsedMs}ms, longer than the stall window, and did not fail`);
  });

  it('fails when progress stalls, with the last detail', async () => {
    await assert.rejects(
      waitWithProgress({ what: 'PGs to become clean', poll: async () => ({ done: false, progress: 7, detail: '7/8 clean' }), intervalMs: 10, stallMs: 80, capMs: 5000 }),
      (error: unknown) => error instanceof WaitStalled && error.reason === 'stalled' && /no progress .*7\/8 clean/.test(error.message),
    );
  });

  it('fails at the cap even while progress continues', async () => {
    let n = 0;
    await assert.rejects(
      waitWithProgress({ what: 'forever', poll: async () => ({ done: false, progress: ++n }), intervalMs: 10, stallMs: 1000, capMs: 100 }),
      (error: unknown) => error instanceof WaitStalled && error.reason === 'cap',
    );
  });

  it('reports progress lines at most every reportEveryMs', async () => {
    const lines: string[] = [];
    let n = 0;
    await waitWithProgress({ what: 'x', poll: async () => ({ done: ++n >= 20, progress: n, detail: `n=${n}` }), intervalMs: 10, stallMs: 1000, capMs: 5000, onProgress: (l) => lines.push(l), reportEveryMs: 50 });
    assert.ok(lines.length >= 2 && lines.length <= 5, `${lines.length} lines`);
    assert.match(lines[0] ?? '', /still waiting for x: .* \(n=\d+\)/);
  });
});
