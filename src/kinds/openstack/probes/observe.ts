/**
 * OpenStack observations of a scenario, through its ScenarioHandle: the server probe (≥ 10 Hz) and the
 * load-balancer probe, and the judgements "the server is ACTIVE again within" and "the load balancer is ACTIVE
 * again within" (recovery.ts), which record, next to the probe's moment, OpenStack's own: for a server, the moment
 * Nova's compute service finished each instance action since the injection (its event's finish_time); for a load
 * balancer, Octavia's updated_at of its return to ACTIVE.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import type { OpenStackClient } from '../client/client';
import { getLoadBalancer } from '../octavia';
import { actionsSince, ACTION_ENDS_IN, finishedAt, novaTime } from './instance-actions';
import { computeProbeName, computeServiceProbe } from './compute-probe';
import { LbSample, lbProbeName, lbUpProbeName, loadBalancerProbe, poolProbe, poolProbeName } from './lb-probe';
import { epochToMonotonic, transitionAt } from './moments';
import { awaitRecovery, concludeRecovery, planRecovery, recordStamp, RecoveryWait } from './recovery';
import { serverProbeName, ServerSample, ServerStateProbe } from './server-probe';

/** Probe rates: at least 10 Hz (Nova's and Octavia's intermediate states last 0.1-0.2 s), at most 50 Hz. */
const MIN_RATE_HZ = 10;
const MAX_RATE_HZ = 50;
/** A reading slower than a second is a measurement problem (a busy API); it also bounds the requests in flight. */
const READ_TIMEOUT_MS = 1000;

