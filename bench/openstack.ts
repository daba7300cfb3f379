/**
 * bench:openstack — inject and revert latency per OpenStack fault kind, and the server probe's detection delay for
 * a stop → SHUTOFF transition, against the lab's OpenStack. Each kind runs REPS times through the real Injection
 * path (journal, marker + detached expiry process, apply, verify; revert, verify, disarm); one-shot kinds have no
 * revert. Detection: a 10 Hz server probe runs while a server is stopped; the delay is from Nova's own stamp of the
 * transition (the compute_stop_instance event's finish_time) to the answer of the first probe reading showing
 * SHUTOFF, and the probe's interpolated transition is compared with Nova's stamp (probeErrorMs).
 * Prints a table and, last, one JSON line.
 *   usage: npm run bench:openstack [-- --reps N] [-- --env FILE]   (root; brings the lab up with OpenStack if needed;
 *   the environment is --env, else SCS_CHAOS_LAB_ENV, else experiments/environments/lab.yaml)
 */
import '../src/kinds';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labStatus, labUp } from '../lab/lab';
import { now, sleep } from '../src/kernel/clock';
import { Injection } from '../src/core/injection';
import { Journal } from '../src/core/journal';
import type { Fault } from '../src/core/fault';
import { loadEnvironment } from '../src/environment/load';
import type { Environment } from '../src/model/environment';
import type { Sample } from '../src/model/sample';
import type { OpenStackClient } from '../src/kinds/openstack/client/client';
import { clientFor } from '../src/kinds/openstack/clients';
import { openstackSpecOf } from '../src/kinds/openstack/environment';
import { computeProcessStopFault } from '../src/kinds/openstack/faults/compute-process';
import { computeServiceDisableFault } from '../src/kinds/openstack/faults/compute-service';
import { lbFailoverFault } from '../src/kinds/openstack/faults/lb-failover';
import { memberDisableFault } from '../src/kinds/openstack/faults/member-disable';
import { portDownFault, portNamed } from '../src/kinds/openstack/faults/port-down';
import { serverOneShotFault } from '../src/kinds/openstack/faults/server-oneshot';
import { serverPowerFault } from '../src/kinds/openstack/faults/server-power';
import { isSteadyActive, ServerView, untilServer } from '../src/kinds/openstack/nova';
import { LoadBalancerView, poolOf, untilLoadBalancer } from '../src/kinds/openstack/octavia';
import { actionsSince, finishedAt } from '../src/kinds/openstack/probes/instance-actions';
import { epochToMonotonic, transitionAt } from '../src/kinds/openstack/probes/moments';
import { ServerSample, ServerStateProbe } from '../src/kinds/openstack/probes/server-probe';
import { median, percentileOf } from './lib/lab-session';

interface Targets {
  env: Environment;
  client: OpenStackClient;
  server: ServerView;
  lb: LoadBalancerView;
}

type Kind = { kind: string; make: (t: Targets) => Promise<Fault> };

const KINDS: Kind[] = [
  { kind: 'openstack-server-stop', make: async (t) => serverPowerFault(t.client, openstackSpecOf(t.env), t.server, 'stop', t.env.sourcePath) },
  { kind: 'openstack-server-pause', make: async (t) => serverPowerFault(t.client, openstackSpecOf(t.env), t.server, 'pause', t.env.sourcePath) },
  { kind: 'openstack-server-suspend', make: async (t) => serverPowerFault(t.client, openstackSpecOf(t.env), t.server, 'suspend', t.env.sourcePath) },
  { kind: 'openstack-server-hard-reboot', make: async (t) => serverOneShotFault(t.client, openstackSpecOf(t.env), t.server, 'hard-reboot', t.env.sourcePath) },
  { kind: 'openstack-server-soft-reboot', make: async (t) => serverOneShotFault(t.client, openstackSpecOf(t.env), t.server, 'soft-reboot', t.env.sourcePath) },
  { kind: 'openstack-port-down', make: async (t) => portDownFault(t.client, openstackSpecOf(t.env), await portNamed(t.client, openstackSpecOf(t.env), openstackSpecOf(t.env).scope.ports[0] ?? 'lab-port', t.env.sourcePath)) },
  { kind: 'openstack-lb-failover', make: async (t) => lbFailoverFault(t.client, openstackSpecOf(t.env), t.lb, 'load-balancer', t.env.sourcePath) },
  { kind: 'openstack-amphora-failover', make: async (t) => lbFailoverFault(t.client, openstackSpecOf(t.env), t.lb, 'amphora', t.env.sourcePath) },
  {
    kind: 'openstack-member-disable',
    make: async (t) => {
      const ref = await poolOf(t.client, t.lb);
      return memberDisableFault(t.client, openstackSpecOf(t.env), ref, ref.members[0] as (typeof ref.members)[number], t.env.sourcePath);
    },
  },
  { kind: 'openstack-compute-disable', make: async (t) => computeServiceDisableFault(t.client, openstackSpecOf(t.env), openstackSpecOf(t.env).scope.computeHosts[0] ?? 'compute-1', t.env.sourcePath) },
  { kind: 'openstack-compute-process-stop', make: async (t) => computeProcessStopFault(t.env, openstackSpecOf(t.env), openstackSpecOf(t.env).scope.computeHosts[0] ?? 'compute-1') },
];

/** settle: the lab's objects back at rest before the next cycle (one-shot faults heal by themselves). */
async function settle(t: Targets): Promise<void> {
  await untilServer(t.client, t.server.id, isSteadyActive, 60_000);
  await untilLoadBalancer(t.client, t.lb.id, (lb) => lb.provisioning_status === 'ACTIVE', 60_000);
  await sleep(300);
}

