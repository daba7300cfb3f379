import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, JournalEntry, openInjections, readJournal } from './journal';
import type { RevertRecipe } from './revert-channel';

type Intent = Extract<JournalEntry, { type: 'inject-intent' }>;

const intent = (injectionId: string, withRevert = true): Omit<Intent, 'at'> => ({
    type: 'inject-intent',
    injectionId,
    kind: 'network-isolate',
    target: 'node-1',
    scenario: 's',
  revert: withRevert ? ({ channel: 'shell', where: 'node-1', executor: { kind: 'local' }, script: 'true' } as RevertRecipe) : null,
  ttlMs: 1000,
  deadline: null,
  preState: {},
});

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
    const entries: JournalEntry[] = [
      { ...intent('a'), at: '' },
      { ...intent('b'), at: '' },
      { ...intent('kill', false), at: '' },
      { type: 'reverted', injectionId: 'a', at: '' },
    ];
    assert.deepEqual(openInjections(entries).map((e) => e.injectionId), ['b']);
  });

  it('reads a journal written before revert channels as shell recipes', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.jsonl');
    const old = { type: 'inject-intent', at: '', injectionId: 'c', kind: 'k', target: 'node-2', node: 'node-2', scenario: 's', revert: { executor: { kind: 'local' }, script: 'true' }, ttlMs: 1, deadline: null, preState: {} };
    appendFileSync(path, `${JSON.stringify(old)}\n`);
    const [entry] = openInjections(readJournal(path));
    assert.deepEqual(entry?.revert, { channel: 'shell', where: 'node-2', executor: { kind: 'local' }, script: 'true' });
  });
});
