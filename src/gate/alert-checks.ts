/**
 * The gate's alert rules (issue 15), each optional in the policy:
 *   maxAlertSeconds        every expected alert of the run fired within this many seconds of its injection
 *   maxResolveSeconds      ... and resolved within this many seconds after the end of its fault
 *   maxRemediationSeconds  every remediation the run judged ended within this many seconds of its injection
 * Scenarios with an @expect-… tag are demonstrations (a broken rule on purpose) and are not held to them. With any
 * of the keys set, a run that judged no alert at all fails: the figures the gate requires are missing.
 */
import type { AlertRecord, GateCheck, RunSummary } from '../model/summary';

export interface AlertPolicy {
  maxAlertSeconds?: number;
  maxResolveSeconds?: number;
  maxRemediationSeconds?: number;
}

type Judged = AlertRecord & { scenario: string };

function check(rule: string, what: string, limit: number | undefined, records: readonly Judged[], valueOf: (a: Judged) => number | null | undefined, applies: (a: Judged) => boolean): GateCheck[] {
  if (limit === undefined) return [];
  const relevant = records.filter(applies);
  if (relevant.length === 0) return [{ rule, passed: false, reason: `${what}: the run judged none, so there is nothing to hold against ${limit}s (run features that watch alerts)` }];
  const over = relevant.filter((a) => {
    const v = valueOf(a);
    return v === null || v === undefined || v > limit;
  });
  const describe = (a: Judged): string => `${a.scenario} ${a.alert}${a.node ? ` for ${a.node}` : ''} ${valueOf(a) ?? 'never'}`;
  if (over.length) return [{ rule, passed: false, reason: `${what} above ${limit}s: ${over.map(describe).join(', ')}` }];
  const slowest = Math.max(...relevant.map((a) => valueOf(a) ?? 0));
  return [{ rule, passed: true, reason: `${what}: ${relevant.length} within ${limit}s (slowest ${slowest}s)` }];
}

/** alertChecks: one check per alert rule the policy sets. */
export function alertChecks(run: RunSummary, policy: AlertPolicy): GateCheck[] {
  const records: Judged[] = run.scenarios.filter((s) => s.expectedVerdict === undefined).flatMap((s) => (s.alerts ?? []).filter((a) => !a.falseAlarm).map((a) => ({ ...a, scenario: s.id })));
  return [
    ...check('alert-time', 'time to alert', policy.maxAlertSeconds, records, (a) => a.alertSeconds, () => true),
    ...check('alert-resolve', 'time to resolve', policy.maxResolveSeconds, records, (a) => a.resolveSeconds, (a) => a.resolveSeconds !== undefined),
    ...check('remediation-time', 'time to remediate', policy.maxRemediationSeconds, records, (a) => a.remediation?.remediateSeconds, (a) => a.remediation?.configured === true),
  ];
}
