/**
 * Ceph observations of a scenario, on top of the Experiment's extension view: start the cluster and client-I/O
 * probes, wait (progress-aware) until the cluster is clean again, and measure when an OSD was seen down or
 * marked out. Events are timed by Ceph's own stamps where the readings carry them (pinpoint.ts: the OSD map epoch
 * that says "down"/"out", the PG map version in which every PG is active+clean again) and recorded in the summary
 * as `events`, next to the probe's interpolated figure and the monitor's cluster-log stamp (`ceph log last`); the
 * bound is judged on Ceph's stamp, else the log's, else the probe's.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { waitWithProgress, WaitStalled } from '../../../kernel/wait';
import type { Environment } from '../../../model/environment';
import { cephAccessOf, cephClientFor, cephSpecOf, executorOfNode } from '../client/from-environment';
import { ClusterLogEvent, firstCleanPgmap, firstEvent, osdmapCommitted } from '../client/cluster-log';
import { parseOsdDump } from '../client/parse';
import type { MeasuredEvent } from '../../../model/summary';
import { OsdEvent, pinpointActiveClean, pinpointOsdEvent, StampedEvent } from './pinpoint';
import { findRecovery } from '../../../slo/recovery';
import { interpolatedDetectMs, interpolatedRecoveryAt } from '../../../slo/outage';
import type { RecoveryResult } from '../../../model/summary';
import { round3 } from '../../../core/scenario-files';
import { CEPH_HEALTH_PROBE, CEPH_PGS_PROBE, CEPH_PROBE, CephSample, CephStatusProbe } from './status-probe';
import { RadosIoProbe, readProbeName, writeProbeName } from './io-probe';
import { CEPH_CONTROL_PROBE } from './control-probe';

/** probeCluster: samples `ceph status` + `osd dump` at `rateHz` (probes ceph, ceph-health, ceph-pgs). */
export function probeCluster(x: ScenarioHandle, env: Environment, rateHz: number, allowedChecks: readonly string[] = [], withControl = false): void {
  if (!(rateHz > 0 && rateHz <= 2)) throw new BadInput(`probing the Ceph cluster at ${rateHz} Hz is out of range`, undefined, 'use every 1s or slower (at most 2 Hz): where the librados session cannot start, each reading starts the ceph CLI');
  const spec = cephSpecOf(env);
  const allowed = allowedChecks.length ? ` (allowed checks: ${allowedChecks.join(', ')})` : '';
  x.addProbe(
    [CEPH_PROBE, CEPH_HEALTH_PROBE, CEPH_PGS_PROBE, ...(withControl ? [CEPH_CONTROL_PROBE] : [])],
    rateHz,
    (onSample) => new CephStatusProbe({ ceph: cephClientFor(env), rateHz, allowedChecks, onSample, withControl }),
    `ceph status + osd dump${withControl ? ' + quorum_status + mgr stat' : ''} on ${spec.executorNode}${allowed}; probes ceph (clean), ceph-health, ceph-pgs${withControl ? ', ceph-control' : ''}`,
  );
}

/** probeClientIo: writes and reads small objects in `pool` with rados (probes rados-write:<pool>, rados-read:<pool>). */
export function probeClientIo(x: ScenarioHandle, env: Environment, pool: string, rateHz: number, timeoutMs: number): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(pool)) throw new BadInput(`"${pool}" is not a plain pool name`, undefined, 'name an existing pool, e.g. "scs-chaos-lab"');
  if (!(rateHz > 0 && rateHz <= 10)) throw new BadInput(`client I/O at ${rateHz} Hz is out of range`, undefined, 'use 0.1 to 10 Hz');
  const spec = cephSpecOf(env);
  const executor = executorOfNode(env, spec.executorNode);
  x.addProbe(
    [writeProbeName(pool), readProbeName(pool)],
    rateHz,
    (onSample) => new RadosIoProbe({ executor, access: cephAccessOf(spec), pool, rateHz, timeoutMs, onSample }),
    `rados put/get of 4 KiB objects in pool ${pool} on ${spec.executorNode}, timeout ${formatDuration(timeoutMs)}; probes ${writeProbeName(pool)}, ${readProbeName(pool)}`,
  );
  return writeProbeName(pool);
}

