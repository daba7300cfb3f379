/**
 * The OpenStack kind's domain calls for steps (steps/openstack_steps.ts is glue over these): resolve the cloud and
 * the targets (plan time too: reads only), build the faults, attach probes and judge recovery. Each says the
 * resolved targets in the plan.
 */
import type { Fault } from '../../core/fault';
import type { ScenarioHandle } from '../../core/scenario-handle';
import type { OpenStackClient } from './client/client';
import { reachableClient } from './clients';
import { openstackSpecOf } from './environment';
import { serverOneShotFault, OneShotServerFault, requireDestructive } from './faults/server-oneshot';
import { PowerFault, serverPowerFault } from './faults/server-power';
import { BadInput } from '../../kernel/errors';
import { computeProcessStopFault } from './faults/compute-process';
import { computeServiceDisableFault, requireComputeHostInScope } from './faults/compute-service';
import { lbFailoverFault, requireLbInScope } from './faults/lb-failover';
import { memberDisableFault } from './faults/member-disable';
import { portDownFault, portNamed } from './faults/port-down';
import type { ServerView } from './nova';
import { LoadBalancerView, MemberView, poolOf } from './octavia';
import { lbActiveWithin, probeComputeService, probeLoadBalancer, probePool, probeServer, serverActiveWithin } from './probes/observe';
import { pickBySeed, selectServers, ServerSelector } from './selectors';

/** serverNamed: the in-scope server of that name, looked up once per scenario. */
async function serverNamed(x: ScenarioHandle, client: OpenStackClient, name: string): Promise<ServerView> {
  const cache = x.scenarioState('openstack-servers', () => new Map<string, Promise<ServerView>>());
  let found = cache.get(name);
  if (!found) {
    found = selectServers(client, openstackSpecOf(x.env), { by: 'name', name }, x.seed, x.env.sourcePath).then((s) => s.servers[0] as ServerView);
    cache.set(name, found);
    found.catch(() => cache.delete(name));
  }
  return found;
}

/** serverPowerFaults: one stop/pause/suspend fault per selected server (scope and blast radius checked). */
export async function serverPowerFaults(x: ScenarioHandle, selector: ServerSelector, fault: PowerFault): Promise<Fault[]> {
  const client = await reachableClient(x.env);
  const spec = openstackSpecOf(x.env);
  const { servers, description } = await selectServers(client, spec, selector, x.seed, x.env.sourcePath);
  if (x.planning) x.plan(`select: ${description}`);
  return servers.map((server) => serverPowerFault(client, spec, server, fault, x.env.sourcePath));
}

/** serverOneShot: a reboot (hard or soft) or, in a @destructive scenario, a delete of one server. */
export async function serverOneShot(x: ScenarioHandle, name: string, fault: OneShotServerFault): Promise<Fault> {
  if (fault === 'delete') requireDestructive(x.env, x.meta.tags, `deleting OpenStack server ${name}`);
  const client = await reachableClient(x.env);
  return serverOneShotFault(client, openstackSpecOf(x.env), await serverNamed(x, client, name), fault, x.env.sourcePath);
}

export async function probeServerNamed(x: ScenarioHandle, name: string, rateHz: number): Promise<void> {
  const client = await reachableClient(x.env);
  probeServer(x, client, await serverNamed(x, client, name), rateHz);
}

export async function serverActiveAgain(x: ScenarioHandle, name: string, boundMs: number): Promise<void> {
  const client = await reachableClient(x.env);
  await serverActiveWithin(x, client, await serverNamed(x, client, name), boundMs);
}

/** loadBalancerNamed: the in-scope load balancer of that name, looked up once per scenario. */
async function loadBalancerNamed(x: ScenarioHandle, client: OpenStackClient, name: string): Promise<LoadBalancerView> {
  const cache = x.scenarioState('openstack-lbs', () => new Map<string, Promise<LoadBalancerView>>());
  let found = cache.get(name);
  if (!found) {
    found = client.list<LoadBalancerView>('load-balancer', '/lbaas/loadbalancers', 'loadbalancers', { name }).then((lbs) => {
      const lb = lbs.find((l) => l.name === name);
      if (!lb) throw new BadInput(`OpenStack load balancer ${name} does not exist in cloud ${client.name}`, undefined, 'name a load balancer that `openstack loadbalancer list` shows');
      requireLbInScope(client, openstackSpecOf(x.env), lb, x.env.sourcePath);
      return lb;
    });
    cache.set(name, found);
    found.catch(() => cache.delete(name));
  }
  return found;
}

