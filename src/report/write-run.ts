/**
 * writeRunReports: summary.json, junit.xml, compliance.txt and compliance.yaml for a finished run, derived from
 * the scenario summaries.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERDICTS, type RunSummary, type ScenarioSummary, type Verdict } from '../model/summary';
import { toJunitXml } from './junit';
import { exitCodeOf } from '../core/verdict';
import { computeResilienceScore } from './score';
import { writeComplianceReports } from './compliance';

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
  return {
    runId: input.runId,
    environment: input.environment,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    scenarios: input.scenarios,
    counts,
    resilienceScore: computeResilienceScore(input.scenarios),
    exitCode: exitCodeOf(unexpected),
  };
}

export function writeRunReports(runDir: string, summary: RunSummary): void {
  writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(runDir, 'junit.xml'), toJunitXml(summary));
  writeComplianceReports(runDir, summary);
}
