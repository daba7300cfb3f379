/**
 * Monitor and manager observations of a scenario: the control-plane probe (control-probe.ts) and the judgements
 * "mon.<id> is out of quorum within", "the monitors have quorum within", "a standby manager is active within".
 * Times come from the probe's readings (interpolated: halfway between the last reading without and the first
 * with the event, as for the OSD events) and from the monitor's cluster log (`ceph log last`: the election's
 * "mon.a is new leader, mons a,c in quorum", the "Manager daemon x is now available"); the bound is judged on the
 * monitor's stamp when the log has the event, the report names both.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import type { Environment } from '../../../model/environment';
import { round3 } from '../../../core/scenario-files';
import { cephClientFor, cephSpecOf } from '../client/from-environment';
import type { ClusterLogEvent } from '../client/cluster-log';
import { CEPH_CONTROL_PROBE, CephControlProbe, CephControlSample } from './control-probe';

/** probeControl: samples `quorum_status` + `mgr stat` at `rateHz` (probe ceph-control). */
export function probeControl(x: ScenarioHandle, env: Environment, rateHz: number): void {
  if (!(rateHz > 0 && rateHz <= 2)) throw new BadInput(`probing the Ceph monitors and managers at ${rateHz} Hz is out of range`, undefined, 'use every 1s or slower (at most 2 Hz): each reading starts the ceph CLI');
  const spec = cephSpecOf(env);
  x.addProbe([CEPH_CONTROL_PROBE], rateHz, (onSample) => new CephControlProbe({ ceph: cephClientFor(env), rateHz, onSample }), `ceph quorum_status + mgr stat on ${spec.executorNode}; probe ceph-control (every monitor in quorum, a manager active)`);
}

const controlSamples = (x: ScenarioHandle): CephControlSample[] =>
  (x.timeline.samplesOf(CEPH_CONTROL_PROBE) as CephControlSample[]).filter((s) => !s.measurementProblem && s.quorum !== undefined).sort((a, b) => a.t - b.t);

/**
 * eventFromControlSamples: interpolated time of the first reading after `after` for which `hit` holds, or null.
 * With `settledFrom` (a "back again" event): a hit counts only after a reading without it, or from `settledFrom`
 * on — the readings right after the injection still show the old state, and the state may be back before the
 * revert has finished (a monitor rejoins as soon as it runs; the revert also waits for its supervisor).
 */
export function eventFromControlSamples(samples: readonly CephControlSample[], after: number, hit: (sample: CephControlSample) => boolean, settledFrom?: number): number | null {
  let lastWithout = after;
  let missed = settledFrom === undefined;
  for (const sample of samples) {
    if (sample.t < after) continue;
    if (hit(sample)) {
      if (missed || (settledFrom !== undefined && sample.t >= settledFrom)) return (lastWithout + (sample.answeredAt ?? sample.t)) / 2;
    } else {
      missed = true;
    }
    lastWithout = sample.t;
  }
  return null;
}

/** ControlEventTiming: when a control-plane event happened after `from`, by the probe and by the monitor's log. */
export interface ControlEventTiming {
  probeMs: number | null;
  monitorMs: number | null;
}

interface ControlJudgement {
  /** "mon.b out of quorum", "all monitors in quorum", "a standby manager active". */
  what: string;
  /** What the time counts from. */
  from: 'injection' | 'revert';
  boundMs: number;
  hit: (sample: CephControlSample) => boolean;
  /** The log event, searched from the injection's wall-clock time. */
  logged: (events: readonly ClusterLogEvent[], injectedMs: number) => ClusterLogEvent | undefined;
}

async function clusterLog(x: ScenarioHandle, env: Environment): Promise<ClusterLogEvent[] | null> {
  try {
    return await cephClientFor(env).clusterLog(50);
  } catch (error) {
    x.say(`could not read the cluster log (${String(error).slice(0, 160)}): times are the probe's only`);
    return null;
  }
}

/** How long a moment the probe saw is looked for in the cluster log before "monitor log not seen". */
const LOG_SETTLE_MS = 5000;

