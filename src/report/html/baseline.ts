/**
 * Comparing a run with a baseline run: which baseline scenario is "the same" scenario, and how much slower or
 * faster each probe recovered. Pure; the page only formats what these functions return.
 */
import type { RecoveryResult, RunSummary, ScenarioSummary } from '../../model/summary';

/**
 * UNCHANGED_WITHIN_SECONDS: recovery times closer than this count as unchanged (and are not coloured). Each
 * outage edge is off by up to half a sampling period (docs/decisions/0021), 50 ms at the lab's 10 Hz, and the
 * accuracy target of `npm run bench:accuracy` is 50 ms: a smaller change is measurement noise.
 */
export const UNCHANGED_WITHIN_SECONDS = 0.05;

/**
 * baselineScenarioFor: the scenario of `baseline` that `scenario` is compared with: the one with the same id
 * (feature file and line), else the only one with the same name (a scenario moved within its file, or to another
 * file, keeps its name). Undefined when there is none, or when the name is ambiguous.
 */
export function baselineScenarioFor(scenario: ScenarioSummary, baseline: RunSummary): ScenarioSummary | undefined {
  const byId = baseline.scenarios.find((s) => s.id === scenario.id);
  if (byId) return byId;
  const byName = baseline.scenarios.filter((s) => s.name === scenario.name);
  return byName.length === 1 ? byName[0] : undefined;
}

/** RecoveryDelta: how one probe's recovery time compares with the baseline run's. */
export type RecoveryDelta =
  /** Both recovered: the change in seconds, and in percent of the baseline (null when the baseline was 0 s). */
  | { kind: 'change'; seconds: number; percent: number | null; trend: 'slower' | 'faster' | 'unchanged' }
  /** This run did not stabilize; the baseline did, after `baselineSeconds`. */
  | { kind: 'no-longer-recovers'; baselineSeconds: number }
  /** This run stabilized; the baseline did not. */
  | { kind: 'now-recovers' }
  /** Neither run stabilized. */
  | { kind: 'never-recovered' }
  /** The baseline run has no recovery result for this probe (or no such scenario). */
  | { kind: 'no-baseline' };

/** recoveryDelta: `current` against the baseline scenario's recovery result for the same probe. */
export function recoveryDelta(current: RecoveryResult, baselineScenario: ScenarioSummary | undefined): RecoveryDelta {
  const base = baselineScenario?.recovery.find((r) => r.probe === current.probe);
  if (!base) return { kind: 'no-baseline' };
  const now = current.recoverSeconds;
  const then = base.recoverSeconds;
  if (now === null && then === null) return { kind: 'never-recovered' };
  if (now === null) return { kind: 'no-longer-recovers', baselineSeconds: then as number };
  if (then === null) return { kind: 'now-recovers' };
  const seconds = now - then;
  const percent = then === 0 ? null : (seconds / then) * 100;
  const trend = Math.abs(seconds) < UNCHANGED_WITHIN_SECONDS ? 'unchanged' : seconds > 0 ? 'slower' : 'faster';
  return { kind: 'change', seconds, percent, trend };
}

/**
 * formatDelta: "+1.2 s (+35 %)", "-0.35 s (-12 %)", "+0.8 s" (baseline 0 s: no percentage). Two decimals
 * below one second, where the lab's 50 ms accuracy still shows, one above.
 */
export function formatDelta(seconds: number, percent: number | null): string {
  const size = Math.abs(seconds);
  const shown = size < 1 ? size.toFixed(2) : size.toFixed(1);
  const sign = Number(shown) === 0 ? '±' : seconds > 0 ? '+' : '-';
  const percentText = percent === null ? '' : ` (${signed(Math.round(percent))} %)`;
  return `${sign}${shown} s${percentText}`;
}

function signed(n: number): string {
  if (n === 0) return '±0';
  return n > 0 ? `+${n}` : `-${Math.abs(n)}`;
}
