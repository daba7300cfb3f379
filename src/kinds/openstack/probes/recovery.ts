/**
 * Recovery of an OpenStack object, judged on a probe and on OpenStack's own stamp: wait (bounded) until the probe's
 * samples are good and stay good for the stabilization window after the revert (or the injection of a one-shot
 * fault); then record recovery (the probe's figure) and judge the bound on OpenStack's stamp of the same moment
 * when there is one (Nova's instance-action event, Octavia's updated_at), else on the probe's.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { round3 } from '../../../core/scenario-files';
import type { MeasuredEvent, RecoveryResult } from '../../../model/summary';
import type { Sample } from '../../../model/sample';
import { findRecovery } from '../../../slo/recovery';
import { interpolatedDetectMs, interpolatedRecoveryAt } from '../../../slo/outage';

/** RecoveryWait: what the wait found; times on the monotonic clock, `fromEpoch` on the wall clock. */
export interface RecoveryWait {
  probe: string;
  injectedAt: number;
  from: number;
  fromEpoch: number;
  fromWhat: 'injection' | 'revert';
  recoveredAt: number | null;
  detectMs: number | null;
  samples: Sample[];
}

/** planRecovery: in plan mode, checks a fault came first and records the judgement; returns true when planning. */
export function planRecovery(x: ScenarioHandle, probe: string, line: string): boolean {
  x.requireProbe(probe);
  if (!x.planning) return false;
  if (!x.faultWindow().planned) throw new BadInput(`"${line}" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
  x.plan(`judge: ${line}`);
  return true;
}

export async function awaitRecovery(x: ScenarioHandle, probe: string, boundMs: number): Promise<RecoveryWait> {
  const window = x.faultWindow();
  if (window.start === null) throw new ExperimentCompromised('no fault was injected, so recovery cannot be measured');
  const from = window.oneShot ? window.start : window.end;
  if (from === null) throw new ExperimentCompromised('the fault is not reverted yet, so recovery cannot be measured');
  const stabilizationMs = x.stabilizationMs;
  const capAt = from + boundMs + stabilizationMs + 2000;
  const samples = (): Sample[] => [...x.timeline.samplesOf(probe)];
  while (findRecovery(samples(), { from, stabilizationMs }).recoveredAt === null && now() < capAt) await x.wait(100);
  const all = samples();
  return {
    probe,
    injectedAt: window.start,
    from,
    fromEpoch: Date.parse(wallClockAt(from)),
    fromWhat: window.oneShot ? 'injection' : 'revert',
    recoveredAt: interpolatedRecoveryAt(findRecovery(all, { from, stabilizationMs }), from),
    detectMs: interpolatedDetectMs(all, window.start),
    samples: all,
  };
}

/** recordStamp: an event timed by OpenStack's stamp (epoch ms), with the probe's moment of it (monotonic) beside. */
export function recordStamp(x: ScenarioHandle, wait: RecoveryWait, what: { kind: string; event: string; source: string }, stampMs: number, probeAt: number | null): void {
  const event: MeasuredEvent = {
    ...what,
    at: new Date(stampMs).toISOString(),
    afterSeconds: round3((stampMs - wait.fromEpoch) / 1000),
    from: wait.fromWhat,
    exact: true,
    probeSeconds: probeAt === null ? null : round3((probeAt - wait.from) / 1000),
    logSeconds: null,
  };
  x.recordEvent(event);
  x.timeline.record('note', `${event.event}: OpenStack ${event.afterSeconds}s, probe ${event.probeSeconds ?? '-'}s after the ${wait.fromWhat}`, { ...event });
}

/** concludeRecovery: records recovery and judges the bound on `stampMs` (OpenStack's, epoch) or the probe's. */
export function concludeRecovery(x: ScenarioHandle, wait: RecoveryWait, boundMs: number, subject: string, stamp: { ms: number; line: string } | null): void {
  const probeMs = wait.recoveredAt === null ? null : wait.recoveredAt - wait.from;
  const judgedMs = stamp && wait.recoveredAt !== null ? stamp.ms - wait.fromEpoch : probeMs;
  const met = judgedMs !== null && judgedMs <= boundMs;
  const result: RecoveryResult = { probe: wait.probe, detectSeconds: wait.detectMs === null ? null : round3(wait.detectMs / 1000), recoverSeconds: probeMs === null ? null : round3(probeMs / 1000), boundSeconds: round3(boundMs / 1000), met, from: wait.fromWhat };
  x.recordRecovery(result, wait.recoveredAt);
  const stampLine = stamp ? `; ${stamp.line} ${formatDuration(stamp.ms - wait.fromEpoch)} after the ${wait.fromWhat}` : '';
  x.say(`${met ? 'ok' : 'NOT MET'}: ${subject} ${probeMs === null ? `not back within ${formatDuration(boundMs)}` : `back after ${formatDuration(probeMs)} by the probe`}${stampLine} (bound ${formatDuration(boundMs)})`);
  if (!met) throw new HypothesisRefuted(`${subject} was not back within ${formatDuration(boundMs)} of the ${wait.fromWhat}${judgedMs === null ? '' : ` (after ${formatDuration(judgedMs)})`}`, { ...result, last: wait.samples.at(-1)?.error ?? 'ok' });
}
