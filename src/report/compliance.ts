/**
 * Reports for SCS's compliance tooling (SovereignCloudStack/standards, Tests/): compliance.txt holds one
 * `<scenario-id>: PASS|FAIL|ABORT` line per scenario — the line format its check scripts print and
 * scs-compliance-check reads (split at the last colon, so ids like "features/x.feature:7" are safe) — and
 * compliance.yaml a report shaped like scs-compliance-check's `--output` (spec, checked_at, subject, run with
 * one invocation whose results map test case id to 1 PASS, 0 ABORT, -1 FAIL), plus the scenarios' details.
 *
 * Mapping, the same as junit.xml's (docs/decisions/0082-score-gate-and-machine-reports.md):
 *   PASS   the scenario ended as expected: passed, or the verdict its @expect-… tag declared
 *   FAIL   the cloud was measured and found wanting: failed or not-steady, or passed against an @expect tag
 *   ABORT  the test could not be carried out: aborted (safety halt, interruption) or compromised
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RunSummary, ScenarioSummary } from '../model/summary';

export type ComplianceResult = 'PASS' | 'FAIL' | 'ABORT';

/** The numbers scs-compliance-check uses for results; their order matters there (FAIL < ABORT < PASS). */
export const COMPLIANCE_VALUES: Readonly<Record<ComplianceResult, -1 | 0 | 1>> = { PASS: 1, ABORT: 0, FAIL: -1 };

/** complianceResult: PASS, FAIL or ABORT for one scenario (mapping above). */
export function complianceResult(scenario: Pick<ScenarioSummary, 'verdict' | 'asExpected'>): ComplianceResult {
  if (scenario.asExpected) return 'PASS';
  if (scenario.verdict === 'aborted' || scenario.verdict === 'compromised') return 'ABORT';
  return 'FAIL'; // failed, not-steady, or passed although a tag expected otherwise
}

/** complianceLines: compliance.txt's text, one `<id>: RESULT` line per scenario in run order. */
export function complianceLines(summary: RunSummary): string {
  return summary.scenarios.map((s) => `${oneLine(s.id)}: ${complianceResult(s)}\n`).join('');
}

/** complianceReport: compliance.yaml's content; `subject` names the cloud (default: the environment's name). */
export function complianceReport(summary: RunSummary, subject = summary.environment): Record<string, unknown> {
  const results = Object.fromEntries(summary.scenarios.map((s) => [oneLine(s.id), COMPLIANCE_VALUES[complianceResult(s)]]));
  const count = (r: ComplianceResult): number => summary.scenarios.filter((s) => complianceResult(s) === r).length;
  return {
    spec: { name: 'scs-chaos resilience scenarios', url: null },
    checked_at: summary.finishedAt,
    reference_date: summary.startedAt.slice(0, 10),
    subject,
    run: {
      uuid: summary.runId,
      invocations: {
        [summary.runId]: {
          id: summary.runId,
          cmd: 'scs-chaos run',
          rc: summary.exitCode,
          results,
          critical: count('ABORT'),
          error: count('FAIL'),
        },
      },
    },
    resilience_score: summary.resilienceScore,
    scenarios: summary.scenarios.map((s) => ({
      id: s.id,
      name: s.name,
      result: complianceResult(s),
      verdict: s.verdict,
      ...(s.expectedVerdict ? { expected_verdict: s.expectedVerdict } : {}),
      tags: s.tags,
      ...(s.reason ? { reason: s.reason } : {}),
    })),
  };
}

/** writeComplianceReports: RUN_DIR/compliance.txt and RUN_DIR/compliance.yaml for a finished run. */
export function writeComplianceReports(runDir: string, summary: RunSummary, subject?: string): void {
  writeFileSync(join(runDir, 'compliance.txt'), complianceLines(summary));
  writeFileSync(join(runDir, 'compliance.yaml'), `---\n${stringify(complianceReport(summary, subject), { lineWidth: 0 })}`);
}

/** A scenario id on one line: a line break would split the result line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
