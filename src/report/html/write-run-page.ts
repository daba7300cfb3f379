/**
 * writeRunPage: reports/<run-id>/index.html from the run directory's summary.json, with each scenario's
 * scenarios/<slug>/timeline.svg inlined where the plot writer left one, and recovery times compared with a
 * baseline run when its directory is given.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInput, errorMessage } from '../../kernel/errors';
import { scenarioSlug } from '../../core/scenario-files';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { renderRunPage } from './run-page';

/** RUN_PAGE_FILE: the page's name inside the run directory. */
export const RUN_PAGE_FILE = 'index.html';

/** writeRunPage: writes <runDir>/index.html and returns its path. Throws BadInput when a summary.json is missing or unreadable. */
export function writeRunPage(runDir: string, baselineRunDir?: string): string {
  const summary = readRunSummary(runDir);
  const baseline = baselineRunDir === undefined ? undefined : readRunSummary(baselineRunDir);
  const html = renderRunPage(summary, {
    ...(baseline ? { baseline } : {}),
    plotSvgFor: (scenario) => readPlot(runDir, scenario),
  });
  const path = join(runDir, RUN_PAGE_FILE);
  writeFileSync(path, html);
  return path;
}

/** timelinePlotPath: where the plot writer puts a scenario's timeline plot. */
export function timelinePlotPath(runDir: string, scenario: Pick<ScenarioSummary, 'id'>): string {
  return join(runDir, 'scenarios', scenarioSlug(scenario.id), 'timeline.svg');
}

/** readRunSummary: <runDir>/summary.json, checked just enough that the page can be built from it. */
export function readRunSummary(runDir: string): RunSummary {
  const file = join(runDir, 'summary.json');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInput(`cannot read ${file}: ${errorMessage(error)}`, undefined, 'give the directory of a finished run (reports/<run-id>), which holds summary.json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new BadInput(`${file} is not valid JSON: ${errorMessage(error)}`, undefined, 'the run may not have finished writing it; run the scenarios again');
  }
  const summary = parsed as Partial<RunSummary> | null;
  if (!summary || typeof summary !== 'object' || typeof summary.runId !== 'string' || !Array.isArray(summary.scenarios) || typeof summary.counts !== 'object') {
    throw new BadInput(`${file} is not a run summary (expected runId, scenarios and counts)`, undefined, 'give the directory of a run written by scs-chaos run');
  }
  return summary as RunSummary;
}

function readPlot(runDir: string, scenario: ScenarioSummary): string | undefined {
  const path = timelinePlotPath(runDir, scenario);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
