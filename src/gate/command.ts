/**
 * `scs-chaos gate --policy FILE [--baseline RUN_DIR] [RUN_DIR]`: passes (exit 0) or fails (exit 1) a run
 * against a policy, printing one line per check and PASS or FAIL last; bad input is exit 2 with a fix. RUN_DIR
 * defaults to reports/latest. The result is written to RUN_DIR/gate.json and into summary.json's `gate` field.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BadInput, errorMessage } from '../kernel/errors';
import type { GateResult, RunSummary } from '../model/summary';
import { parseFlags } from '../cli/flags';
import { evaluateGate } from './evaluate';
import { loadGatePolicy } from './policy';
import { readRunSummary } from './read-run';

export async function gateCommand(args: string[], out: (line: string) => void, log: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(args, { policy: { type: 'string' }, baseline: { type: 'string' } });
  if (!values.policy) throw new BadInput('gate needs --policy FILE', undefined, 'scs-chaos gate --policy ci/gate.yaml [--baseline RUN_DIR] [RUN_DIR]');
  if (positionals.length > 1) throw new BadInput(`gate takes one run directory, got ${positionals.length}: ${positionals.join(' ')}`, undefined, 'pass the baseline with --baseline RUN_DIR');
  const policy = loadGatePolicy(resolve(values.policy));
  const runDir = resolve(positionals[0] ?? 'reports/latest');
  const run = readRunSummary(runDir, 'run');
  const baseline = values.baseline === undefined ? undefined : { summary: readRunSummary(resolve(values.baseline), 'baseline'), path: values.baseline };

  const result = evaluateGate({ run, policy, policyPath: values.policy, ...(baseline ? { baseline } : {}) });
  out(`gate: run ${run.runId} (${run.scenarios.length} scenarios), policy ${values.policy}${baseline ? `, baseline ${baseline.summary.runId}` : ''}`);
  for (const check of result.checks) out(`  ${check.passed ? 'ok  ' : 'FAIL'}  ${check.reason}`);
  const failed = result.checks.filter((c) => !c.passed).length;
  out(result.passed ? `gate: PASS (${result.checks.length} checks)` : `gate: FAIL (${failed} of ${result.checks.length} checks failed)`);
  recordResult(runDir, run, result, log);
  return result.passed ? 0 : 1;
}

/** Writes gate.json and the summary's `gate` field; a read-only run directory costs the record, not the verdict. */
function recordResult(runDir: string, run: RunSummary, result: GateResult, log: (line: string) => void): void {
  try {
    writeFileSync(join(runDir, 'gate.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify({ ...run, gate: result }, null, 2)}\n`);
  } catch (error) {
    log(`scs-chaos gate: could not record the result in ${runDir}: ${errorMessage(error)} (the verdict above stands)`);
  }
}
