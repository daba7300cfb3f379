/**
 * Judgements over a scenario's samples (DESIGN.md section 6): the steady-state hypothesis, an SLO per phase, and
 * recovery time. Each records its result on the scenario and throws the error that decides the verdict —
 * NotSteady before any fault, HypothesisRefuted with the evidence afterwards.
 */
import { now } from '../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted, NotSteady } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
import type { Phase, RecoveryResult, SloResult } from '../model/summary';
import type { Sample } from '../model/sample';
import { evaluateSlo, observeSlo, samplesInWindow } from '../slo/evaluate';
import { formatSloValue, parseSlo, SloExpression } from '../slo/expression';
import { findRecovery } from '../slo/recovery';
import { interpolatedDetectMs, interpolatedRecoveryAt } from '../slo/outage';
import { withProgress } from './progress';
import { round3 } from './scenario-files';
import type { ScenarioHandle } from './scenario-handle';

/** How often waits look at the samples; also the granularity of progress-aware waiting. */
const POLL_MS = 100;

/** phaseWords: "in steady state" / "during the fault" / "after the fault". */
export function phaseWords(phase: Phase): string {
  return phase === 'before' ? 'in steady state' : `${phase} the fault`;
}

/** steadyState: lets the probes sample for `windowMs`, then requires the SLO to hold; otherwise NotSteady. */
export async function steadyState(scenario: ScenarioHandle, probeName: string, sloText: string, windowMs: number): Promise<void> {
  scenario.requireProbe(probeName);
  const slo = parseSlo(sloText);
  scenario.beginSteadyState();
  await scenario.step(`steady state: ${sloText} on ${probeName} for ${formatDuration(windowMs)}`, async () => {
    const windowStart = now();
    scenario.say(`steady state: ${probeName} must hold ${sloText} for ${formatDuration(windowMs)}`);
    await withProgress(scenario.progress, 'steady state', `${probeName} to hold ${sloText}`, now() + windowMs, () => scenario.wait(windowMs));
    await scenario.settleInFlight();
    const result = evaluateSlo(slo, samplesInWindow(scenario.timeline.samplesOf(probeName), windowStart, now()), 'before', probeName);
    result.expression = sloText;
    scenario.recordSlo(result);
    scenario.say(`${result.met ? 'ok' : 'NOT MET'}: ${probeName} ${sloText} before the fault, observed ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new NotSteady(`steady state not reached: ${probeName} ${sloText} did not hold before any fault (observed ${result.observedText} over ${result.samples} samples); nothing was injected`, { ...result });
    }
  });
}

/** requireFaultBefore: "during/after the fault" and "recovers" need a fault earlier in the scenario. */
function requireFaultBefore(scenario: ScenarioHandle, what: string): void {
  const window = scenario.faultWindow();
  if (window.start === null && !window.planned) throw new BadInput(`${what} needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
}

/** assertSlo: judges an SLO over one phase's samples; HypothesisRefuted with the evidence when it fails. */
export async function assertSlo(scenario: ScenarioHandle, probeName: string, sloText: string, phase: Phase): Promise<void> {
  scenario.requireProbe(probeName);
  const slo: SloExpression = parseSlo(sloText);
  if (phase !== 'before') requireFaultBefore(scenario, `"${phase} the fault"`);
  await scenario.step(`judge: ${probeName} ${sloText} ${phaseWords(phase)}`, async () => {
    await scenario.settleInFlight();
    const [from, to] = scenario.phaseWindow(phase);
    const samples = scenario.timeline.samplesOf(probeName);
    const result = evaluateSlo(slo, samplesInWindow(samples, from, to), phase, probeName);
    result.expression = sloText;
    if (phase !== 'before') addBaseline(scenario, result, slo, samples);
    scenario.recordSlo(result);
    scenario.timeline.record('slo', `${probeName} ${sloText} ${phase}: ${result.observedText}`, { ...result });
    scenario.say(`${result.met ? 'ok' : 'NOT MET'}: ${probeName} ${sloText} ${phase} the fault, observed ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new HypothesisRefuted(`${probeName}: SLO "${sloText}" not met ${phase} the fault: observed ${result.observedText} over ${result.samples} samples`, { ...result });
    }
  });
}

/** addBaseline: the same metric over the steady-state window, and how far the phase moved from it. */
function addBaseline(scenario: ScenarioHandle, result: SloResult, slo: SloExpression, samples: readonly Sample[]): void {
  const [from, to] = scenario.phaseWindow('before');
  const baseline = observeSlo(slo, samplesInWindow(samples, from, to)).value;
  if (baseline === null || result.observed === null) return;
  const change = result.observed - baseline;
  result.baseline = { observed: baseline, observedText: formatSloValue(slo, baseline), change, changePercent: baseline === 0 ? null : round3((change / baseline) * 100) };
}

/** recoversWithin: waits until the probe's samples stay good for the stabilization window; judges the bound. */
export async function recoversWithin(scenario: ScenarioHandle, probeName: string, boundMs: number): Promise<void> {
  scenario.requireProbe(probeName);
  requireFaultBefore(scenario, '"recovers within"');
  await scenario.step(`judge: ${probeName} recovers within ${formatDuration(boundMs)}`, () => measureRecovery(scenario, probeName, boundMs));
}

async function measureRecovery(scenario: ScenarioHandle, probeName: string, boundMs: number): Promise<void> {
  const window = scenario.faultWindow();
  const injected = window.start;
  if (injected === null) throw new ExperimentCompromised('no fault was injected, so recovery cannot be measured');
  const from = window.oneShot ? injected : window.end;
  if (from === null) throw new ExperimentCompromised('the fault is not reverted yet, so recovery cannot be measured');
  const origin = window.oneShot ? 'injection' : 'revert';
  const { stabilizationMs } = scenario;
  const timeoutMs = scenario.env.defaults.probeTimeoutMs;
  // Judged once every sample started before the deadline has completed: bound + stabilization + one timeout.
  const giveUpAt = from + boundMs + stabilizationMs + timeoutMs;
  scenario.say(`waiting for ${probeName} to recover (bound ${formatDuration(boundMs)} from ${origin}, stable for ${formatDuration(stabilizationMs)})`);
  const look = (): ReturnType<typeof findRecovery> => findRecovery(scenario.timeline.samplesOf(probeName), { from, stabilizationMs, until: now() - timeoutMs });
  let finding = look();
  let lastProgress = now();
  const doneWaiting = scenario.progress?.waiting('recovery', `${probeName} to recover`, giveUpAt);
  try {
    while (finding.recoveredAt === null && now() < giveUpAt) {
      await scenario.wait(POLL_MS);
      finding = look();
      if (now() - lastProgress >= 5000) {
        lastProgress = now();
        scenario.say(`still waiting for ${probeName}: ${formatDuration(now() - from)} since ${origin}` + (finding.lastBadAt !== null ? `, last failure ${formatDuration(now() - finding.lastBadAt)} ago` : ''));
      }
    }
  } finally {
    doneWaiting?.();
  }
  // Edges are interpolated between neighbouring samples: unbiased, off by at most half a sampling period
  // (docs/decisions/0021-interpolated-outage-edges.md); the raw sample times are always late.
  const detectMs = interpolatedDetectMs(scenario.timeline.samplesOf(probeName), injected);
  const recoveredAt = interpolatedRecoveryAt(finding, from);
  const recoverMs = recoveredAt === null ? null : recoveredAt - from;
  const met = recoverMs !== null && recoverMs <= boundMs;
  const result: RecoveryResult = {
    probe: probeName,
    detectSeconds: detectMs === null ? null : round3(detectMs / 1000),
    recoverSeconds: recoverMs === null ? null : round3(recoverMs / 1000),
    boundSeconds: round3(boundMs / 1000),
    met,
    from: origin,
  };
  scenario.recordRecovery(result, recoveredAt);
  scenario.say(
    `${met ? 'ok' : 'NOT MET'}: ${probeName} ` +
      (recoverMs === null ? `did not recover within ${formatDuration(boundMs)}` : `recovered after ${formatDuration(recoverMs)} (bound ${formatDuration(boundMs)})`) +
      (detectMs === null ? ', no failure seen' : `, first failure ${formatDuration(detectMs)} after injection`),
  );
  if (!met) {
    throw new HypothesisRefuted(
      recoverMs === null
        ? `${probeName} did not recover within ${formatDuration(boundMs)}: still failing or not yet stable for ${formatDuration(stabilizationMs)}` +
            (finding.lastBadAt !== null ? ` (last failure ${formatDuration(finding.lastBadAt - from)} after ${result.from})` : '')
        : `${probeName} recovered after ${formatDuration(recoverMs)}, beyond the bound of ${formatDuration(boundMs)}`,
      { ...result },
    );
  }
}
