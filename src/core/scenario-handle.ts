/**
 * ScenarioHandle: the one handle through which probes, observers, loads, judgements and the target kinds plug
 * into a running scenario (src/core/experiment.ts owns the lifecycle behind it). Plan mode and execute mode are
 * told apart once, by `step`: in plan mode it records the plan line and touches nothing.
 */
import type { Environment } from '../model/environment';
import type { AlertRecord, MeasuredEvent, Phase, RecoveryResult, SloResult } from '../model/summary';
import type { Fault } from './fault';
import type { Sample } from '../model/sample';
import type { ScenarioMeta } from '../model/scenario';
import type { LoadReport } from '../model/load';
import type { Probe } from '../probes/probe';
import type { RunProgress } from './progress';
import type { Timeline } from './timeline';

/** FaultWindow: monotonic start of the first fault, end of the last (revert, or recovery after a one-shot). */
export interface FaultWindow {
  start: number | null;
  end: number | null;
  oneShot: boolean;
  /** Plan mode: a fault step came earlier in the scenario. */
  planned: boolean;
}

/** StoppableLoad: a load running beside the probes until the scenario ends. */
export interface StoppableLoad {
  stop(): Promise<LoadReport>;
}

export interface ScenarioHandle {
  readonly env: Environment;
  readonly meta: ScenarioMeta;
  /** True in plan mode: record what would be done, touch nothing. */
  readonly planning: boolean;
  readonly timeline: Timeline;
  /** The run's directory (files a step writes, e.g. a k6 summary). */
  readonly runDir: string;
  /** The run's seed for random choices (logged; --seed repeats it). */
  readonly seed: number;
  readonly stabilizationMs: number;
  readonly progress: RunProgress | undefined;
  plan(action: string): void;
  say(line: string): void;
  /**
   * step: the plan-versus-execute switch, written once: in plan mode records `planLine` and resolves undefined;
   * in execute mode runs `act`. Validation belongs before the call, so a plan refuses what a run would.
   */
  step<T>(planLine: string, act: () => Promise<T> | T): Promise<T | undefined>;
  hasProbe(name: string): boolean;
  /** requireProbe: BadInput naming the step to add when nothing samples `name`. */
  requireProbe(name: string): void;
  /** addProbe: one probe whose samples carry any of `names` (the first name owns it); started at once when executing. */
  addProbe(names: readonly string[], rateHz: number, make: (onSample: (sample: Sample) => void) => Probe, what: string): void;
  /** addLoad: a load judged like a probe under `name` (its samples go to the timeline), stopped at the scenario's end. */
  addLoad(name: string, what: string, start: (onSample: (sample: Sample) => void) => StoppableLoad): void;
  /** addLoadReport: a load report (k6 or scripted) that lands in the summary once it settles. */
  addLoadReport(report: Promise<LoadReport>): void;
  faultWindow(): FaultWindow;
  /** phaseWindow: the [from, to) window of a phase on the monotonic clock. */
  phaseWindow(phase: Phase): [number, number];
  /** lastInjectedAt: when the latest fault was applied (monotonic), or null. */
  lastInjectedAt(): number | null;
  /** lastApplyStartedAt: when the latest applied fault's apply() began (its effects can start there), or null. */
  lastApplyStartedAt(): number | null;
  /** recordSlo: adds an SLO result to the summary. */
  recordSlo(result: SloResult): void;
  /** beginSteadyState: the steady-state window starts now; BadInput after a fault. */
  beginSteadyState(): void;
  /** recordRecovery: adds a recovery result to the summary (and a "recovered" event at `recoveredAt`). */
  recordRecovery(result: RecoveryResult, recoveredAt: number | null): void;
  /** recordEvent: adds an event timed by the system's own stamp to the summary. */
  recordEvent(event: MeasuredEvent): void;
  /** recordAlert: adds (or, for the same `key`, replaces) an alert record in the summary (issue 15). */
  recordAlert(key: string, record: AlertRecord): void;
  /**
   * addFaultCompanion: `companion` is asked for every fault the scenario injects from now on; a fault it returns
   * (an Alertmanager silence for the alerts the scenario expects) is injected just before that fault, journalled
   * and reverted like it. `ttlMs` is the fault's TTL, null for one-shot faults.
   */
  addFaultCompanion(companion: (fault: Fault, ttlMs: number | null) => Fault | undefined): void;
  /** atScenarioEnd: `cleanup` runs when the scenario finishes, on every path; a failing cleanup is said, not thrown. */
  atScenarioEnd(what: string, cleanup: () => Promise<void>): void;
  /** wait: sleeps, but ends at once with SafetyHalt when the run is interrupted or the scenario halted. */
  wait(ms: number): Promise<void>;
  /** settleInFlight: waits until requests started so far have completed, so a window's samples are all in. */
  settleInFlight(): Promise<void>;
  /** scenarioState: state a domain module keeps for this scenario only, created by `init` on first use. */
  scenarioState<T>(key: string, init: () => T): T;
  /** signal: aborted when the run is interrupted or the scenario halted. */
  signal(): AbortSignal;
  throwIfInterrupted(): void;
}
