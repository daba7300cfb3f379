/**
 * writeRunReports: summary.json and junit.xml for a finished run, derived from the scenario summaries.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERDICTS, type RunSummary, type ScenarioSummary, type Verdict } from './summary-types';
import { toJunitXml } from './junit';
import { exitCodeOf } from '../core/verdict';

export function buildRunSummary(input: {
  runId: string;
  environment: string;
  startedAt: string;
  scenarios: ScenarioSummary[];
  seed?: number;
}): RunSummary {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const scenario of input.scenarios) counts[scenario.verdict]++;
  const unexpected = input.scenarios.filter((s) => !s.asExpected).map((s) => s.verdict === 'passed' ? 'failed' : s.verdict);
  const total = input.scenarios.length;
  return {
    runId: input.runId,
    environment: input.environment,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    scenarios: input.scenarios,
    counts,
    resilienceScore: total === 0 ? null : Math.round((input.scenarios.filter((s) => s.asExpected).length / total) * 1000) / 1000,
    exitCode: exitCodeOf(unexpected),
  };
}

export function writeRunReports(runDir: string, summary: RunSummary): void {
  writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(runDir, 'junit.xml'), toJunitXml(summary));
}
