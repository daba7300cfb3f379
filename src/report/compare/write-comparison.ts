/**
 * writeComparison: compare.json (the Comparison) and index.html (its page) in `outDir`, linking each run's own
 * page by a path relative to `outDir`, so the folder of run directories and comparisons can be moved as a whole.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { redact } from '../../kernel/secrets';
import { buildComparison, Comparison, RunInput } from './comparison';
import { renderComparePage } from './compare-page';

export interface WrittenComparison {
  comparison: Comparison;
  html: string;
  json: string;
}

export function writeComparison(outDir: string, runs: readonly RunInput[]): WrittenComparison {
  mkdirSync(outDir, { recursive: true });
  const comparison = buildComparison(runs);
  const html = join(outDir, 'index.html');
  const json = join(outDir, 'compare.json');
  // The summaries were redacted when written; redact again in case a run directory came from elsewhere.
  writeFileSync(json, redact(`${JSON.stringify(comparison, null, 2)}\n`));
  writeFileSync(html, redact(renderComparePage(comparison, { relativeDir: (run) => relative(outDir, run.dir) || '.' })));
  return { comparison, html, json };
}
