/**
 * finishRunReports: every report of a finished run, in the order they depend on each other — summary.json,
 * junit.xml and the compliance files first (CI reads them; they must exist even if a later step fails), then the
 * timeline plots, the Allure results enriched with the plots, the one-page summary that inlines the plots, and
 * then the push to a Pushgateway, and last the scrub that redacts every secret from the run directory's files
 * (src/report/scrub-run.ts). Only the first group may throw: a plot, page or push problem is logged and
 * never changes the run's verdicts or exit code (`scs-chaos report` can redo the HTML later).
 */
import { errorMessage } from '../kernel/errors';
import { enrichAfterRun } from './allure/enrich';
import { writeRunPage } from './html/write-run-page';
import { writeScenarioPlots } from './plot/write-plots';
import { pushRunMetrics, PushLabels } from './pushgateway';
import type { RunSummary } from '../model/summary';
import { writeRunReports } from './write-run';
import { scrubRunDirectory } from './scrub-run';

export interface FinishOptions {
  log: (line: string) => void;
  /** A run directory whose recovery times the summary page compares with. */
  baselineRunDir?: string;
  /** Push the run's metrics here (a Pushgateway base URL) under these labels. */
  pushgateway?: { url: string; labels: PushLabels };
}

export async function finishRunReports(runDir: string, summary: RunSummary, options: FinishOptions): Promise<void> {
  writeRunReports(runDir, summary);
  await writeHtmlReports(runDir, summary, options);
  if (options.pushgateway) {
    const { url, labels } = options.pushgateway;
    try {
      await pushRunMetrics(url, summary, labels);
      options.log(`pushed run metrics to ${url} (job ${labels.job}, cloud ${labels.cloud})`);
    } catch (error) {
      options.log(`could not push run metrics to ${url}: ${errorMessage(error)}`);
    }
  }
  const scrubbed = scrubRunDirectory(runDir);
  if (scrubbed.length > 0) options.log(`secrets redacted from ${scrubbed.length} report file(s): ${scrubbed.join(', ')}`);
}

/** writeHtmlReports: plots, Allure results enriched with them, and the one-page summary; problems are logged. */
export async function writeHtmlReports(runDir: string, summary: RunSummary, options: Pick<FinishOptions, 'log' | 'baselineRunDir'>): Promise<void> {
  for (const plot of await writeScenarioPlots(runDir, summary)) {
    if ('error' in plot) options.log(`no timeline plot for ${plot.scenarioId}: ${plot.error}`);
  }
  enrichAfterRun(runDir, summary, options.log);
  try {
    writeRunPage(runDir, options.baselineRunDir);
  } catch (error) {
    options.log(`no summary page: ${errorMessage(error)}`);
  }
}
