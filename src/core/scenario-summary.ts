/** scenarioSummary: the summary.json entry of one finished scenario, from what its Experiment recorded. */
import { wallClockAt } from '../kernel/clock';
import { errorMessage, ExperimentCompromised } from '../kernel/errors';
import type { LoadReport } from '../model/load';
import type { ScenarioMeta } from '../model/scenario';
import type { AlertRecord, FaultRecord, HaltRecord, MeasuredEvent, RecoveryResult, ScenarioSummary, SloResult, Verdict } from '../model/summary';
import type { Injection } from './injection';
import { round3 } from './scenario-files';
import { expectedVerdictOf, verdictOf } from './verdict';

export interface ScenarioRecord {
  meta: ScenarioMeta;
  /** The error the scenario ended with (a failed revert first), or nothing: it decides the verdict. */
  ending: unknown;
  injections: readonly Injection[];
  slos: SloResult[];
  recoveries: RecoveryResult[];
  events: MeasuredEvent[];
  loads: LoadReport[];
  /** Alert records (issue 15), when the scenario judged any. */
  alerts?: AlertRecord[];
  halt: HaltRecord | null;
  startedAtWall: string;
  durationMs: number;
}

export function scenarioSummary(record: ScenarioRecord): ScenarioSummary {
  const { ending } = record;
  const verdict: Verdict = verdictOf(ending);
  const expectedVerdict = expectedVerdictOf(record.meta.tags);
  const summary: ScenarioSummary = {
    ...record.meta,
    verdict,
    asExpected: verdict === (expectedVerdict ?? 'passed'),
    faults: record.injections.map((i) => faultRecord(i)),
    slos: record.slos,
    recovery: record.recoveries,
    ...(record.events.length ? { events: record.events } : {}),
    startedAt: record.startedAtWall,
    finishedAt: new Date().toISOString(),
    durationSeconds: round3(record.durationMs / 1000),
  };
  if (expectedVerdict) summary.expectedVerdict = expectedVerdict;
  if (record.halt) summary.halt = record.halt;
  if (record.loads.length) summary.load = record.loads;
  if (record.alerts?.length) summary.alerts = record.alerts;
  if (ending) {
    summary.reason = errorMessage(ending);
    const evidence = (ending as { evidence?: Record<string, unknown> }).evidence;
    if (evidence) summary.evidence = evidence;
  }
  return summary;
}

function faultRecord(injection: Injection): FaultRecord {
  const record: FaultRecord = {
    injectionId: injection.id,
    kind: injection.fault.kind,
    target: injection.prepared?.target ?? injection.fault.describe(),
    reversible: injection.fault.reversible,
    ttlSeconds: injection.fault.reversible && injection.ttlMs !== null ? round3(injection.ttlMs / 1000) : null,
    injectedAt: injection.injectedAt !== null ? wallClockAt(injection.injectedAt) : '',
  };
  if (injection.observedAt !== null) record.observedAt = wallClockAt(injection.observedAt);
  if (injection.revertedAt !== null) record.revertedAt = wallClockAt(injection.revertedAt);
  if (injection.revertError !== null) record.revertError = injection.revertError;
  if (injection.observation !== null) record.observation = injection.observation;
  return record;
}

/**
 * endingOf: what the scenario ended with. A failed revert makes it compromised, but the error that ended the
 * scenario first (a fault "not observed", a refuted SLO) stays the first words of the reason: it is why the
 * scenario stopped, and the revert failure is what happened after.
 */
export function endingOf(scenarioError: unknown, revertProblem: unknown): unknown {
  if (!revertProblem) return scenarioError;
  if (!scenarioError) return revertProblem;
  return new ExperimentCompromised(`${errorMessage(scenarioError)}; then ${errorMessage(revertProblem)}`, { cause: revertProblem });
}

/**
 * notRunSummary: the entry of a planned scenario that never ran to its end — the run was interrupted (aborted), or
 * its shard of a sharded run left no report (compromised). Never "as expected": a scenario that did not run must
 * not pass for one that did.
 */
export function notRunSummary(meta: ScenarioMeta, verdict: Extract<Verdict, 'aborted' | 'compromised'>, reason: string, at = new Date().toISOString()): ScenarioSummary {
  return { ...meta, verdict, asExpected: false, reason, faults: [], slos: [], recovery: [], startedAt: at, finishedAt: at, durationSeconds: 0 };
}