/**
 * waitOnCluster: a progress-aware wait (core/wait.ts) on the cluster probe's samples — progress is the active+clean
 * count and the objects left to heal, progress lines go to the run log. A stall or the cap is returned, not thrown
 * (the caller judges); an interruption is thrown.
 */
async function waitOnCluster(x: ScenarioHandle, what: string, stallMs: number, capMs: number, done: () => boolean): Promise<WaitStalled | null> {
  try {
    await waitWithProgress({
      what,
      intervalMs: 250,
      stallMs,
      capMs,
      signal: x.signal(),
      onProgress: (line) => x.say(line),
      poll: async () => {
        const latest = cephSamples(x).at(-1);
        return { done: done(), progress: progressOf(latest), detail: describeSample(latest) };
      },
    });
    return null;
  } catch (error) {
    x.throwIfInterrupted();
    if (!(error instanceof WaitStalled)) throw error;
    return error;
  }
}

/** requireClusterProbe: a Ceph judgement needs the environment's ceph: section first (said at plan time), then the cluster probe. */
function requireClusterProbe(x: ScenarioHandle): void {
  cephSpecOf(x.env);
  if (!x.hasProbe(CEPH_PROBE)) throw new BadInput('the Ceph cluster is not probed in this scenario, so there is nothing to judge', undefined, 'add "Given the Ceph cluster is probed every 1s" before the fault');
}

const cephSamples = (x: ScenarioHandle): CephSample[] => x.timeline.samplesOf(CEPH_PROBE) as CephSample[];

/** progressOf: what moves while Ceph heals — the active+clean count, and the degraded + misplaced objects left. */
export function progressOf(sample: CephSample | undefined): string {
  if (!sample || sample.measurementProblem) return 'unknown';
  return `${sample.activeClean ?? '?'}|${(sample.degradedObjects ?? 0) + (sample.misplacedObjects ?? 0)}`;
}

export function describeSample(sample: CephSample | undefined): string {
  if (!sample) return 'no reading yet';
  if (sample.measurementProblem) return `ceph did not answer (${sample.error ?? 'error'})`;
  const extra = [sample.degradedObjects ? `${sample.degradedObjects} degraded objects` : '', sample.misplacedObjects ? `${sample.misplacedObjects} misplaced objects` : ''].filter(Boolean).join(', ');
  return `${sample.health}${sample.checks?.length ? ` (${sample.checks.join(', ')})` : ''}, ${sample.activeClean}/${sample.numPgs} PGs active+clean${extra ? `, ${extra}` : ''}`;
}

/**
 * waitForClean: after a fault, waits until the cluster is clean (HEALTH_OK or allow-listed checks, all PGs
 * active+clean) and stays clean for the stabilization window — the clock resets while the active+clean count
 * (or the degraded + misplaced objects left) moves; it fails early when that stalls for `stallMs`, and at the
 * latest at the bound. Recovery counts from the revert (or the injection of a one-shot fault) and lands in the
 * summary as the recovery of probe "ceph".
 */
