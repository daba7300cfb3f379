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
import type { ServerView } from './nova';
import { probeServer, serverActiveWithin } from './probes/observe';
import { selectServers, ServerSelector } from './selectors';

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
