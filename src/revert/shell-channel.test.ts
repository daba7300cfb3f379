import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalExecutor } from '../executors/local';
import { runCommand } from '../executors/command';
import { expiryTimerName, expiryTimerScript } from './shell-channel';
import { newInjectionId } from '../core/injection';
import { waitUntil } from '../../test/support/wait-until';

describe('on-node expiry timer', () => {
  it('runs the revert after the TTL, detached from the caller', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'ttl-')), 'reverted');
    const id = newInjectionId();
    await new LocalExecutor().spawnDetached(expiryTimerScript(1000, `touch ${marker}`), expiryTimerName(id));
    assert.equal(existsSync(marker), false, 'not before the TTL');
    assert.equal(await waitUntil(() => existsSync(marker), 3000), true, 'the revert ran after the TTL');
  });

  it('stops quietly on SIGTERM without reverting, leaving no process', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'ttl-')), 'reverted');
    const id = newInjectionId();
    const name = expiryTimerName(id);
    await new LocalExecutor().spawnDetached(expiryTimerScript(1500, `touch ${marker}`), name);
    const pattern = `[${name.charAt(0)}]${name.slice(1)}`;
    assert.equal((await runCommand(['pgrep', '-f', pattern])).code, 0, 'the timer runs');
    await runCommand(['pkill', '-TERM', '-f', pattern]);
    assert.equal(await waitUntil(() => existsSync(marker), 2500), false, 'no revert after a stop');
    assert.equal((await runCommand(['pgrep', '-f', pattern])).code, 1, 'no timer process is left');
  });

  it('makes ids usable in nft table names and shell words', () => {
    const id = newInjectionId();
    assert.match(id, /^[0-9a-f]{8}$/);
    assert.notEqual(newInjectionId(), id);
  });
});