async function cycle(fault: Fault, journal: Journal): Promise<{ injectMs: number; revertMs: number | null }> {
  const injection = new Injection(fault, 60_000, journal, 'bench:openstack');
  const started = now();
  await injection.inject();
  await injection.verify();
  const injected = now();
  if (!fault.reversible) return { injectMs: injected - started, revertMs: null };
  await injection.revert('bench');
  return { injectMs: injected - started, revertMs: now() - injected };
}

/** detection: stops the server with a 10 Hz probe running; Nova's stamp of SHUTOFF versus the probe. */
async function detection(t: Targets, journal: Journal): Promise<{ detectMs: number; probeErrorMs: number } | null> {
  const samples: ServerSample[] = [];
  const probe = new ServerStateProbe(t.client, t.server, 10, 1000, (s: Sample) => samples.push(s as ServerSample));
  probe.start();
  await sleep(1000);
  const since = Date.now();
  const injection = new Injection(serverPowerFault(t.client, openstackSpecOf(t.env), t.server, 'stop', t.env.sourcePath), 60_000, journal, 'bench:openstack');
  await injection.inject();
  await injection.verify();
  await sleep(1500);
  await probe.stop();
  await injection.revert('bench');
  const pair = { monotonic: now(), epoch: Date.now() };
  const stop = (await actionsSince(t.client, t.server.id, since - 1000)).find((a) => a.action === 'stop');
  const done = stop ? finishedAt(stop) : null;
  if (!stop || !done) return null;
  const stampMono = epochToMonotonic(done.ms, pair);
  const first = samples.filter((s) => !s.measurementProblem && s.serverStatus === 'SHUTOFF').sort((a, b) => a.t - b.t)[0];
  const seen = transitionAt(samples, epochToMonotonic(Date.parse(`${stop.start_time}Z`), pair), (s) => s.serverStatus === 'SHUTOFF' && s.taskState === null);
  if (!first || seen === null) return null;
  return { detectMs: (first.answeredAt ?? first.t) - stampMono, probeErrorMs: seen - stampMono };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, env: { type: 'string' } } });
  const reps = Number(values.reps);
  if (process.getuid?.() !== 0) throw new Error('bench:openstack needs root: it uses the built-in lab');
  const env = loadEnvironment(resolve(values.env ?? process.env.SCS_CHAOS_LAB_ENV ?? join(__dirname, '..', 'experiments', 'environments', 'lab.yaml')));
  const wasUp = (await labStatus(env)).openstack?.healthy === true;
  if (!wasUp) await labUp(env, (line) => process.stderr.write(`${line}\n`), { withOpenstack: true });
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'scs-chaos-bench-openstack-')), 'journal.jsonl'));
  const client = clientFor(env);
  try {
    const server = (await client.list<ServerView>('compute', '/servers/detail', 'servers', { tags: openstackSpecOf(env).scope.serverTags[0] ?? 'scs-chaos-lab' }))[0];
    const lb = (await client.list<LoadBalancerView>('load-balancer', '/lbaas/loadbalancers', 'loadbalancers', { name: openstackSpecOf(env).scope.loadBalancers[0] ?? 'lab-lb' }))[0];
    if (!server || !lb) throw new Error('the lab has no server or load balancer in scope');
    const targets: Targets = { env, client, server, lb };
    const perKind: Record<string, { injectMsMedian: number; injectMsP95: number; revertMsMedian: number | null; revertMsP95: number | null }> = {};
    process.stdout.write(`${reps} cycles per kind against cloud ${client.name}\nkind                             inject median/p95 (ms)   revert median/p95 (ms)\n`);
    for (const { kind, make } of KINDS) {
      const injects: number[] = [];
      const reverts: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        await settle(targets);
        const { injectMs, revertMs } = await cycle(await make(targets), journal);
        injects.push(injectMs);
        if (revertMs !== null) reverts.push(revertMs);
      }
      const f = { injectMsMedian: Math.round(median(injects)), injectMsP95: Math.round(percentileOf(injects, 95)), revertMsMedian: reverts.length ? Math.round(median(reverts)) : null, revertMsP95: reverts.length ? Math.round(percentileOf(reverts, 95)) : null };
      perKind[kind] = f;
      process.stdout.write(`${kind.padEnd(32)} ${`${f.injectMsMedian}/${f.injectMsP95}`.padStart(22)}   ${(f.revertMsMedian === null ? 'one-shot' : `${f.revertMsMedian}/${f.revertMsP95}`).padStart(22)}\n`);
    }
    const detections: Array<{ detectMs: number; probeErrorMs: number }> = [];
    for (let rep = 0; rep < reps; rep++) {
      await settle(targets);
      const found = await detection(targets, journal);
      if (found) detections.push(found);
    }
    const detect = detections.map((d) => d.detectMs);
    const errors = detections.map((d) => Math.abs(d.probeErrorMs));
    const figures = {
      benchmark: 'openstack',
      cloud: client.name,
      reps,
      perKind,
      stopToShutoff: { probeRateHz: 10, runs: detections.length, detectMsMedian: Math.round(median(detect)), detectMsP95: Math.round(percentileOf(detect, 95)), probeErrorMsMedian: Math.round(median(errors)), probeErrorMsMax: Math.round(Math.max(...errors)) },
    };
    process.stdout.write(`stop → SHUTOFF at 10 Hz (${detections.length} runs): detection ${figures.stopToShutoff.detectMsMedian}/${figures.stopToShutoff.detectMsP95} ms median/p95 after Nova's stamp; probe transition vs Nova ${figures.stopToShutoff.probeErrorMsMedian} ms median, ${figures.stopToShutoff.probeErrorMsMax} ms max\n`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    journal.close();
    client.close();
    if (!wasUp) await labDown(env, (line) => process.stderr.write(`${line}\n`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:openstack failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