export async function waitForClean(x: ScenarioHandle, env: Environment, boundMs: number, stallMs: number, options: { whileFaultLasts?: boolean } = {}): Promise<void> {
  requireClusterProbe(x);
  const whileFaultLasts = options.whileFaultLasts ?? false;
  if (x.planning) {
    if (!x.faultWindow().planned) throw new BadInput('"the cluster is HEALTH_OK with all PGs active+clean within" needs a fault earlier in the scenario', undefined, 'add a When step that injects a fault before this step');
    x.plan(`judge: Ceph HEALTH_OK with all PGs active+clean within ${formatDuration(boundMs)}${whileFaultLasts ? ' of the injection, before the revert' : ''} (progress-aware: fails after ${formatDuration(stallMs)} without progress)`);
    return;
  }
  const window = x.faultWindow();
  const injected = window.start;
  if (injected === null) throw new ExperimentCompromised('no fault was injected, so recovery to clean cannot be measured');
  // While the fault lasts (e.g. re-replication after "out"): healing counts from the injection and must end before the revert.
  const fromInjection = window.oneShot || whileFaultLasts;
  const from = fromInjection ? injected : window.end;
  if (from === null) throw new ExperimentCompromised('the fault is not reverted yet, so recovery to clean cannot be measured');
  // A clean reading can be followed by peering a second later (a stale mgr digest): demand a few readings.
  const stabilizationMs = Math.max(x.stabilizationMs, 3000);
  const capAt = from + boundMs + stabilizationMs + 5000;
  const finding = () => findRecovery(cephSamples(x), { from, stabilizationMs });
  x.say(`waiting for Ceph to be clean (bound ${formatDuration(boundMs)} from ${fromInjection ? 'injection' : 'revert'}, stable for ${formatDuration(stabilizationMs)}, stall after ${formatDuration(stallMs)})`);
  const problem = await waitOnCluster(x, 'Ceph to be HEALTH_OK with all PGs active+clean', stallMs, Math.max(0, capAt - now()), () => finding().recoveredAt !== null);
  const samples = cephSamples(x);
  const found = finding();
  const recoveredAt = interpolatedRecoveryAt(found, from);
  const recoverMs = recoveredAt === null ? null : recoveredAt - from;
  const detectMs = interpolatedDetectMs(samples, injected);
  const revertedAt = x.faultWindow().end;
  const revertedBefore = whileFaultLasts && recoveredAt !== null && revertedAt !== null && revertedAt < recoveredAt;
  if (revertedBefore) x.say('the fault was reverted before Ceph was clean: that healing does not count as healing while the fault lasts');
  const met = recoverMs !== null && recoverMs <= boundMs && !revertedBefore;
  const result: RecoveryResult = {
    probe: CEPH_PROBE,
    detectSeconds: detectMs === null ? null : round3(detectMs / 1000),
    recoverSeconds: recoverMs === null ? null : round3(recoverMs / 1000),
    boundSeconds: round3(boundMs / 1000),
    met,
    from: fromInjection ? 'injection' : 'revert',
  };
  x.recordRecovery(result, recoveredAt);
  const fromWall = Date.parse(wallClockAt(from));
  // Up to the first sample of the stable clean stretch (recoveredAt is interpolated before it).
  const stamped = recoveredAt === null ? null : pinpointActiveClean(samples, from, found.recoveredAt ?? recoveredAt);
  if (stamped) {
    const pgmapLine = await clusterLog(x, env, 'debug').then((events) => (events ? firstCleanPgmap(events, fromWall - 1) : undefined));
    recordStampedEvent(x, { kind: 'active+clean', event: 'all PGs active+clean' }, stamped, fromWall, fromInjection ? 'injection' : 'revert', recoverMs, pgmapLine ? pgmapLine.epochMs - fromWall : null);
  }
  const log = await monitorSaysHealthy(x, env, from);
  x.say(
    `${met ? 'ok' : 'NOT MET'}: Ceph ` +
      (recoverMs === null ? `not clean within ${formatDuration(boundMs)}: ${problem?.message ?? describeSample(samples.at(-1))}` : `clean after ${formatDuration(recoverMs)} (bound ${formatDuration(boundMs)})`) +
      (detectMs === null ? ', never unclean' : `, first unclean ${formatDuration(detectMs)} after injection`) +
      (stamped ? `; all PGs active+clean at ${stamped.source}, ${formatDuration(stamped.stampMs - fromWall)} after the ${fromInjection ? 'injection' : 'revert'}${stamped.exact ? '' : ' (first version seen)'}` : '') +
      (log ? `; ${log}` : ''),
  );
  if (!met) {
    throw new HypothesisRefuted(
      recoverMs === null ? `Ceph was not HEALTH_OK with all PGs active+clean within ${formatDuration(boundMs)}: ${problem?.message ?? describeSample(samples.at(-1))}` : `Ceph was clean only after ${formatDuration(recoverMs)}, beyond the bound of ${formatDuration(boundMs)}`,
      { ...result, last: describeSample(samples.at(-1)) },
    );
  }
}

/** monitorSaysHealthy: the monitor's "Cluster is now healthy" after `from`, as a line (or '' when not logged). */
async function monitorSaysHealthy(x: ScenarioHandle, env: Environment, from: number): Promise<string> {
  const events = await clusterLog(x, env);
  const healthy = events ? firstEvent(events, 'cluster-healthy', { sinceMs: Date.parse(wallClockAt(from)) }) : undefined;
  if (!healthy) return '';
  return `the monitor logged "Cluster is now healthy" ${formatDuration(healthy.epochMs - Date.parse(wallClockAt(from)))} after the ${x.faultWindow().oneShot ? 'injection' : 'revert'}`;
}

