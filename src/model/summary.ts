/**
 * The shape of reports/<run-id>/summary.json (DESIGN.md section 10). Every report format (JUnit, console,
 * later Allure and HTML) is derived from these values, never from Cucumber's own results.
 */

import type { LoadReport } from './load';

export type Verdict = 'passed' | 'failed' | 'not-steady' | 'aborted' | 'compromised';

export const VERDICTS: readonly Verdict[] = ['passed', 'failed', 'not-steady', 'aborted', 'compromised'];

export type Phase = 'before' | 'during' | 'after';

export interface FaultRecord {
  injectionId: string;
  /** Fault kind, e.g. "network-isolate", "process-kill", "process-pause". */
  kind: string;
  /** Human name of the target, e.g. "node-1" or "web on node-2". */
  target: string;
  /** False for one-shot faults (kill): nothing to revert, healing is what is tested. */
  reversible: boolean;
  ttlSeconds: number | null;
  /** Wall-clock ISO times. observedAt: when the fault was verified to be in effect. */
  injectedAt: string;
  observedAt?: string;
  revertedAt?: string;
  /** Set when revert failed; the scenario is then "compromised". */
  revertError?: string;
  /** How the fault was seen in effect (set once it was observed). */
  observation?: FaultObservation;
}

/**
 * FaultObservation: the proof that a fault was in effect. `data-plane`: traffic was sent and met the fault (each
 * check says from where, what, what had to happen and what did); `state`: only the fault's own state could be
 * read (a tc qdisc, a stopped process), for faults no single packet can prove.
 */
export interface FaultObservation {
  evidence: string;
  proof: 'data-plane' | 'state';
  checks?: DataPlaneCheck[];
  /** Packets the fault's own rules counted during the checks (nft counters), when it has any. */
  countedPackets?: number;
}

/** DataPlaneCheck: one knock of a data-plane proof (src/kinds/hosts/network/data-plane.ts). */
export interface DataPlaneCheck {
  /** The node the traffic was sent from. */
  from: string;
  /** What was sent, e.g. "tcp connect to 198.18.0.11:9". */
  traffic: string;
  /** What had to happen under the fault. */
  expect: string;
  /** What the same traffic met before the fault (the baseline), where one is taken. */
  before?: string;
  /** What it met under the fault. */
  observed: string;
  ok: boolean;
  /** Why the check proves nothing and was left out (its baseline was silent already). */
  skipped?: string;
}

export interface SloResult {
  /** The probe the SLO is judged on, e.g. "web". */
  probe: string;
  /** The SLO as written, e.g. "availability >= 95%". */
  expression: string;
  /** The phase judged; "run" for SLOs judged on a whole load run's summary (k6), which has no phases. */
  phase: Phase | 'run';
  /** The observed value in the SLO's unit (ratio 0..1 for availability and rates, ms for latency); null without samples. */
  observed: number | null;
  /** The observed value formatted like the expression, e.g. "97.3%" or "412ms". */
  observedText: string;
  met: boolean;
  /** Number of samples the judgement rests on. */
  samples: number;
  /**
   * Degradation against the steady state (during and after phases only): the same metric over the "before"
   * window, and the change from it — absolute in the SLO's unit, and in percent of the baseline.
   */
  baseline?: { observed: number; observedText: string; change: number; changePercent: number | null };
}

/** HaltRecord: a hard floor that stopped the scenario, and how fast. */
export interface HaltRecord {
  probe: string;
  /** The floor as written, e.g. "availability >= 50%" over the window. */
  expression: string;
  windowSeconds: number;
  /** Wall-clock time the floor was first seen crossed, and when every fault was reverted. */
  crossedAt: string;
  revertedAt: string | null;
  /** Seconds from crossing to the last fault reverted. */
  haltSeconds: number | null;
}

export interface RecoveryResult {
  probe: string;
  /** Injection to first SLO breach; null when no breach was seen. */
  detectSeconds: number | null;
  /** Revert (or injection, for one-shot faults) to the start of the stable period; null if it never stabilized. */
  recoverSeconds: number | null;
  boundSeconds: number;
  met: boolean;
  /** What recovery is measured from. */
  from: 'revert' | 'injection';
}

/**
 * MeasuredEvent: an event of the system under test, timed by the system's OWN stamp rather than by when a probe
 * happened to notice — e.g. an OSD marked down at the moment the monitor made the OSD map epoch that says so.
 */
export interface MeasuredEvent {
  /** "osd-down", "osd-out", "active+clean". */
  kind: string;
  /** For people: "osd.1 seen down", "all PGs active+clean". */
  event: string;
  /** The system's stamp (ISO, UTC). */
  at: string;
  /**
   * Seconds from `from` to `at`. Negative when the event happened while the fault was being applied (injection
   * counts from when apply() returned; a killed OSD can be marked down before that), or when the daemon's
   * clock runs behind the runner's.
   */
  afterSeconds: number;
  from: 'injection' | 'revert';
  /** Where the stamp comes from: "osdmap e81", "pgmap v455". */
  source: string;
  /** False when the readings skipped versions, so `at` is the first version seen with the event (an upper bound). */
  exact: boolean;
  /** The probe's interpolated time of the same event, seconds after `from`, for comparison. */
  probeSeconds: number | null;
  /** The cluster log's stamp of the same event, seconds after `from`, when the log has it. */
  logSeconds: number | null;
}

