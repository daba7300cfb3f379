/** LineProcess against real programs: sh as an interactive line tool, a silent program, one that exits. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandTimeout } from './command';
import { startLineProcess } from './line-process';
import { LocalExecutor } from './local';

describe('LineProcess', () => {
  it('answers each written line in order, without restarting the program', async () => {
    // A shell that echoes each command with its own pid: the pid stays the same across answers.
    const p = new LocalExecutor().startLineProcess(['sh', '-c', 'while read -r l; do echo "$$ $l"; done']);
    try {
      p.write('one\ntwo\n');
      const first = await p.nextLine(2000);
      const second = await p.nextLine(2000);
      p.write('three\n');
      const third = await p.nextLine(2000);
      const pid = first.split(' ')[0];
      assert.deepEqual([first, second, third], [`${pid} one`, `${pid} two`, `${pid} three`]);
    } finally {
      await p.stop();
    }
    assert.equal(p.exited, true);
  });

  it('times out when no answer comes, and reports the exit with its stderr', async () => {
    const silent = startLineProcess(['sleep', '30']);
    await assert.rejects(silent.nextLine(200), CommandTimeout);
    await silent.stop();
    assert.equal(silent.exited, true);
    const failing = startLineProcess(['sh', '-c', 'echo broken >&2; exit 3']);
    await assert.rejects(failing.nextLine(2000), /exited 3: broken/);
  });

  it('stop() kills a program that ignores SIGTERM', async () => {
    const stubborn = startLineProcess(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'], 'stubborn', 300);
    assert.equal(await stubborn.nextLine(2000), 'ready');
    await stubborn.stop();
    assert.equal(stubborn.exited, true);
  });
});