/** controlEventWithin: waits for the event in the probe's readings (at most the bound plus a few readings), then judges. */
async function controlEventWithin(x: ScenarioHandle, env: Environment, judgement: ControlJudgement): Promise<ControlEventTiming> {
  const { what, from, boundMs } = judgement;
  cephSpecOf(env);
  if (!x.hasProbe(CEPH_CONTROL_PROBE)) throw new BadInput('the Ceph monitors and managers are not probed in this scenario, so there is nothing to judge', undefined, 'add "Given the Ceph monitors and managers are probed every 1s" before the fault');
  if (x.planning) {
    if (!x.faultWindow().planned) throw new BadInput(`"${what} within" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
    x.plan(`judge: ${what} within ${formatDuration(boundMs)} of the ${from} (probe ceph-control, checked against the cluster log)`);
    return { probeMs: null, monitorMs: null };
  }
  const window = x.faultWindow();
  const injected = x.lastInjectedAt();
  const start = from === 'injection' ? injected : window.end;
  if (start === null || injected === null) throw new ExperimentCompromised(`no fault was ${from === 'injection' ? 'injected' : 'reverted'}, so "${what}" cannot be measured`);
  const deadline = start + boundMs + 3000;
  const settledFrom = from === 'revert' ? start : undefined;
  let at: number | null;
  while ((at = eventFromControlSamples(controlSamples(x), injected, judgement.hit, settledFrom)) === null && now() < deadline) {
    x.throwIfInterrupted();
    await new Promise((r) => setTimeout(r, 200));
  }
  // Back before the revert finished counts as 0 (the revert also waits for the daemon's supervisor to say RUNNING).
  const probeMs = at === null ? null : Math.max(0, at - start);
  const startWall = Date.parse(wallClockAt(start));
  // The cluster log lags the quorum a reading shows: a new leader writes the election that replaced the old one
  // once it leads, and the log is read through it. A moment seen by the probe is looked for in the log a little longer.
  const since = Date.parse(wallClockAt(injected));
  let events = await clusterLog(x, env);
  let logged = events ? judgement.logged(events, since) : undefined;
  for (const settleBy = now() + LOG_SETTLE_MS; events && !logged && at !== null && now() < settleBy; ) {
    await new Promise((r) => setTimeout(r, 500));
    events = await clusterLog(x, env);
    logged = events ? judgement.logged(events, since) : undefined;
  }
  const monitorMs = logged ? Math.max(0, logged.epochMs - startWall) : null;
  const judged = monitorMs ?? probeMs;
  const text = (ms: number | null): string => (ms === null ? 'not seen' : formatDuration(ms));
  x.timeline.record('note', `${what}: probe ${text(probeMs)}, monitor log ${text(monitorMs)} after the ${from}`, {
    probeSeconds: probeMs === null ? null : round3(probeMs / 1000),
    monitorSeconds: monitorMs === null ? null : round3(monitorMs / 1000),
    boundSeconds: round3(boundMs / 1000),
    ...(logged ? { logged: logged.message } : {}),
  });
  const met = judged !== null && judged <= boundMs;
  x.say(`${met ? 'ok' : 'NOT MET'}: ${what} after ${text(judged)} (bound ${formatDuration(boundMs)} from the ${from}; probe ${text(probeMs)}, monitor log ${text(monitorMs)})`);
  if (!met) {
    throw new HypothesisRefuted(judged === null ? `not ${what} within ${formatDuration(boundMs)} of the ${from}` : `${what} only after ${formatDuration(judged)}, beyond the bound of ${formatDuration(boundMs)}`, { probeMs, monitorMs, boundSeconds: round3(boundMs / 1000) });
  }
  return { probeMs, monitorMs };
}

const firstAfter = (events: readonly ClusterLogEvent[], sinceMs: number, match: (event: ClusterLogEvent) => boolean): ClusterLogEvent | undefined =>
  events.filter((event) => event.epochMs >= sinceMs && match(event)).sort((a, b) => a.epochMs - b.epochMs)[0];

/** monitorOutOfQuorumWithin: mon.<id> left the quorum within the bound of the injection. */
export function monitorOutOfQuorumWithin(x: ScenarioHandle, env: Environment, id: string, boundMs: number): Promise<ControlEventTiming> {
  return controlEventWithin(x, env, {
    what: `mon.${id} out of quorum`,
    from: 'injection',
    boundMs,
    hit: (s) => !(s.quorum ?? []).includes(id),
    // The old quorum ends when the monitors call the election that forms the new one without mon.<id>; a
    // reading taken during that election already shows mon.<id> out.
    logged: (events, since) => {
      const formed = firstAfter(events, since, (e) => e.kind === 'mon-quorum' && !(e.quorum ?? []).includes(id));
      if (!formed) return undefined;
      return firstAfter(events, since, (e) => e.kind === 'mon-election' && e.epochMs <= formed.epochMs) ?? formed;
    },
  });
}

/** monitorsHaveQuorumWithin: every monitor of the monmap is in quorum again within the bound of the revert. */
export function monitorsHaveQuorumWithin(x: ScenarioHandle, env: Environment, boundMs: number): Promise<ControlEventTiming> {
  const all = (s: CephControlSample): boolean => (s.monitors ?? []).length > 0 && (s.monitors ?? []).every((m) => (s.quorum ?? []).includes(m));
  const monitors = (): string[] => controlSamples(x).at(-1)?.monitors ?? [];
  return controlEventWithin(x, env, {
    what: 'every monitor in quorum',
    from: 'revert',
    boundMs,
    hit: all,
    // The first full quorum after the injection's election without some monitor.
    logged: (events, since) => {
      const full = (e: ClusterLogEvent): boolean => monitors().length > 0 && monitors().every((m) => (e.quorum ?? []).includes(m));
      const partial = firstAfter(events, since, (e) => e.kind === 'mon-quorum' && !full(e));
      return partial ? firstAfter(events, partial.epochMs, (e) => e.kind === 'mon-quorum' && full(e)) : undefined;
    },
  });
}

/** standbyManagerActiveWithin: a manager other than `stopped` is active and available within the bound of the injection. */
export function standbyManagerActiveWithin(x: ScenarioHandle, env: Environment, stopped: string | null, boundMs: number): Promise<ControlEventTiming> {
  const other = (name: string | undefined): boolean => !!name && (stopped === null || name !== stopped);
  return controlEventWithin(x, env, {
    what: `a standby manager active${stopped ? ` instead of mgr.${stopped}` : ''}`,
    from: 'injection',
    boundMs,
    hit: (s) => other(s.activeMgr) && s.mgrAvailable === true,
    logged: (events, since) => firstAfter(events, since, (e) => e.kind === 'mgr-available' && other(e.daemon)),
  });
}
