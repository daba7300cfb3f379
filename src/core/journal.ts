/**
 * Journal: the append-only, fsynced record of every injection and revert — the source of truth for
 * rollback. An injection is written (and fsynced) BEFORE the fault is applied, with everything needed to
 * undo it without this process's memory: its RevertRecipe, which names the channel that replays it
 * (src/core/revert-channel.ts).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RevertRecipe } from './revert-channel';

export type JournalEntry =
  | {
      type: 'inject-intent';
      at: string;
      injectionId: string;
      kind: string;
      target: string;
      scenario: string;
      /** null for one-shot faults (nothing to revert). */
      revert: RevertRecipe | null;
      ttlMs: number | null;
      /** Wall-clock time after which the on-target timer removes the fault by itself. */
      deadline: string | null;
      preState: Record<string, unknown>;
    }
  | { type: 'injected'; at: string; injectionId: string }
  | { type: 'inject-failed'; at: string; injectionId: string; error: string }
  | { type: 'revert-intent'; at: string; injectionId: string; reason: string }
  | { type: 'reverted'; at: string; injectionId: string }
  | { type: 'revert-failed'; at: string; injectionId: string; error: string };

/** Distributive Omit, so each member of the JournalEntry union keeps its own fields. */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

export class Journal {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  /** append: writes one entry and fsyncs it before returning; the caller acts only after this. */
  append(entry: WithoutAt<JournalEntry>): void {
    const line = `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`;
    writeSync(this.fd, line);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * readJournal: all entries of a journal file; a torn last line (crash mid-write) is skipped. Journals written
 * before revert channels existed held `{executor, script}` and the node: they read as shell recipes.
 */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(upgradeEntry(JSON.parse(line) as JournalEntry & { node?: string }));
    } catch {
      // A line cut short by a crash: everything before it is intact and fsynced.
    }
  }
  return entries;
}

/** openInjections: injections of a journal that were intended but neither reverted nor known to have failed. */
export function openInjections(entries: readonly JournalEntry[]): Extract<JournalEntry, { type: 'inject-intent' }>[] {
  const closed = new Set(entries.filter((e) => e.type === 'reverted').map((e) => e.injectionId));
  return entries.filter(
    (e): e is Extract<JournalEntry, { type: 'inject-intent' }> =>
      e.type === 'inject-intent' && e.revert !== null && !closed.has(e.injectionId),
  );
}

/** upgradeEntry: a pre-channel inject-intent ({executor, script} and node) as a shell recipe. */
function upgradeEntry(entry: JournalEntry & { node?: string }): JournalEntry {
  if (entry.type !== 'inject-intent' || entry.revert === null || 'channel' in entry.revert) return entry;
  const old = entry.revert as unknown as { executor: unknown; script: string };
  return { ...entry, revert: { channel: 'shell', where: entry.node ?? '', executor: old.executor, script: old.script } as RevertRecipe };
}
