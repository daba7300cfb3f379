/**
 * `scs-chaos compare [--out DIR] RUN_DIR...`: two or more finished runs side by side — one page (index.html) and
 * one JSON (compare.json) with score, verdicts and recovery times per scenario, differences highlighted
 * (src/report/compare/). Default DIR: compare-<time> beside the first run directory. Bad input (fewer than two
 * runs, a directory without a valid summary.json, the same run twice) is exit 2 naming it.
 */
import { dirname, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { BadInput } from '../kernel/errors';
import { readRunSummary } from '../gate/read-run';
import { writeComparison } from '../report/compare/write-comparison';
import { parseFlags } from './flags';
import { newRunId } from './run-directory';

/** compareRuns: the comparison of `runDirs` written to `outDir` (default beside the first run); returns the files. */
export function compareRuns(runDirs: readonly string[], outDir?: string): { html: string; json: string; differing: number } {
  if (runDirs.length < 2) throw new BadInput(`compare needs at least two run directories, got ${runDirs.length}`, undefined, 'scs-chaos compare reports/<run-a> reports/<run-b> [...]');
  const seen = new Map<string, string>();
  const runs = runDirs.map((given) => {
    const summary = readRunSummary(resolve(given), 'run');
    const real = realpathSync(resolve(given));
    const twice = seen.get(real);
    if (twice !== undefined) throw new BadInput(`${given} and ${twice} are the same run directory`, undefined, 'name each run once');
    seen.set(real, given);
    return { dir: real, summary };
  });
  const out = resolve(outDir ?? resolve(dirname(runs[0]?.dir as string), `compare-${newRunId()}`));
  const written = writeComparison(out, runs);
  return { html: written.html, json: written.json, differing: written.comparison.scenarios.filter((s) => s.differences.length > 0).length };
}

export function compareCommand(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, { out: { type: 'string' } });
  const result = compareRuns(positionals, values.out);
  out(`compare: ${positionals.length} runs, ${result.differing} scenario(s) differ`);
  out(`  page: ${result.html}`);
  out(`  json: ${result.json}`);
  return 0;
}
