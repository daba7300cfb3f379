import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, openInjections, readJournal } from './journal';

const intent = (injectionId: string, withRevert = true) =>
  ({
    type: 'inject-intent',
    injectionId,
    kind: 'network-isolate',
    target: 'node-1',
    scenario: 's',
    revert: withRevert ? { executor: { kind: 'local' }, script: 'true' } : null,
    ttlMs: 1000,
    deadline: null,
    preState: {},
  }) as const;

describe('journal', () => {
  it('appends entries with a timestamp and reads them back in order', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.jsonl');
    const journal = new Journal(path);
    journal.append(intent('a'));
    journal.append({ type: 'injected', injectionId: 'a' });
    journal.close();
    const entries = readJournal(path);
    assert.deepEqual(entries.map((e) => e.type), ['inject-intent', 'injected']);
    assert.match(entries[0]?.at ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  it('skips a line torn by a crash and keeps everything before it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.jsonl');
    const journal = new Journal(path);
    journal.append(intent('a'));
    journal.close();
    appendFileSync(path, '{"type":"inject-int');
    assert.equal(readJournal(path).length, 1);
  });

  it('lists open injections: intended, reversible, not reverted', () => {
    const entries = [
      { ...intent('a'), at: '' },
      { ...intent('b'), at: '' },
      { ...intent('kill', false), at: '' },
      { type: 'reverted', injectionId: 'a', at: '' },
    ] as const;
    assert.deepEqual(openInjections([...entries]).map((e) => e.injectionId), ['b']);
  });
});