function checkRate(what: string, rateHz: number): void {
  if (!(rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) throw new BadInput(`probing ${what} at ${rateHz} Hz is out of range`, undefined, `use ${MIN_RATE_HZ} to ${MAX_RATE_HZ} Hz: intermediate states last 0.1-0.2 s`);
}

/** probeServer: samples one server's state at `rateHz`; returns the probe's name. */
export function probeServer(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, rateHz: number): string {
  checkRate(`OpenStack server ${server.name}`, rateHz);
  const name = serverProbeName(server.name);
  x.addProbe([name], rateHz, (onSample) => new ServerStateProbe(client, server, rateHz, READ_TIMEOUT_MS, onSample), `GET compute /servers/${server.id} (${server.name}) at ${rateHz} Hz (status, task state)`);
  return name;
}

/** probeLoadBalancer: samples a load balancer's statuses at `rateHz` (probes openstack-lb:<name>, openstack-lb-up:<name>). */
export function probeLoadBalancer(x: ScenarioHandle, client: OpenStackClient, lb: { id: string; name: string }, rateHz: number): string {
  checkRate(`OpenStack load balancer ${lb.name}`, rateHz);
  const names = [lbProbeName(lb.name), lbUpProbeName(lb.name)];
  x.addProbe(names, rateHz, (onSample) => loadBalancerProbe(client, lb, rateHz, READ_TIMEOUT_MS, onSample), `GET load-balancer /lbaas/loadbalancers/${lb.id} (${lb.name}) at ${rateHz} Hz; probes ${names.join(', ')}`);
  return names[0] as string;
}

/** probePool: samples the members of a load balancer's pool at `rateHz` (1-50 Hz: they change only by our faults here). */
export function probePool(x: ScenarioHandle, client: OpenStackClient, lb: { name: string }, pool: string, rateHz: number): string {
  if (!(rateHz >= 1 && rateHz <= MAX_RATE_HZ)) throw new BadInput(`probing the pool of ${lb.name} at ${rateHz} Hz is out of range`, undefined, `use 1 to ${MAX_RATE_HZ} Hz`);
  const name = poolProbeName(lb.name);
  x.addProbe([name], rateHz, (onSample) => poolProbe(client, lb, pool, rateHz, READ_TIMEOUT_MS, onSample), `GET load-balancer /lbaas/pools/${pool}/members (${lb.name}) at ${rateHz} Hz`);
  return name;
}

/** probeComputeService: samples a compute host's nova-compute service (enabled and up) at `rateHz` (1-50 Hz). */
export function probeComputeService(x: ScenarioHandle, client: OpenStackClient, host: string, rateHz: number): string {
  if (!(rateHz >= 1 && rateHz <= MAX_RATE_HZ)) throw new BadInput(`probing nova-compute on ${host} at ${rateHz} Hz is out of range`, undefined, `use 1 to ${MAX_RATE_HZ} Hz`);
  const name = computeProbeName(host);
  x.addProbe([name], rateHz, (onSample) => computeServiceProbe(client, host, rateHz, READ_TIMEOUT_MS, onSample), `GET compute /os-services?binary=nova-compute&host=${host} at ${rateHz} Hz (enabled and up)`);
  return name;
}

/** serverActiveWithin: the server is ACTIVE with no task within `boundMs`; Nova's stamps recorded beside the probe's. */
export async function serverActiveWithin(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, boundMs: number): Promise<void> {
  const probe = serverProbeName(server.name);
  if (planRecovery(x, probe, `OpenStack server ${server.name} ACTIVE with no task within ${formatDuration(boundMs)} (Nova's instance-action stamps next to the probe's)`)) return;
  const wait = await awaitRecovery(x, probe, boundMs);
  const back = await novaMoments(x, client, server, wait);
  concludeRecovery(x, wait, boundMs, `OpenStack server ${server.name}`, back ? { ms: back.ms, line: `Nova finished ${back.action} (${back.event})` } : null);
}

/** lbActiveWithin: provisioning status ACTIVE again within `boundMs`; Octavia's updated_at recorded beside the probe's. */
export async function lbActiveWithin(x: ScenarioHandle, client: OpenStackClient, lb: { id: string; name: string }, boundMs: number): Promise<void> {
  const probe = lbProbeName(lb.name);
  if (planRecovery(x, probe, `OpenStack load balancer ${lb.name} provisioning status ACTIVE within ${formatDuration(boundMs)} (Octavia's updated_at next to the probe's)`)) return;
  const wait = await awaitRecovery(x, probe, boundMs);
  const current = await getLoadBalancer(client, lb.id).catch(() => null);
  const stampMs = current?.updated_at && current.provisioning_status === 'ACTIVE' ? novaTime(current.updated_at) : null;
  if (stampMs === null || stampMs < Date.parse(wallClockAt(wait.injectedAt)) - 1000) {
    concludeRecovery(x, wait, boundMs, `OpenStack load balancer ${lb.name}`, null);
    return;
  }
  // updated_at is the load balancer's LAST change: the probe's last return to ACTIVE is the same moment.
  const probeAt = transitionAt(wait.samples as LbSample[], wait.injectedAt, (s) => s.provisioning === 'ACTIVE', 'last');
  recordStamp(x, wait, { kind: 'openstack-lb-active', event: `${lb.name} provisioning ACTIVE`, source: `Octavia load balancer ${lb.id} updated_at` }, stampMs, probeAt);
  concludeRecovery(x, wait, boundMs, `OpenStack load balancer ${lb.name}`, { ms: stampMs, line: 'Octavia updated it ACTIVE' });
}

/** novaMoments: records, per instance action since the injection, Nova's finish stamp and the probe's moment; returns the last return to ACTIVE. */
async function novaMoments(x: ScenarioHandle, client: OpenStackClient, server: { id: string; name: string }, wait: RecoveryWait): Promise<{ ms: number; action: string; event: string } | null> {
  let actions;
  try {
    actions = await actionsSince(client, server.id, Date.parse(wallClockAt(wait.injectedAt)) - 1000);
  } catch (error) {
    x.say(`could not read Nova's instance actions of ${server.name} (${String(error).slice(0, 160)}): times are the probe's only`);
    return null;
  }
  const pair = { monotonic: now(), epoch: Date.now() };
  let back: { ms: number; action: string; event: string } | null = null;
  for (const action of actions) {
    const status = ACTION_ENDS_IN[action.action];
    const done = finishedAt(action);
    if (!status || !done) continue;
    const seen = transitionAt(wait.samples as ServerSample[], epochToMonotonic(novaTime(action.start_time), pair), (s) => s.serverStatus === status && s.taskState === null);
    recordStamp(x, wait, { kind: `openstack-server-${action.action}`, event: `${server.name} ${status} after ${action.action}`, source: `Nova instance action ${action.action} ${action.request_id}: ${done.event} finish_time` }, done.ms, seen);
    if (status === 'ACTIVE') back = { ms: done.ms, action: action.action, event: done.event };
  }
  return back;
}
