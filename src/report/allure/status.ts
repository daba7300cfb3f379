/**
 * allureStatusOf: a scenario's Allure status, from OUR verdict (summary.json), never from Cucumber's step
 * status. The status answers the question the run's exit code answers: did the scenario end as expected?
 *
 *   as expected (passed, or the verdict its @expect-… tag names)   → passed
 *   failed (hypothesis refuted)                                     → failed
 *   passed, but a tag expected another verdict                      → failed  (the expected refutation did not come)
 *   aborted by a halt floor (summary.halt set)                      → failed  (the system crossed its hard floor)
 *   aborted by an interruption (SIGINT/SIGTERM, no halt)            → broken  (the experiment did not finish)
 *   not-steady (SLOs did not hold before any fault)                 → broken  (nothing was tested)
 *   compromised (could not inject, observe, measure or revert)      → broken
 *
 * Allure's "failed" means the system under test broke its promise; "broken" means the test could not do its
 * job — the same split as HypothesisRefuted and ExperimentCompromised (STYLE.md "two kinds of red").
 */
import type { ScenarioSummary } from '../../model/summary';

export type AllureStatus = 'passed' | 'failed' | 'broken' | 'skipped';

export function allureStatusOf(scenario: ScenarioSummary): AllureStatus {
  if (scenario.asExpected) return 'passed';
  switch (scenario.verdict) {
    case 'passed':
    case 'failed':
      return 'failed';
    case 'aborted':
      return scenario.halt ? 'failed' : 'broken';
    case 'not-steady':
    case 'compromised':
      return 'broken';
  }
}

/** allureStatusMessage: the first line a reader sees on the test page: the verdict, whether expected, and why. */
export function allureStatusMessage(scenario: ScenarioSummary): string {
  const expected = scenario.expectedVerdict;
  let head: string;
  if (scenario.asExpected) head = expected && expected !== 'passed' ? `verdict ${scenario.verdict}, as expected (@expect-${expected})` : `verdict ${scenario.verdict}`;
  else head = expected ? `verdict ${scenario.verdict}, expected ${expected} (@expect-${expected})` : `verdict ${scenario.verdict}`;
  return scenario.reason ? `${head}: ${scenario.reason}` : head;
}
