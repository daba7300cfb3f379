import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { now } from '../kernel/clock';
import { clock, ConsoleProgress } from './console-progress';
import { waitUntil } from '../../test/support/wait-until';

describe('console progress', () => {
  it('says which scenario, how old it is, the phase, what is waited for and how long is left', () => {
    const progress = new ConsoleProgress({ log: () => undefined, total: 5 });
    assert.equal(progress.statusText(), null, 'nothing before a scenario starts');
    progress.scenarioStarted(2);
    const done = progress.waiting('fault active', 'isolate node-1', now() + 4000);
    assert.match(progress.statusText() ?? '', /^\[2\/5 0:00\] fault active: isolate node-1 \((3\.\d+s|4\.00s) left\)$/);
    done();
    assert.equal(progress.statusText(), null, 'no status between waits');
    progress.stop();
  });

  it('in CI prints a plain heartbeat line only while a wait runs longer than the heartbeat period', async () => {
    const lines: string[] = [];
    const progress = new ConsoleProgress({ log: (line) => lines.push(line), total: 1, heartbeatMs: 1200 });
    progress.scenarioStarted(1);
    const done = progress.waiting('recovery', 'web to recover');
    assert.ok(await waitUntil(() => lines.length >= 1, 4000), 'a heartbeat within 4 s');
    done();
    progress.stop();
    assert.match(lines[0] ?? '', /^ {2}… \[1\/1 0:0\d\] recovery: web to recover \([12]\.\d+s so far\)$/);
    assert.ok(lines.every((line) => !line.includes('\r') && !line.includes('\x1b')), 'no carriage returns or escapes in CI logs');
  });

  it('on a terminal clears its status line before a log line and draws it again after', () => {
    const written: string[] = [];
    const lines: string[] = [];
    const progress = new ConsoleProgress({ log: (line) => lines.push(line), live: (text) => written.push(text), total: 1 });
    progress.scenarioStarted(1);
    const done = progress.waiting('steady state', 'web to hold availability >= 99%', now() + 2000);
    progress.log('  ok: something');
    done();
    progress.stop();
    assert.deepEqual(lines, ['  ok: something']);
    const CLEAR = '\r\x1b[2K';
    assert.ok(written[0]?.startsWith(`${CLEAR}[1/1 `) && written[0].includes('steady state'), `status drawn: ${JSON.stringify(written[0])}`);
    assert.equal(written[1], CLEAR, 'cleared before the log line');
    assert.ok(written[2]?.startsWith(`${CLEAR}[1/1 `), 'drawn again after it');
  });

  it('formats elapsed time as m:ss and h:mm:ss', () => {
    assert.equal(clock(0), '0:00');
    assert.equal(clock(61_500), '1:01');
    assert.equal(clock(3_723_000), '1:02:03');
  });
});