/**
 * recordStampedEvent: adds an event timed by Ceph's stamp to the summary, with the probe's and the log's figure
 * (both in ms after `fromWall`, the injection or revert on the wall clock).
 */
function recordStampedEvent(x: ScenarioHandle, what: { kind: string; event: string }, stamped: StampedEvent, fromWall: number, from: 'injection' | 'revert', probeMs: number | null, logMs: number | null): void {
  const seconds = (ms: number | null): number | null => (ms === null ? null : round3(ms / 1000));
  const event: MeasuredEvent = {
    ...what,
    at: new Date(stamped.stampMs).toISOString(),
    afterSeconds: round3((stamped.stampMs - fromWall) / 1000),
    from,
    source: stamped.source,
    exact: stamped.exact,
    probeSeconds: seconds(probeMs),
    logSeconds: seconds(logMs),
  };
  x.recordEvent(event);
  x.timeline.record('note', `${what.event}: ${stamped.source} ${formatDuration(stamped.stampMs - fromWall)} after the ${from}`, { ...event });
}

/** clusterLog: the monitor's recent cluster log (`ceph log last`), or null (said once) when it cannot be read. */
async function clusterLog(x: ScenarioHandle, env: Environment, level: 'debug' | 'info' = 'info'): Promise<ClusterLogEvent[] | null> {
  try {
    return await cephClientFor(env).clusterLog(50, level);
  } catch (error) {
    x.say(`could not read the cluster log (${String(error).slice(0, 160)}): times are the probe's only`);
    return null;
  }
}

export type { OsdEvent };

/** OsdEventTiming: when an OSD event happened after the injection, by Ceph's OSD map, the probe and the monitor's log. */
export interface OsdEventTiming {
  osd: number;
  event: OsdEvent;
  /** From the OSD map epoch that first says so (the monitor's stamp of that epoch), when the readings carry epochs. */
  osdmapMs: number | null;
  /** From the samples: halfway between the last reading without and the first with the event. */
  probeMs: number | null;
  /** From the monitor's cluster log stamp, when the log has the event. */
  monitorMs: number | null;
}

/** eventFromSamples: the interpolated time (monotonic) of the first reading after `after` showing the OSD down/out. */
export function eventFromSamples(samples: readonly CephSample[], osd: number, event: OsdEvent, after: number): number | null {
  const usable = samples.filter((s) => !s.measurementProblem && s.t >= after && (event === 'down' ? s.down : s.out) !== undefined).sort((a, b) => a.t - b.t);
  let lastWithout = after;
  for (const s of usable) {
    const hit = (event === 'down' ? s.down : s.out)?.includes(osd) ?? false;
    if (hit) return (lastWithout + (s.answeredAt ?? s.t)) / 2;
    lastWithout = s.t;
  }
  return null;
}

/**
 * osdEventWithin: waits until the probe sees osd.N down (or out) after the latest injection, at most `boundMs`
 * (plus one reading), then judges the bound on the monitor's stamp when the cluster log has the event, else
 * on the probe's interpolated time. Not seen within the bound → HypothesisRefuted.
 */
