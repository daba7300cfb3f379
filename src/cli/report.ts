/**
 * `scs-chaos report [RUN_DIR] [--baseline RUN_DIR] [--history FILE]`: the reports people read, from a finished
 * run directory (default reports/latest): the timeline plots and the one-page summary (RUN_DIR/index.html,
 * recovery compared with --baseline), written again, and the Allure HTML report,
 * RUN_DIR/allure-report/index.html (Allure 3 from npm, no Java), with trends from the history file shared by the
 * runs beside it (reports/history.jsonl). Prints both paths on stdout. Exit codes: 0 written, 2 not a finished
 * run directory, 3 Allure could not render it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BadInput, errorMessage } from '../kernel/errors';
import { ALLURE_RESULTS, enrichAllureResults } from '../report/allure/enrich';
import { writeHtmlReports } from '../report/finish-run';
import { RUN_PAGE_FILE } from '../report/html/write-run-page';
import { renderAllureReport } from '../report/allure/render';
import type { RunSummary } from '../model/summary';
import { parseFlags } from './flags';

export async function reportCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(args, { history: { type: 'string' }, baseline: { type: 'string' } });
  if (positionals.length > 1) {
    throw new BadInput(`report takes one run directory, got ${positionals.length}: ${positionals.join(' ')}`, undefined, 'render one run at a time: scs-chaos report reports/<run-id>');
  }
  const runDir = findRunDirectory(positionals[0] ?? 'reports/latest');
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const baselineRunDir = values.baseline === undefined ? undefined : findRunDirectory(values.baseline);

  // Plots first: the Allure results attach them and the summary page inlines them.
  await writeHtmlReports(runDir, summary, { log, ...(baselineRunDir ? { baselineRunDir } : {}) });
  process.stdout.write(`${join(runDir, RUN_PAGE_FILE)}\n`);

  if (!existsSync(join(runDir, ALLURE_RESULTS))) {
    throw new BadInput(`${runDir} has no ${ALLURE_RESULTS}/`, undefined, 'the run was made before `scs-chaos run` wrote Allure results; run the features again with `scs-chaos run`');
  }
  const enriched = enrichAllureResults(runDir, summary);
  if (enriched.missing.length) log(`report: ${enriched.missing.length} scenario(s) of summary.json have no Allure result (not started): ${enriched.missing.join(', ')}`);
  const historyPath = resolve(values.history ?? join(dirname(runDir), 'history.jsonl'));
  try {
    const report = await renderAllureReport({ runDir, historyPath, reportName: `scs-chaos ${summary.runId} (${summary.environment})` });
    log(`report: Allure report of ${enriched.enriched} scenario(s); trends over ${report.historyEntries} run(s) in ${historyPath}`);
    process.stdout.write(`${report.indexHtml}\n`);
    return 0;
  } catch (error) {
    log(`report: could not render the Allure report: ${errorMessage(error)}`);
    return 3;
  }
}

/** findRunDirectory: the real directory behind a path (reports/latest is a symlink), which must hold summary.json. */
function findRunDirectory(path: string): string {
  const given = resolve(path);
  if (!existsSync(given)) {
    throw new BadInput(`no run directory at ${given}`, undefined, 'give a run directory, e.g. scs-chaos report reports/<run-id>, or run `scs-chaos run` first');
  }
  const runDir = realpathSync(given);
  if (!existsSync(join(runDir, 'summary.json'))) {
    throw new BadInput(
      `${runDir} has no summary.json: it is not a finished run directory`,
      undefined,
      'give the directory of a run that finished (reports/<run-id>/); a run killed before its end has only its journal (`scs-chaos rollback`)',
    );
  }
  return runDir;
}
