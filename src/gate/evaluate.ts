/**
 * evaluateGate: applies a gate policy to a run (and, for recovery regressions, a baseline run). Pure: it reads
 * summaries and returns one GateCheck per rule outcome, each with a one-line reason; the gate passes when every
 * check passes. The rules (docs/decisions/0082-score-gate-and-machine-reports.md):
 *   required-tag         each required tag is on at least one scenario credited in the score
 *   min-score            the resilience score (src/report/score.ts, recomputed) is at least minScore
 *   recovery-regression  per scenario id and probe, current recoverSeconds ≤ baseline · (1 + max%/100), or
 *                        at most recoveryToleranceSeconds slower; recovering never where the baseline did fails
 *   compromised          no compromised scenario unless allowCompromised
 *   not-steady           no not-steady scenario unless allowNotSteady
 *   alert-time, alert-resolve, remediation-time   the alert bounds of the policy (src/gate/alert-checks.ts)
 */
import type { GateCheck, GateResult, RecoveryResult, RunSummary, ScenarioSummary } from '../model/summary';
import { computeResilienceScore, scenarioCredit } from '../report/score';
import type { GatePolicy } from './policy';
import { alertChecks } from './alert-checks';

export interface GateInput {
  run: RunSummary;
  policy: GatePolicy;
  /** The policy file as given, kept in the result. */
  policyPath: string;
  baseline?: { summary: RunSummary; path: string };
  /** Clock for checkedAt (tests). */
  now?: () => Date;
}

export function evaluateGate(input: GateInput): GateResult {
  const { run, policy } = input;
  const checks: GateCheck[] = [
    ...requiredTagChecks(run.scenarios, policy.requiredTags),
    ...scoreChecks(run.scenarios, policy.minScore),
    ...regressionChecks(run, policy, input.baseline?.summary),
    verdictCheck(run.scenarios, 'compromised', policy.allowCompromised, 'allowCompromised'),
    verdictCheck(run.scenarios, 'not-steady', policy.allowNotSteady, 'allowNotSteady'),
    ...alertChecks(run, policy),
  ];
  return {
    passed: checks.every((c) => c.passed),
    policy: input.policyPath,
    ...(input.baseline ? { baseline: input.baseline.path } : {}),
    checkedAt: (input.now ?? (() => new Date()))().toISOString(),
    checks,
  };
}

function requiredTagChecks(scenarios: readonly ScenarioSummary[], tags: readonly string[]): GateCheck[] {
  return tags.map((tag) => {
    const tagged = scenarios.filter((s) => s.tags.includes(tag));
    const credited = tagged.filter((s) => scenarioCredit(s) === 1);
    if (credited.length > 0) {
      return { rule: 'required-tag', passed: true, reason: `required tag ${tag}: shown by ${list(credited.map((s) => s.id))}` };
    }
    const reason =
      tagged.length === 0
        ? `required tag ${tag}: no scenario of this run carries it (run the features that do, or drop it from the policy)`
        : `required tag ${tag}: none of its ${tagged.length} scenario(s) ended as expected: ${list(tagged.map((s) => `${s.id} ${s.verdict}`))}`;
    return { rule: 'required-tag', passed: false, reason };
  });
}

function scoreChecks(scenarios: readonly ScenarioSummary[], minScore: number | undefined): GateCheck[] {
  if (minScore === undefined) return [];
  const score = computeResilienceScore(scenarios);
  if (score === null) return [{ rule: 'min-score', passed: false, reason: `score: the run has no scenarios, so no score to hold against the minimum ${minScore.toFixed(3)}` }];
  const passed = score >= minScore;
  return [{ rule: 'min-score', passed, reason: `score ${score.toFixed(3)} ${passed ? 'meets' : 'is below'} the minimum ${minScore.toFixed(3)}` }];
}

/** One recovery measurement, keyed by scenario id, probe and its occurrence (a scenario may recover a probe twice). */
interface Measurement {
  key: string;
  label: string;
  recovery: RecoveryResult;
}

function measurements(run: RunSummary): Map<string, Measurement> {
  const byKey = new Map<string, Measurement>();
  for (const scenario of run.scenarios) {
    const seen = new Map<string, number>();
    for (const recovery of scenario.recovery) {
      const occurrence = (seen.get(recovery.probe) ?? 0) + 1;
      seen.set(recovery.probe, occurrence);
      const key = `${scenario.id}\u0000${recovery.probe}\u0000${occurrence}`;
      const label = `${scenario.id} probe ${recovery.probe}${occurrence > 1 ? ` (#${occurrence})` : ''}`;
      byKey.set(key, { key, label, recovery });
    }
  }
  return byKey;
}

function regressionChecks(run: RunSummary, policy: GatePolicy, baseline: RunSummary | undefined): GateCheck[] {
  const rule = 'recovery-regression';
  if (!baseline) return [{ rule, passed: true, reason: 'recovery regression: not checked, no --baseline run given' }];
  const current = measurements(run);
  const before = measurements(baseline);
  const allowed = policy.maxRecoveryRegressionPercent;
  const failures: GateCheck[] = [];
  let compared = 0;
  let worst: { label: string; percent: number } | undefined;
  for (const [key, base] of before) {
    const now = current.get(key);
    const b = base.recovery.recoverSeconds;
    if (!now || b === null) continue; // nothing to compare: scenario not in this run, or the baseline never recovered
    compared++;
    const c = now.recovery.recoverSeconds;
    if (c === null) {
      failures.push({ rule, passed: false, reason: `recovery regression: ${now.label} never recovered; the baseline recovered in ${seconds(b)}` });
      continue;
    }
    const slower = c - b;
    const percent = b > 0 ? (slower / b) * 100 : slower > 0 ? Infinity : 0;
    if (!worst || percent > worst.percent) worst = { label: now.label, percent };
    if (slower > policy.recoveryToleranceSeconds && percent > allowed) {
      failures.push({
        rule,
        passed: false,
        reason: `recovery regression: ${now.label} recovered in ${seconds(c)}, baseline ${seconds(b)} (${signedPercent(percent)}, allowed +${allowed}% or +${seconds(policy.recoveryToleranceSeconds)})`,
      });
    }
  }
  if (failures.length > 0) return failures;
  const reason =
    compared === 0
      ? `recovery regression: no recovery measurement in common with the baseline ${baseline.runId} (different scenarios or probes)`
      : `recovery regression: ${compared} measurement(s) within +${allowed}% (or +${seconds(policy.recoveryToleranceSeconds)}) of baseline ${baseline.runId}` +
        (worst ? `; slowest change ${signedPercent(worst.percent)} at ${worst.label}` : '');
  return [{ rule, passed: true, reason }];
}

function verdictCheck(scenarios: readonly ScenarioSummary[], verdict: 'compromised' | 'not-steady', allowed: boolean, key: string): GateCheck {
  const found = scenarios.filter((s) => s.verdict === verdict);
  if (found.length === 0) return { rule: verdict, passed: true, reason: `${verdict}: no scenario` };
  if (allowed) return { rule: verdict, passed: true, reason: `${verdict}: ${found.length} scenario(s), allowed by ${key}: ${list(found.map((s) => s.id))}` };
  const why = found.map((s) => `${s.id}${s.reason ? ` (${firstLine(s.reason)})` : ''}`);
  return { rule: verdict, passed: false, reason: `${verdict}: ${found.length} scenario(s), not allowed: ${list(why)}` };
}

function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function seconds(value: number): string {
  return `${value.toFixed(2)}s`;
}

function signedPercent(percent: number): string {
  if (!Number.isFinite(percent)) return 'from 0s';
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(0)}%`;
}