export async function osdEventWithin(x: ScenarioHandle, env: Environment, osd: number, event: OsdEvent, boundMs: number): Promise<OsdEventTiming> {
  requireClusterProbe(x);
  const what = event === 'down' ? 'seen down' : 'marked out';
  if (x.planning) {
    if (!x.faultWindow().planned) throw new BadInput(`"osd.${osd} is ${what} within" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
    x.plan(`judge: osd.${osd} is ${what} within ${formatDuration(boundMs)} of the injection (probe readings, checked against the cluster log)`);
    return { osd, event, osdmapMs: null, probeMs: null, monitorMs: null };
  }
  const injected = x.lastInjectedAt();
  if (injected === null) throw new ExperimentCompromised(`no fault was injected, so "osd.${osd} is ${what}" cannot be measured`);
  const deadline = injected + boundMs + 6000;
  let at: number | null = null;
  while ((at = eventFromSamples(cephSamples(x), osd, event, injected)) === null && now() < deadline) {
    x.throwIfInterrupted();
    await new Promise((r) => setTimeout(r, 200));
  }
  const probeMs = at === null ? null : Math.max(0, at - injected);
  const injectedWall = Date.parse(wallClockAt(injected));
  // A kill can take the OSD down while the fault's apply() still runs: look for the event from apply's start.
  const applyStarted = x.lastApplyStartedAt() ?? injected;
  const searchFromWall = Date.parse(wallClockAt(applyStarted));
  // The debug level holds the "osdmap eN" lines (the commit of the epoch that marks the OSD down/out).
  const events = await clusterLog(x, env, 'debug');
  const logged = events ? firstEvent(events, event === 'down' ? 'osd-down' : 'osd-out', { osd, sinceMs: searchFromWall }) : undefined;
  const monitorMs = logged ? Math.max(0, logged.epochMs - injectedWall) : null;
  const ceph = cephClientFor(env);
  const stamped = at === null ? null : await pinpointOsdEvent(cephSamples(x), osd, event, applyStarted, async (epoch) => parseOsdDump(await ceph.json(['osd', 'dump', String(epoch)])));
  const osdmapMs = stamped ? Math.max(0, stamped.stampMs - injectedWall) : null;
  const epochLine = stamped && events ? osdmapCommitted(events, stamped.version) : undefined;
  if (stamped) recordStampedEvent(x, { kind: `osd-${event}`, event: `osd.${osd} ${what}` }, stamped, injectedWall, 'injection', probeMs, epochLine ? epochLine.epochMs - injectedWall : null);
  const judged = osdmapMs ?? monitorMs ?? probeMs;
  const timing: OsdEventTiming = { osd, event, osdmapMs, probeMs, monitorMs };
  const text = (ms: number | null): string => (ms === null ? 'not seen' : formatDuration(ms));
  const source = stamped ? `${stamped.source} ${text(osdmapMs)}${epochLine ? ` (logged ${text(epochLine.epochMs - injectedWall)})` : ''}, ` : '';
  const met = judged !== null && judged <= boundMs;
  x.say(`${met ? 'ok' : 'NOT MET'}: osd.${osd} ${what} after ${text(judged)} (bound ${formatDuration(boundMs)}; ${source}probe ${text(probeMs)}, monitor's decision ${text(monitorMs)})`);
  if (!met) {
    throw new HypothesisRefuted(`osd.${osd} was ${judged === null ? `not ${what} within ${formatDuration(boundMs)}` : `${what} only after ${formatDuration(judged)}, beyond the bound of ${formatDuration(boundMs)}`}`, { ...timing, boundSeconds: round3(boundMs / 1000) });
  }
  return timing;
}

/** SETTLE_CAP_MS: how long a scenario waits, before its steady state, for the previous scenario's healing to end. */
export const SETTLE_CAP_MS = 180_000;

/**
 * settleBeforeSteadyState: before a Ceph steady-state window, waits until the cluster probe's latest samples are
 * clean for a few seconds in a row — progress-aware (the clock resets while PGs move), at most SETTLE_CAP_MS. A
 * scenario must not inherit the recovery of the one before it (the lab's scenarios run back to back); a cluster
 * that does not settle is left as it is, and the steady-state judgement then says "not steady", as it should.
 */
export async function settleBeforeSteadyState(x: ScenarioHandle): Promise<void> {
  requireClusterProbe(x);
  if (x.planning) return;
  const settledFor = Math.max(x.stabilizationMs, 3000);
  const cleanSince = (): number | null => {
    const samples = cephSamples(x).filter((s) => !s.measurementProblem);
    const lastBad = [...samples].reverse().find((s) => !s.ok);
    const firstGoodAfter = samples.find((s) => s.ok && (lastBad === undefined || s.t > lastBad.t));
    return firstGoodAfter ? firstGoodAfter.t : null;
  };
  const started = now();
  const what = 'Ceph to settle (HEALTH_OK with all PGs active+clean) before the steady state';
  const problem = await waitOnCluster(x, what, 60_000, SETTLE_CAP_MS, () => {
    const since = cleanSince();
    return since !== null && now() - since >= settledFor;
  });
  if (problem) x.say(`Ceph did not settle: ${problem.message}; judging the steady state anyway`);
  else if (now() - started > settledFor + 2000) x.say(`Ceph settled after ${formatDuration(now() - started)} (the previous scenario's healing)`);
}
