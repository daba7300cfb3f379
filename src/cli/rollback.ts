/**
 * `scs-chaos rollback [--journal FILE]`: replays a journal — every injection that was intended but never
 * recorded as reverted is undone with the revert script and executor the journal holds, and its expiry timer is
 * stopped. Default journal: reports/latest/journal.jsonl. Safe to run twice: reverts are idempotent.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { BadInput, errorMessage } from '../kernel/errors';
import { timerPattern } from '../core/injection';
import { revertMarkerPath } from '../revert/shell-markers';
import { Journal, openInjections, readJournal } from '../core/journal';
import { executorFor } from '../executors';
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
        const exec = executorFor(recipe.executor);
        const result = await exec.runScript(recipe.script, { timeoutMs: 30_000 });
        if (result.code !== 0) throw new Error(`revert script exited ${result.code}: ${result.stderr.trim()}`);
        const marker = revertMarkerPath(entry.node ?? '', entry.injectionId);
        await exec.runScript(`pkill -TERM -f '${timerPattern(entry.injectionId)}'; ${entry.node ? `rm -f ${marker}` : 'true'}`, { timeoutMs: 5000 });
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
