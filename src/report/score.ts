/**
 * The resilience score of a run (docs/decisions/0082-score-gate-and-machine-reports.md):
 *
 *   score = Σ weight(s) · credit(s) / Σ weight(s)      over every scenario s of the run, rounded to 3 decimals
 *
 *   weight(s) = n for a scenario tagged @failsafe-Ln (n = 1..4, the SCS taxonomy of failsafe levels: 1 a disk
 *               or host, 2 a rack or switch, 3 a site, 4 a region); the highest such tag counts; 1 without one.
 *               Surviving a higher-level failure proves more redundancy, so it counts more.
 *   credit(s) = 1 when the scenario ended as expected (verdict passed, or the one its @expect-… tag declares),
 *               0 otherwise — and always 0 for "compromised" (the experiment broke: nothing was shown) and
 *               "not-steady" (the cloud missed its SLOs before any fault: nothing could be shown).
 *
 * A run without scenarios has no score (null), never 0 or 1.
 */
import type { ScenarioSummary, Verdict } from '../model/summary';

/** FAILSAFE_TAG: `@failsafe-L1` … `@failsafe-L4`, the SCS failsafe level of the failure a scenario injects. */
export const FAILSAFE_TAG = /^@failsafe-L([1-4])$/;

/** Verdicts that never earn credit, whatever a tag expected: they show nothing about the cloud's resilience. */
const NO_CREDIT: ReadonlySet<Verdict> = new Set<Verdict>(['compromised', 'not-steady']);

/** failsafeLevel: the highest @failsafe-Ln tag of a scenario (1..4), or undefined without one. */
export function failsafeLevel(tags: readonly string[]): number | undefined {
  let level: number | undefined;
  for (const tag of tags) {
    const match = FAILSAFE_TAG.exec(tag);
    if (match) level = Math.max(level ?? 0, Number(match[1]));
  }
  return level;
}

/** scenarioWeight: the weight of a scenario in the score, its failsafe level (1 without a level tag). */
export function scenarioWeight(scenario: Pick<ScenarioSummary, 'tags'>): number {
  return failsafeLevel(scenario.tags) ?? 1;
}

/** scenarioCredit: 1 when the scenario counts as shown resilient (as expected, not compromised or not-steady), else 0. */
export function scenarioCredit(scenario: Pick<ScenarioSummary, 'verdict' | 'asExpected'>): 0 | 1 {
  return scenario.asExpected && !NO_CREDIT.has(scenario.verdict) ? 1 : 0;
}

/** computeResilienceScore: the run's score 0..1 (formula above), rounded to 3 decimals; null without scenarios. */
export function computeResilienceScore(scenarios: ReadonlyArray<Pick<ScenarioSummary, 'tags' | 'verdict' | 'asExpected'>>): number | null {
  let weights = 0;
  let earned = 0;
  for (const scenario of scenarios) {
    const weight = scenarioWeight(scenario);
    weights += weight;
    earned += weight * scenarioCredit(scenario);
  }
  if (weights === 0) return null;
  return Math.round((earned / weights) * 1000) / 1000;
}
