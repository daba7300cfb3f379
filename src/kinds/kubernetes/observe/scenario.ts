/**
 * The Kubernetes observations of a scenario: start the watches on a workload (a probe of its available replicas,
 * sampled from the watch state at 10 Hz — the API server is not asked), wait for moments after the injection, judge
 * bounds on the watch's time (exact to the millisecond, never early) and record every moment in the summary as an
 * event with the cluster's own stamp next to the watch's.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { round3 } from '../../../core/scenario-files';
import type { MeasuredEvent } from '../../../model/summary';
import { PeriodicSampler } from '../../../probes/probe';
import type { KubeClient } from '../client/client';
import { describeWorkload, WorkloadRef } from '../select/workloads';
import type { Moment, MomentKind } from './moments';
import { KubeObserver } from './observer';

const STATE_KEY = 'kubernetes-observer';
const PROBE_RATE_HZ = 10;

interface ObserverSlot {
  observer: KubeObserver | null;
  planned: WorkloadRef | null;
  recorded: Set<Moment>;
}

const slot = (x: ScenarioHandle): ObserverSlot => x.scenarioState<ObserverSlot>(STATE_KEY, () => ({ observer: null, planned: null, recorded: new Set() }));

/** workloadProbeName: the probe of a workload's available replicas, e.g. "k8s:default/web". */
export function workloadProbeName(ref: WorkloadRef): string {
  return `k8s:${ref.namespace}/${ref.name}`;
}

/** watchWorkload: starts the scenario's watches on `ref` and its probe (one workload per scenario). */
export async function watchWorkload(x: ScenarioHandle, client: KubeClient, ref: WorkloadRef): Promise<void> {
  const state = slot(x);
  if (state.planned) throw new BadInput(`this scenario already watches ${describeWorkload(state.planned)}`, undefined, 'watch one workload per scenario');
  state.planned = ref;
  const probe = workloadProbeName(ref);
  const what = `${describeWorkload(ref)}: available replicas from watches on nodes, the workload and its pods, sampled at ${PROBE_RATE_HZ} Hz from the watch state (probe ${probe})`;
  const observer = await x.step(`watch ${what}`, () => KubeObserver.start(client, ref));
  if (!observer) return;
  state.observer = observer;
  x.say(`watching ${observer.describe()}`);
  x.atScenarioEnd(`stop the Kubernetes watches on ${describeWorkload(ref)}`, async () => {
    recordMoments(x);
    await observer.stop();
  });
  x.addProbe([probe], PROBE_RATE_HZ, (onSample) => {
    const sampler = new PeriodicSampler({
      name: probe,
      rateHz: PROBE_RATE_HZ,
      timeoutMs: 50,
      measure: async () => {
        const counts = observer.state.counts();
        return counts ? { ok: counts.available >= counts.desired, latencyMs: 0 } : { ok: false, error: 'workload gone' };
      },
      onSample,
    });
    return { name: probe, description: what, start: () => sampler.start(), stop: () => sampler.stop() };
  }, what);
}

