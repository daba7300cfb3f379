/**
 * RunContext: what one `scs-chaos run` or `plan` shares across its scenarios — the environment, the run
 * directory, the journal, the mode, the interruption flag and the collected scenario results. The CLI sets it
 * before Cucumber starts; the step glue reads it. One per process.
 */
import type { Environment } from '../model/environment';
import type { ScenarioSummary } from '../model/summary';
import type { Journal } from './journal';
import type { ScenarioMeta } from './experiment';
import type { RunProgress } from './progress';

/** plan: resolve and validate every step, touch nothing. execute: the real thing. */
export type RunMode = 'plan' | 'execute';

/** PlannedAction: one line of a plan, e.g. "inject network-isolate on node-1 for 6s (ttl 21s)". */
export interface PlannedAction {
  scenario: string;
  action: string;
}

export interface RunContext {
  readonly runId: string;
  readonly runDir: string;
  readonly env: Environment;
  readonly mode: RunMode;
  /** Seed of every random node selection in the run; logged, and given back with --seed to repeat a run exactly. */
  readonly seed: number;
  /** null in plan mode: a plan writes nothing. */
  readonly journal: Journal | null;
  /** Aborted on SIGINT/SIGTERM: every wait of the current scenario ends and its faults are reverted. */
  readonly interruption: AbortController;
  readonly scenarios: ScenarioSummary[];
  readonly planned: PlannedAction[];
  /** Scenarios seen in plan mode (the run reports those it never finished as aborted). */
  readonly plannedScenarios: ScenarioMeta[];
  /** Progress output for people (stderr). */
  log(line: string): void;
  /** What the run is doing right now (a live status line on a terminal, heartbeats in CI); absent in tests. */
  readonly progress?: RunProgress;
}

let current: RunContext | null = null;

export function setRunContext(context: RunContext | null): void {
  current = context;
}

/** getRunContext: the context of the running command; features run outside `scs-chaos run` fail here, clearly. */
export function getRunContext(): RunContext {
  if (!current) {
    throw new Error('no scs-chaos run is active: run features with `scs-chaos run` (or `npx scs-chaos run`), not with cucumber-js directly');
  }
  return current;
}
