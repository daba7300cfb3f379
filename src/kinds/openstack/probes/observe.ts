/**
 * OpenStack observations of a scenario, through its ScenarioHandle: the server probe (≥ 10 Hz), and the judgement
 * "the server is ACTIVE again within a bound", which records recovery (probe) and, for every Nova instance action
 * since the injection, the moment Nova's compute service finished it (its own stamp) next to the moment the probe
 * saw the server reach the state the action ends in — both as seconds after the injection or revert in
 * summary.json's events. The bound is judged on Nova's stamp when Nova recorded one, else on the probe's.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { round3 } from '../../../core/scenario-files';
import type { MeasuredEvent, RecoveryResult } from '../../../model/summary';
import { findRecovery } from '../../../slo/recovery';
import { interpolatedDetectMs, interpolatedRecoveryAt } from '../../../slo/outage';
import type { OpenStackClient } from '../client/client';
import { actionsSince, ACTION_ENDS_IN, finishedAt, novaTime } from './instance-actions';
import { epochToMonotonic, transitionAt } from './moments';
import { serverProbeName, ServerSample, ServerStateProbe } from './server-probe';

/** The slowest and fastest server probe: at least 10 Hz (a 1 s poller misses 0.1-0.2 s states), at most 50 Hz. */
const MIN_RATE_HZ = 10;
const MAX_RATE_HZ = 50;

/** probeServer: samples one server's state at `rateHz`; returns the probe's name. */
export function probeServer(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, rateHz: number): string {
  if (!(rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) throw new BadInput(`probing an OpenStack server at ${rateHz} Hz is out of range`, undefined, `use ${MIN_RATE_HZ} to ${MAX_RATE_HZ} Hz: Nova's intermediate states last 0.1-0.2 s`);
  const name = serverProbeName(server.name);
  // A reading slower than a second is a measurement problem (a busy API), and bounds the requests in flight.
  const timeoutMs = 1000;
  x.addProbe([name], rateHz, (onSample) => new ServerStateProbe(client, server, rateHz, timeoutMs, onSample), `GET compute /servers/${server.id} (${server.name}) at ${rateHz} Hz (status, task state)`);
  return name;
}

const samplesOf = (x: ScenarioHandle, name: string): ServerSample[] => x.timeline.samplesOf(serverProbeName(name)) as ServerSample[];

/**
 * serverActiveWithin: waits until the server is ACTIVE with no task, stable for the stabilization window, at most
 * `boundMs` after the revert (or the injection of a one-shot fault); records recovery and Nova's stamped moments.
 */
export async function serverActiveWithin(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, boundMs: number): Promise<void> {
  const probe = serverProbeName(server.name);
  x.requireProbe(probe);
  if (x.planning) {
    if (!x.faultWindow().planned) throw new BadInput(`"${server.name} is ACTIVE again within" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
    x.plan(`judge: OpenStack server ${server.name} ACTIVE with no task within ${formatDuration(boundMs)} (Nova's instance-action stamps next to the probe's)`);
    return;
  }
  const window = x.faultWindow();
  if (window.start === null) throw new ExperimentCompromised('no fault was injected, so recovery cannot be measured');
  const from = window.oneShot ? window.start : window.end;
  if (from === null) throw new ExperimentCompromised('the fault is not reverted yet, so recovery cannot be measured');
  const fromWhat = window.oneShot ? 'injection' : 'revert';
  const stabilizationMs = x.stabilizationMs;
  const capAt = from + boundMs + stabilizationMs + 2000;
  while (findRecovery(samplesOf(x, server.name), { from, stabilizationMs }).recoveredAt === null && now() < capAt) await x.wait(100);
  const samples = samplesOf(x, server.name);
  const found = findRecovery(samples, { from, stabilizationMs });
  const recoveredAt = interpolatedRecoveryAt(found, from);
  const detectMs = interpolatedDetectMs(samples, window.start);
  const pair = { monotonic: now(), epoch: Date.now() };
  const fromEpoch = Date.parse(wallClockAt(from));
  const events = await novaMoments(x, client, server, window.start, from, fromWhat, samples, pair);
  const backAt = events.filter((e) => e.status === 'ACTIVE').at(-1);
  const probeMs = recoveredAt === null ? null : recoveredAt - from;
  const judgedMs = backAt ? backAt.novaMs - fromEpoch : probeMs;
  const met = recoveredAt !== null && judgedMs !== null && judgedMs <= boundMs;
  const result: RecoveryResult = { probe, detectSeconds: detectMs === null ? null : round3(detectMs / 1000), recoverSeconds: probeMs === null ? null : round3(probeMs / 1000), boundSeconds: round3(boundMs / 1000), met, from: fromWhat };
  x.recordRecovery(result, recoveredAt);
  const novaLine = backAt ? `; Nova finished ${backAt.action} ${formatDuration(backAt.novaMs - fromEpoch)} after the ${fromWhat} (${backAt.event})` : '';
  x.say(`${met ? 'ok' : 'NOT MET'}: OpenStack server ${server.name} ${probeMs === null ? `not ACTIVE within ${formatDuration(boundMs)}` : `ACTIVE after ${formatDuration(probeMs)} by the probe`}${novaLine} (bound ${formatDuration(boundMs)})`);
  if (!met) throw new HypothesisRefuted(`OpenStack server ${server.name} was not ACTIVE within ${formatDuration(boundMs)} of the ${fromWhat}${judgedMs === null ? '' : ` (after ${formatDuration(judgedMs)})`}`, { ...result, last: samples.at(-1)?.error ?? 'ACTIVE' });
}

interface NovaMoment {
  action: string;
  event: string;
  status: string;
  novaMs: number;
}

/** novaMoments: records, per instance action since the injection, Nova's finish stamp and the probe's moment. */
async function novaMoments(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, injectedAt: number, from: number, fromWhat: 'injection' | 'revert', samples: readonly ServerSample[], pair: { monotonic: number; epoch: number }): Promise<NovaMoment[]> {
  const fromEpoch = Date.parse(wallClockAt(from));
  let actions;
  try {
    actions = await actionsSince(client, server.id, Date.parse(wallClockAt(injectedAt)) - 1000);
  } catch (error) {
    x.say(`could not read Nova's instance actions of ${server.name} (${String(error).slice(0, 160)}): times are the probe's only`);
    return [];
  }
  const moments: NovaMoment[] = [];
  for (const action of actions) {
    const status = ACTION_ENDS_IN[action.action];
    const done = finishedAt(action);
    if (!status || !done) continue;
    const startedMono = epochToMonotonic(novaTime(action.start_time), pair);
    const seen = transitionAt(samples, startedMono, (s) => s.serverStatus === status && s.taskState === null);
    const event: MeasuredEvent = {
      kind: `openstack-server-${action.action}`,
      event: `${server.name} ${status} after ${action.action}`,
      at: new Date(done.ms).toISOString(),
      afterSeconds: round3((done.ms - fromEpoch) / 1000),
      from: fromWhat,
      source: `Nova instance action ${action.action} ${action.request_id}: ${done.event} finish_time`,
      exact: true,
      probeSeconds: seen === null ? null : round3((seen - from) / 1000),
      logSeconds: null,
    };
    x.recordEvent(event);
    x.timeline.record('note', `${event.event}: Nova ${event.afterSeconds}s, probe ${event.probeSeconds ?? '-'}s after the ${fromWhat}`, { ...event });
    moments.push({ action: action.action, event: done.event, status, novaMs: done.ms });
  }
  return moments;
}