function observerOf(x: ScenarioHandle, step: string): KubeObserver | null {
  const state = slot(x);
  if (!state.planned) throw new BadInput(`"${step}" needs the workload to be watched`, undefined, 'add "Given the Kubernetes Deployment <namespace>/<name> is watched" before the fault');
  if (x.planning) {
    if (!x.faultWindow().planned) throw new BadInput(`"${step}" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
    return null;
  }
  return state.observer;
}

/** injectionTimes: the latest injection (monotonic and wall ms) and where moments are searched from (apply's start). */
function injectionTimes(x: ScenarioHandle): { injected: number; injectedWall: number; searchFrom: number } {
  const injected = x.lastInjectedAt();
  if (injected === null) throw new ExperimentCompromised('no fault was injected, so nothing the cluster did after it can be measured');
  return { injected, injectedWall: Date.parse(wallClockAt(injected)), searchFrom: x.lastApplyStartedAt() ?? injected };
}

/**
 * momentWithin: waits (on watch events) until a moment of `kind` about `subject` (all subjects when undefined)
 * appears after the injection, at most `boundMs` after it; records the moments; refutes when none came in time.
 */
export async function momentWithin(x: ScenarioHandle, step: string, kind: MomentKind, subject: string | undefined, boundMs: number): Promise<Moment | undefined> {
  const observer = observerOf(x, step);
  if (!observer) {
    x.plan(`judge: ${step} within ${formatDuration(boundMs)} of the injection (watch time, cluster stamp beside it)`);
    return undefined;
  }
  const { injected, searchFrom } = injectionTimes(x);
  const find = (): Moment | undefined => observer.state.moments.find((m) => m.kind === kind && m.seenAt >= searchFrom && (subject === undefined || m.subject === subject));
  await observer.waitFor(() => find() !== undefined, injected + boundMs - now(), x.signal());
  x.throwIfInterrupted();
  recordMoments(x);
  const moment = find();
  const seenMs = moment ? moment.seenAt - injected : null;
  if (moment === undefined || (seenMs as number) > boundMs) {
    throw new HypothesisRefuted(`${step}: not seen within ${formatDuration(boundMs)} of the injection${moment ? ` (seen after ${formatDuration(seenMs as number)})` : ''}`, { kind, subject, boundSeconds: boundMs / 1000 });
  }
  x.say(`${moment.event}: seen ${formatDuration(seenMs as number)} after the injection${moment.stampMs === null ? '' : `, cluster stamp ${formatDuration(moment.stampMs - Date.parse(wallClockAt(injected)))}`}`);
  return moment;
}

/**
 * availableAgainWithin: every replica of the watched workload available again within `boundMs` of the injection,
 * after it was seen degraded (a fault that never degraded it counts as available at once). Recorded as recovery.
 */
export async function availableAgainWithin(x: ScenarioHandle, step: string, boundMs: number): Promise<void> {
  const observer = observerOf(x, step);
  const ref = slot(x).planned as WorkloadRef;
  if (!observer) {
    x.plan(`judge: ${describeWorkload(ref)} has every replica available again within ${formatDuration(boundMs)} of the injection (watch time, cluster stamp beside it)`);
    return;
  }
  const { injected, searchFrom } = injectionTimes(x);
  const after = (kind: MomentKind): Moment | undefined => observer.state.moments.find((m) => m.kind === kind && m.seenAt >= searchFrom);
  const full = (): boolean => {
    const counts = observer.state.counts();
    return counts !== null && counts.available >= counts.desired;
  };
  const done = (): boolean => (after('workload-degraded') ? after('workload-available') !== undefined : full());
  // A fault takes a moment to show in the status: give "degraded" a chance to arrive before judging "never degraded".
  await observer.waitFor(() => after('workload-degraded') !== undefined, Math.min(boundMs, 3000) - (now() - injected), x.signal());
  await observer.waitFor(done, injected + boundMs - now(), x.signal());
  x.throwIfInterrupted();
  recordMoments(x);
  const degraded = after('workload-degraded');
  const available = after('workload-available');
  const recoveredAt = degraded ? (available?.seenAt ?? null) : full() ? injected : null;
  const recoverMs = recoveredAt === null ? null : recoveredAt - injected;
  const met = recoverMs !== null && recoverMs <= boundMs;
  x.recordRecovery({ probe: workloadProbeName(ref), detectSeconds: degraded ? round3((degraded.seenAt - injected) / 1000) : null, recoverSeconds: recoverMs === null ? null : round3(recoverMs / 1000), boundSeconds: boundMs / 1000, met, from: 'injection' }, recoveredAt);
  const counts = observer.state.counts();
  if (!met) throw new HypothesisRefuted(`${describeWorkload(ref)}: not every replica available again within ${formatDuration(boundMs)} of the injection (now ${counts?.available ?? '?'}/${counts?.desired ?? '?'} available)`, { boundSeconds: boundMs / 1000 });
  x.say(`${describeWorkload(ref)}: ${degraded ? `degraded ${formatDuration(degraded.seenAt - injected)} and available again ${formatDuration(recoverMs as number)} after the injection` : 'never seen degraded'}`);
}

/** momentsSinceInjection: the moments of `kind` since the latest injection (recorded too); undefined in plan mode. */
export function momentsSinceInjection(x: ScenarioHandle, step: string, kind: MomentKind): Moment[] | undefined {
  const observer = observerOf(x, step);
  if (!observer) {
    x.plan(`judge: ${step} (from the watches)`);
    return undefined;
  }
  const { searchFrom } = injectionTimes(x);
  recordMoments(x);
  return observer.state.moments.filter((m) => m.kind === kind && m.seenAt >= searchFrom);
}

/** recordMoments: every moment since the latest injection's apply began, as summary events (each once). */
export function recordMoments(x: ScenarioHandle): void {
  const state = slot(x);
  const observer = state.observer;
  const injected = x.lastInjectedAt();
  if (!observer || injected === null) return;
  const injectedWall = Date.parse(wallClockAt(injected));
  const searchFrom = x.lastApplyStartedAt() ?? injected;
  for (const moment of observer.state.moments) {
    if (moment.seenAt < searchFrom || state.recorded.has(moment)) continue;
    state.recorded.add(moment);
    const stamp = moment.stampMs ?? Date.parse(wallClockAt(moment.seenAt));
    const event: MeasuredEvent = {
      kind: `k8s-${moment.kind}`,
      event: moment.event,
      at: new Date(stamp).toISOString(),
      afterSeconds: round3((stamp - injectedWall) / 1000),
      from: 'injection',
      source: moment.stampMs === null ? 'watch (the object carries no stamp)' : `${moment.source} (1 s resolution)`,
      exact: moment.stampMs !== null,
      probeSeconds: round3((moment.seenAt - injected) / 1000),
      logSeconds: null,
    };
    x.recordEvent(event);
    x.timeline.record('note', `${moment.event}: watch ${formatDuration(moment.seenAt - injected)} after the injection${moment.stampMs === null ? '' : `, cluster stamp ${formatDuration(moment.stampMs - injectedWall)}`}`, { ...event }, moment.seenAt);
  }
}