/**
 * RemediationRecord: what the remediation service's audit log says it did for an alert of the scenario (issue 15):
 * the entry's own times, or `configured: false` when the log shows the alert reached it and no rule answers it.
 */
export interface RemediationRecord {
  /** The policy rule's name ("restart-backend"); absent when none is configured. */
  name?: string;
  configured: boolean;
  action?: string;
  /** The node the action acted on, as the audit log records it. */
  node?: string;
  /** The node the scenario expected it on. */
  expectedNode?: string;
  startedAt?: string;
  finishedAt?: string;
  result?: 'ok' | 'failed' | 'skipped';
  output?: string;
  /** The audit log entry's number. */
  auditSeq?: number;
  /** Seconds from the injection to the action's end (time to remediate). */
  remediateSeconds?: number | null;
  boundSeconds?: number;
  /** Seconds from the action's end until the probe named by "recovers within ... after the remediation" was stable. */
  recoverAfterSeconds?: number | null;
  met: boolean;
}

/**
 * AlertRecord: one alert a scenario judged (issue 15), timed by the alerting system's own stamps — Alertmanager's
 * startsAt (the Prometheus rule evaluation that made it fire) and the end of its ALERTS series (the evaluation
 * that resolved it) — or a false alarm: an alert active during the steady state.
 */
export interface AlertRecord {
  alert: string;
  /** The node the scenario expected it for (its `node` label); null for an alert judged without one. */
  node: string | null;
  /** True for an alert that was active during the steady state (the scenario failed on it). */
  falseAlarm?: boolean;
  fingerprint?: string;
  labels?: Record<string, string>;
  /** Alertmanager's startsAt (ISO); null when it did not fire. */
  firedAt: string | null;
  /** The first ALERTS{alertstate="firing"} sample of the series (Prometheus's own stamp). */
  prometheusFiredAt?: string | null;
  /** Seconds from the injection to firedAt (time to alert). */
  alertSeconds: number | null;
  alertBoundSeconds?: number;
  /** When it resolved: the evaluation after its last firing sample (ISO); null while it did not. */
  resolvedAt?: string | null;
  /** Where resolvedAt comes from: "ALERTS series + 1s evaluation interval", or "Alertmanager stopped listing it". */
  resolvedSource?: string;
  /** Seconds from the end of the fault (revert, or injection for one-shot faults) to resolvedAt (time to resolve). */
  resolveSeconds?: number | null;
  resolveBoundSeconds?: number;
  /** Silences that held it (a planned experiment's silence: the alert was verified, not paged). */
  silencedBy?: string[];
  remediation?: RemediationRecord;
  met: boolean;
}

export interface ScenarioSummary {
  /** Stable id: feature file path and scenario line, e.g. "features/lab/isolate-node.feature:9". */
  id: string;
  name: string;
  feature: string;
  line: number;
  tags: string[];
  verdict: Verdict;
  /** The verdict a tag told us to expect (e.g. @expect-failed), if any. */
  expectedVerdict?: Verdict;
  /** True when the verdict is "passed" or the expected one. */
  asExpected: boolean;
  /** Why the verdict is not "passed": the message of the refutation or problem. */
  reason?: string;
  evidence?: Record<string, unknown>;
  faults: FaultRecord[];
  slos: SloResult[];
  recovery: RecoveryResult[];
  /** Events timed by the system's own stamps (Ceph: OSD map epochs, PG map versions), when the scenario measured any. */
  events?: MeasuredEvent[];
  /** Set when a halt condition stopped the scenario (verdict "aborted"). */
  halt?: HaltRecord;
  /** What the load generators offered and got, when the scenario ran load. */
  load?: LoadReport[];
  /** Alerts the scenario judged (fired, resolved, remediated) and false alarms, when it watched alerts (issue 15). */
  alerts?: AlertRecord[];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
}

export interface RunSummary {
  runId: string;
  environment: string;
  /** Seed of the run's random node selections: `scs-chaos run --seed <seed>` repeats them. */
  seed?: number;
  startedAt: string;
  finishedAt: string;
  scenarios: ScenarioSummary[];
  counts: Record<Verdict, number>;
  /** Share of scenarios that ended as expected, 0..1, weighed by failure level (src/report/score.ts). */
  resilienceScore: number | null;
  exitCode: number;
  /** The last `scs-chaos gate` verdict on this run, when one was taken (also in gate.json beside summary.json). */
  gate?: GateResult;
}

/** GateCheck: one rule of a gate policy applied to a run; `reason` is one line for people. */
export interface GateCheck {
  /** Which rule: "required-tag", "min-score", "recovery-regression", "compromised", "not-steady". */
  rule: string;
  passed: boolean;
  reason: string;
}

/** GateResult: `scs-chaos gate`'s verdict on a run (src/gate/). */
export interface GateResult {
  passed: boolean;
  /** The policy file and, when given, the baseline run directory, as passed on the command line. */
  policy: string;
  baseline?: string;
  checkedAt: string;
  checks: GateCheck[];
}
