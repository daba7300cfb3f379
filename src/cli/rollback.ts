/**
 * `scs-chaos rollback [--journal FILE]`: replays a journal — every injection that was intended but never
 * recorded as reverted is undone through the revert channel its recipe names (src/core/revert-channel.ts), and
 * the channel's on-target expiry is disarmed. Default journal: reports/latest/journal.jsonl. Safe to run twice:
 * reverts are idempotent.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { BadInput, errorMessage } from '../kernel/errors';
import { Journal, openInjections, readJournal } from '../core/journal';
import { revertChannelOf } from '../core/kinds';
import { parseFlags } from './flags';

export async function rollbackCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, { journal: { type: 'string' } });
  const path = resolve(values.journal ?? 'reports/latest/journal.jsonl');
  if (!existsSync(path)) throw new BadInput(`no journal at ${path}`, { file: path }, 'pass the journal of the run to roll back with --journal reports/<run-id>/journal.jsonl');
  const open = openInjections(readJournal(path));
  if (open.length === 0) {
    log(`rollback: nothing to undo in ${path}: every injection is recorded as reverted`);
    return 0;
  }
  const journal = new Journal(path);
  let failed = 0;
  try {
    for (const entry of open) {
      const recipe = entry.revert;
      if (!recipe) continue;
      const what = `${entry.kind} on ${entry.target} (${entry.injectionId})`;
      journal.append({ type: 'revert-intent', injectionId: entry.injectionId, reason: 'rollback' });
      try {
        const channel = revertChannelOf(recipe);
        await channel.replay(recipe, entry.injectionId);
        await channel.disarm(recipe, entry.injectionId);
        journal.append({ type: 'reverted', injectionId: entry.injectionId });
        log(`rollback: reverted ${what}`);
      } catch (error) {
        failed++;
        journal.append({ type: 'revert-failed', injectionId: entry.injectionId, error: errorMessage(error) });
        log(`rollback: FAILED to revert ${what}: ${errorMessage(error)}`);
      }
    }
  } finally {
    journal.close();
  }
  return failed ? 3 : 0;
}
