/**
 * buildComparison: several runs of the same features (against several clouds, or SCS versions) side by side —
 * per run its environment, score, counts, exit code and gate; per scenario one cell per run with the verdict and
 * the recovery times, and what differs between the runs. The release manager's table before gating a release
 * (`scs-chaos compare`, issue 16). Pure: built from RunSummary values only; compare.json is this object.
 *
 * A scenario is "the same" across runs by id (feature file and line), else by its unique name (as for baselines).
 * Recovery times differ when one run stabilized and another did not, when `met` differs, or when they are further
 * apart than RECOVERY_TOLERANCE — the gate's default regression rule (ci/gate.yaml: 25 %, at least 0.5 s).
 */
import type { RecoveryResult, RunSummary, ScenarioSummary, Verdict } from '../../model/summary';
import { baselineScenarioFor } from '../html/baseline';

export const RECOVERY_TOLERANCE = { percent: 25, seconds: 0.5 } as const;

export interface ComparedRun {
  runId: string;
  environment: string;
  /** The run directory as given (the page links its index.html). */
  dir: string;
  startedAt: string;
  finishedAt: string;
  resilienceScore: number | null;
  counts: Record<Verdict, number>;
  exitCode: number;
  /** The gate's verdict, when `scs-chaos gate` judged the run. */
  gatePassed?: boolean;
}

export interface ComparedCell {
  verdict: Verdict;
  asExpected: boolean;
  reason?: string;
  recovery: RecoveryResult[];
}

export interface ComparedScenario {
  id: string;
  name: string;
  /** One per run, in the runs' order; null where that run has no such scenario. */
  cells: (ComparedCell | null)[];
  /** What differs between the runs, for people: "verdict", "missing in <env>", "recovery of web". Empty: the same. */
  differences: string[];
}

export interface Comparison {
  generatedAt: string;
  runs: ComparedRun[];
  scenarios: ComparedScenario[];
  /** True when the resilience scores are not all equal. */
  scoresDiffer: boolean;
  recoveryTolerance: typeof RECOVERY_TOLERANCE;
}

export interface RunInput {
  dir: string;
  summary: RunSummary;
}

export function buildComparison(inputs: readonly RunInput[], generatedAt = new Date().toISOString()): Comparison {
  const runs = inputs.map(({ dir, summary }): ComparedRun => ({
    runId: summary.runId,
    environment: summary.environment,
    dir,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    resilienceScore: summary.resilienceScore,
    counts: summary.counts,
    exitCode: summary.exitCode,
    ...(summary.gate ? { gatePassed: summary.gate.passed } : {}),
  }));
  // Every scenario of any run, in the order of the first run that has it.
  const rows: ScenarioSummary[] = [];
  for (const { summary } of inputs) {
    for (const scenario of summary.scenarios) if (!rows.some((row) => sameScenario(row, scenario, summary))) rows.push(scenario);
  }
  const scenarios = rows.map((row): ComparedScenario => {
    const cells = inputs.map(({ summary }) => {
      const match = baselineScenarioFor(row, summary);
      return match ? cellOf(match) : null;
    });
    return { id: row.id, name: row.name, cells, differences: differencesOf(cells, runs) };
  });
  const scores = new Set(runs.map((r) => (r.resilienceScore === null ? 'none' : r.resilienceScore.toFixed(3))));
  return { generatedAt, runs, scenarios, scoresDiffer: scores.size > 1, recoveryTolerance: RECOVERY_TOLERANCE };
}

function sameScenario(row: ScenarioSummary, scenario: ScenarioSummary, run: RunSummary): boolean {
  return baselineScenarioFor(row, run) === scenario;
}

function cellOf(scenario: ScenarioSummary): ComparedCell {
  return { verdict: scenario.verdict, asExpected: scenario.asExpected, ...(scenario.reason ? { reason: scenario.reason } : {}), recovery: scenario.recovery };
}

function differencesOf(cells: readonly (ComparedCell | null)[], runs: readonly ComparedRun[]): string[] {
  const differences: string[] = [];
  cells.forEach((cell, i) => {
    if (!cell) differences.push(`missing in ${runs[i]?.environment ?? `run ${i + 1}`}`);
  });
  const present = cells.filter((c): c is ComparedCell => c !== null);
  if (new Set(present.map((c) => `${c.verdict}/${c.asExpected}`)).size > 1) differences.push('verdict');
  const probes = [...new Set(present.flatMap((c) => c.recovery.map((r) => r.probe)))];
  for (const probe of probes) {
    const results = present.map((c) => c.recovery.find((r) => r.probe === probe));
    if (recoveriesDiffer(results)) differences.push(`recovery of ${probe}`);
  }
  return differences;
}

/** recoveriesDiffer: one probe's recovery across runs differs beyond the tolerance (or is missing in some). */
export function recoveriesDiffer(results: readonly (RecoveryResult | undefined)[]): boolean {
  if (results.some((r) => r === undefined)) return true;
  const defined = results as RecoveryResult[];
  if (new Set(defined.map((r) => r.met)).size > 1) return true;
  const times = defined.map((r) => r.recoverSeconds);
  if (times.some((t) => t === null)) return !times.every((t) => t === null);
  const numbers = times as number[];
  const low = Math.min(...numbers);
  const high = Math.max(...numbers);
  return high - low > Math.max(RECOVERY_TOLERANCE.seconds, (low * RECOVERY_TOLERANCE.percent) / 100);
}