export async function probeLoadBalancerNamed(x: ScenarioHandle, name: string, rateHz: number): Promise<void> {
  const client = await reachableClient(x.env);
  probeLoadBalancer(x, client, await loadBalancerNamed(x, client, name), rateHz);
}

export async function probePoolOf(x: ScenarioHandle, name: string, rateHz: number): Promise<void> {
  const client = await reachableClient(x.env);
  const lb = await loadBalancerNamed(x, client, name);
  probePool(x, client, lb, (await poolOf(client, lb)).pool, rateHz);
}

/** lbFailover: a failover of the load balancer, or of its (first) amphora. */
export async function lbFailover(x: ScenarioHandle, name: string, scope: 'load-balancer' | 'amphora'): Promise<Fault> {
  const client = await reachableClient(x.env);
  return lbFailoverFault(client, openstackSpecOf(x.env), await loadBalancerNamed(x, client, name), scope, x.env.sourcePath);
}

/** memberDisableFaults: disables the named member, or half of the pool's members (at least one, seeded choice). */
export async function memberDisableFaults(x: ScenarioHandle, lbName: string, which: { member: string } | 'half'): Promise<Fault[]> {
  const client = await reachableClient(x.env);
  const ref = await poolOf(client, await loadBalancerNamed(x, client, lbName));
  let members: MemberView[];
  if (which === 'half') {
    members = pickBySeed(ref.members.map((m) => ({ ...m, name: m.name || m.address })), Math.max(1, Math.floor(ref.members.length / 2)), x.seed);
    if (x.planning) x.plan(`select: half of the ${ref.members.length} members of ${lbName} → ${members.map((m) => m.name).join(', ')} (seed ${x.seed})`);
  } else {
    const member = ref.members.find((m) => m.name === which.member || m.address === which.member || m.id === which.member);
    if (!member) throw new BadInput(`load balancer ${lbName} has no member ${which.member} (members: ${ref.members.map((m) => m.name || m.address).join(', ')})`, undefined, 'name a member by its name or address');
    members = [member];
  }
  return members.map((member) => memberDisableFault(client, openstackSpecOf(x.env), ref, member, x.env.sourcePath));
}

export async function lbActiveAgain(x: ScenarioHandle, name: string, boundMs: number): Promise<void> {
  const client = await reachableClient(x.env);
  await lbActiveWithin(x, client, await loadBalancerNamed(x, client, name), boundMs);
}

/** portDown: sets an in-scope port admin-state down. */
export async function portDown(x: ScenarioHandle, name: string): Promise<Fault> {
  const client = await reachableClient(x.env);
  const spec = openstackSpecOf(x.env);
  return portDownFault(client, spec, await portNamed(client, spec, name, x.env.sourcePath));
}

/** computeServiceDisable: takes an in-scope compute host out of scheduling. */
export async function computeServiceDisable(x: ScenarioHandle, host: string): Promise<Fault> {
  const client = await reachableClient(x.env);
  return computeServiceDisableFault(client, openstackSpecOf(x.env), host, x.env.sourcePath);
}

/** computeProcessStop: stops nova-compute on an in-scope compute host through its process manager. */
export function computeProcessStop(x: ScenarioHandle, host: string): Fault {
  return computeProcessStopFault(x.env, openstackSpecOf(x.env), host);
}

export async function probeComputeHost(x: ScenarioHandle, host: string, rateHz: number): Promise<void> {
  const client = await reachableClient(x.env);
  requireComputeHostInScope(client, openstackSpecOf(x.env), host, x.env.sourcePath);
  probeComputeService(x, client, host, rateHz);
}
