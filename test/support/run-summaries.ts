/**
 * Builders of scenario and run summaries for unit tests. Runs are made by the real buildRunSummary, so a test
 * sees the same counts, score and exit code a run would write.
 */
import type { RecoveryResult, RunSummary, ScenarioSummary, Verdict } from '../../src/model/summary';
import { buildRunSummary } from '../../src/report/write-run';

let nextLine = 1;

/** scenarioSummary: a finished scenario of `verdict`, as expected when passed unless overridden. */
export function scenarioSummary(verdict: Verdict, overrides: Partial<ScenarioSummary> = {}): ScenarioSummary {
  nextLine += 4;
  const feature = overrides.feature ?? 'features/lab/test.feature';
  const line = overrides.line ?? nextLine;
  return {
    id: `${feature}:${line}`,
    name: `scenario at line ${line}`,
    feature,
    line,
    tags: ['@lab'],
    verdict,
    asExpected: verdict === 'passed',
    faults: [],
    slos: [],
    recovery: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    durationSeconds: 10,
    ...overrides,
  };
}

/** recoveryOf: a recovery measurement of `probe` that took `recoverSeconds` (null: never stable again). */
export function recoveryOf(probe: string, recoverSeconds: number | null, boundSeconds = 30): RecoveryResult {
  return { probe, detectSeconds: 0.5, recoverSeconds, boundSeconds, met: recoverSeconds !== null && recoverSeconds <= boundSeconds, from: 'revert' };
}

/** runSummary: a run of `scenarios` built by buildRunSummary. */
export function runSummary(scenarios: ScenarioSummary[], runId = '2026-01-01T00-00-00Z-test'): RunSummary {
  return buildRunSummary({ runId, environment: 'lab', startedAt: '2026-01-01T00:00:00.000Z', scenarios, seed: 7 });
}
