/**
 * The files a merge of shard run directories carries over (merge-runs.ts decides what the merged run says):
 * Allure results and per-scenario folders are copied (their names are unique per scenario: uuids and scenario
 * slugs, so a clash means the same scenario ran twice, which merge-runs.ts refuses first); the journals become one,
 * in time order; Cucumber's message streams stay one per shard under shards/<name>/.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ALLURE_RESULTS } from './allure/enrich';

/** copyEntries: every entry of `from` into `to`; an entry that exists already is an error, never overwritten. */
function copyEntries(from: string, to: string): number {
  if (!existsSync(from)) return 0;
  mkdirSync(to, { recursive: true });
  const entries = readdirSync(from);
  for (const entry of entries) {
    if (existsSync(join(to, entry))) throw new Error(`${join(to, entry)} exists already (from ${join(from, entry)}): two shards wrote the same file`);
    cpSync(join(from, entry), join(to, entry), { recursive: true, errorOnExist: true, force: false });
  }
  return entries.length;
}

/** copyShardFiles: Allure results, scenario folders and Cucumber messages of one shard into the merged directory. */
export function copyShardFiles(shardDir: string, outDir: string): void {
  copyEntries(join(shardDir, ALLURE_RESULTS), join(outDir, ALLURE_RESULTS));
  copyEntries(join(shardDir, 'scenarios'), join(outDir, 'scenarios'));
  const messages = join(shardDir, 'cucumber-messages.ndjson');
  if (existsSync(messages)) {
    const dir = join(outDir, 'shards', basename(shardDir));
    mkdirSync(dir, { recursive: true });
    cpSync(messages, join(dir, 'cucumber-messages.ndjson'));
  }
}

/**
 * mergeJournals: the journal lines of every shard in one journal.jsonl, ordered by their `at` time (ISO stamps sort
 * as strings); lines of one instant keep their shard's order. A line that is not a JSON record with `at` is kept,
 * at the front: a journal is what `rollback` replays, so nothing in it is dropped.
 */
export function mergeJournals(shardDirs: readonly string[], outDir: string): number {
  const lines: { at: string; order: number; text: string }[] = [];
  for (const dir of shardDirs) {
    const file = join(dir, 'journal.jsonl');
    if (!existsSync(file)) continue;
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      lines.push({ at: atOf(text), order: lines.length, text });
    }
  }
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  writeFileSync(join(outDir, 'journal.jsonl'), lines.map((line) => `${line.text}\n`).join(''));
  return lines.length;
}

function atOf(text: string): string {
  try {
    const record = JSON.parse(text) as { at?: unknown };
    return typeof record.at === 'string' ? record.at : '';
  } catch {
    return '';
  }
}
