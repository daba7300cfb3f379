/**
 * enrichAllureResults: rewrites the results allure-cucumberjs wrote for a run with what only scs-chaos knows —
 * the verdict as the Allure status (status.ts), the labels and parameters (labels.ts), the verdict section of
 * the description (description.ts) and the scenario's files as attachments (attachments.ts).
 *
 * It runs after the execute pass (run.ts) and again before rendering (`scs-chaos report`, so files written
 * after the run, such as plots, are attached too). It is idempotent: every pass replaces what the last one
 * wrote. Results without the scenario key (a scenario skipped after an interruption) are left as Cucumber
 * reported them.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Label, Parameter, TestResult } from 'allure-js-commons';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { scenarioAttachments } from './attachments';
import { withVerdictSection } from './description';
import { SCS_LABELS, SCS_PARAMETERS, scenarioLabels, scenarioParameters } from './labels';
import { SCENARIO_LABEL } from './scenario-key';
import { allureStatusMessage, allureStatusOf } from './status';

/** The folder of a run directory that allure-cucumberjs writes to and `allure generate` reads. */
export const ALLURE_RESULTS = 'allure-results';

export interface EnrichOutcome {
  /** Results rewritten with a scenario's verdict. */
  enriched: number;
  /** Results with no matching scenario (left as they were). */
  unmatched: number;
  /** Scenarios of summary.json with no Allure result (e.g. never started). */
  missing: string[];
}

export function enrichAllureResults(runDir: string, run: RunSummary): EnrichOutcome {
  const resultsDir = join(runDir, ALLURE_RESULTS);
  const outcome: EnrichOutcome = { enriched: 0, unmatched: 0, missing: [] };
  if (!existsSync(resultsDir)) {
    outcome.missing = run.scenarios.map((s) => s.id);
    return outcome;
  }
  const byId = new Map(run.scenarios.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const journalLines = readJournalLines(join(runDir, 'journal.jsonl'));
  for (const file of readdirSync(resultsDir).filter((name) => name.endsWith('-result.json')).sort()) {
    const path = join(resultsDir, file);
    let result: TestResult;
    try {
      result = JSON.parse(readFileSync(path, 'utf8')) as TestResult;
    } catch {
      outcome.unmatched++; // not ours to repair: Allure reports an unreadable result itself
      continue;
    }
    const id = result.labels?.find((label) => label.name === SCENARIO_LABEL)?.value;
    const scenario = id === undefined ? undefined : byId.get(id);
    if (!scenario) {
      outcome.unmatched++;
      continue;
    }
    seen.add(scenario.id);
    enrichResult(runDir, result, scenario, run, journalLines);
    // Written whole, then renamed: a reader never sees half a result.
    writeFileSync(`${path}.tmp`, JSON.stringify(result));
    renameSync(`${path}.tmp`, path);
    outcome.enriched++;
  }
  outcome.missing = run.scenarios.filter((s) => !seen.has(s.id)).map((s) => s.id);
  return outcome;
}

function enrichResult(runDir: string, result: TestResult, scenario: ScenarioSummary, run: RunSummary, journalLines: readonly string[]): void {
  const ours = new Set<string>(SCS_LABELS);
  result.labels = [...(result.labels ?? []).filter((label: Label) => !ours.has(label.name)), ...scenarioLabels(scenario, run)];
  const ourParameters = new Set<string>(SCS_PARAMETERS);
  result.parameters = [...(result.parameters ?? []).filter((p: Parameter) => !ourParameters.has(p.name)), ...scenarioParameters(scenario, run)];

  const status = allureStatusOf(scenario);
  const trace = status === 'passed' ? undefined : result.statusDetails?.trace;
  result.status = status as TestResult['status'];
  result.statusDetails = { message: allureStatusMessage(scenario), ...(trace ? { trace } : {}) };
  result.description = withVerdictSection(result.description, scenario);

  const resultsDir = join(runDir, ALLURE_RESULTS);
  const prefix = `${result.uuid}-scs-`;
  const kept = (result.attachments ?? []).filter((a) => !a.source.startsWith(prefix));
  const added = scenarioAttachments(runDir, scenario, journalLines).map((a) => {
    const source = `${prefix}${a.key}-attachment.${a.extension}`;
    writeFileSync(join(resultsDir, source), a.content);
    return { name: a.name, type: a.type, source };
  });
  result.attachments = [...added, ...kept];
}

function readJournalLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim());
}

/**
 * enrichAfterRun: enrichAllureResults at the end of `scs-chaos run`, where a report problem must not change the
 * run's verdicts or exit code: it is logged, and `scs-chaos report` tries again.
 */
export function enrichAfterRun(runDir: string, run: RunSummary, log: (line: string) => void): void {
  try {
    enrichAllureResults(runDir, run);
  } catch (error) {
    log(`Allure results not enriched (${(error as Error).message}); \`scs-chaos report ${runDir}\` tries again`);
  }
}
