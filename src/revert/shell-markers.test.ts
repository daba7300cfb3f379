/**
 * The artefact scripts run for real with sh: expiry timers are told apart by the node whose marker they remove,
 * so two labs on one machine (one process table) neither list nor stop each other's timers.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expiryTimerName, expiryTimerScript } from './shell-channel';
import { listArtefactsScript, revertMarkerPath, sweepScript } from './shell-markers';
import { waitUntil } from '../../test/support/wait-until';

const suffix = randomBytes(3).toString('hex');
const mine = `art-mine-${suffix}`;
const theirs = `art-theirs-${suffix}`;

/** startTimer: an expiry timer as injection.ts starts it (detached sh whose $0 is the timer name). */
function startTimer(node: string, id: string): number {
  const script = expiryTimerScript(60_000, `true; rm -f ${revertMarkerPath(node, id)}`);
  const child = spawn('sh', ['-c', script, expiryTimerName(id)], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? 0;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('expiry timers belong to the node whose marker they remove', () => {
  const mineId = `m${suffix}`;
  const theirsId = `t${suffix}`;
  const minePid = startTimer(mine, mineId);
  const theirsPid = startTimer(theirs, theirsId);
  after(() => {
    for (const pid of [minePid, theirsPid]) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  });

  it('lists only the node\'s own timer', async () => {
    assert.ok(await waitUntil(() => execFileSync('sh', ['-c', listArtefactsScript(theirs)], { encoding: 'utf8' }).includes(theirsId), 5000), 'the other timer shows');
    const listed = execFileSync('sh', ['-c', listArtefactsScript(mine)], { encoding: 'utf8' });
    assert.match(listed, new RegExp(`expiry timer: ${minePid} .*${mineId}`));
    assert.doesNotMatch(listed, new RegExp(theirsId));
  });

  it('sweeps only the node\'s own timer', async () => {
    const swept = execFileSync('sh', ['-c', sweepScript(mine)], { encoding: 'utf8' });
    assert.match(swept, /stopped expiry timers/);
    assert.ok(await waitUntil(() => !alive(minePid), 5000), 'the swept timer ends');
    assert.ok(alive(theirsPid), 'the other node\'s timer still runs');
    assert.equal(execFileSync('sh', ['-c', listArtefactsScript(mine)], { encoding: 'utf8' }).trim(), '');
  });
});
