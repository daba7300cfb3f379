/**
 * The release gate's result as the page shows it: `scs-chaos gate` records a GateResult in summary.json under
 * "gate" (src/gate/); the page shows passed/failed, the policy, and one line per failed check (all checks when it
 * passed, so a reader sees what was judged).
 */
import type { RunSummary } from '../../model/summary';

/** GateView: what the page prints of a gate result. */
export interface GateView {
  passed: boolean;
  policy: string;
  lines: string[];
}

/** gateOf: the gate result of `summary`, or undefined when the run was not gated. */
export function gateOf(summary: RunSummary): GateView | undefined {
  const gate = summary.gate;
  if (!gate) return undefined;
  const shown = gate.passed ? gate.checks : gate.checks.filter((check) => !check.passed);
  const baseline = gate.baseline ? `, baseline ${gate.baseline}` : '';
  return { passed: gate.passed, policy: `${gate.policy}${baseline}`, lines: shown.map((check) => `${check.passed ? 'ok' : 'FAIL'} ${check.rule}: ${check.reason}`) };
}
