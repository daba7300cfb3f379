/**
 * What an OpenStack fault can leave behind, found without a journal: recipes in the channel's marker directory on
 * the runner's host (a runner died before its revert; only those of the environment's own cloud), servers, ports
 * and pool members tagged scs-chaos-injected, and nova-compute services disabled with a reason naming scs-chaos.
 * `sweep` replays the markers, stops their expiry processes and undoes every tagged or disabled object. An
 * unreachable cloud reports nothing here (a step that needs it fails at plan time).
 */
import { rmSync } from 'node:fs';
import type { Environment, NodeSpec } from '../../model/environment';
import type { PreflightFindings, SweepOutcome } from '../../core/kinds';
import { errorMessage } from '../../kernel/errors';
import { markerFiles, readMarker, stopExpiryProcess } from '../../revert/detached-expiry';
import { listHostArtefacts, sweepHost } from '../../revert/shell-hosts';
import { computeHostNode } from './faults/compute-process';
import type { OpenStackClient } from './client/client';
import { clientFor } from './clients';
import { INJECTED_TAG, INJECTION_KEY, ServerView, UNDO_KEY } from './nova';
import type { MemberView } from './octavia';
import { DISABLED_REASON } from './faults/compute-service';
import { OpenstackRecipe, replayRecipe } from './recipe';
import { OPENSTACK_MARKER_DIR } from './revert-channel';
import { applyUndo, describeUndo, HarmedServerState, OpenstackUndo, SERVER_RESTORE } from './undo';


interface Tagged {
  what: string;
  undo: OpenstackUndo;
}

function ownMarkers(client: OpenStackClient): Array<{ file: string; recipe: OpenstackRecipe | null }> {
  return markerFiles(OPENSTACK_MARKER_DIR)
    .map((file) => {
      try {
        return { file, recipe: readMarker<OpenstackRecipe>(file) };
      } catch {
        return { file, recipe: null };
      }
    })
    .filter(({ recipe }) => recipe === null || recipe.authUrl === client.cloud.authUrl);
}

/** taggedObjects: every object of ours in the cloud, with the undo that brings it back (the four services asked at once). */
async function taggedObjects(client: OpenStackClient): Promise<Tagged[]> {
  const [servers, ports, members, services] = await Promise.all([taggedServers(client), taggedPorts(client), taggedMembers(client), disabledServices(client)]);
  return [...servers, ...ports, ...members, ...services];
}

async function taggedServers(client: OpenStackClient): Promise<Tagged[]> {
  return (await client.list<ServerView>('compute', '/servers/detail', 'servers', { tags: INJECTED_TAG })).map((server) => {
    const harmed = server.metadata?.[UNDO_KEY];
    const harmedState: HarmedServerState = harmed && harmed in SERVER_RESTORE ? (harmed as HarmedServerState) : 'SHUTOFF';
    return { what: `server ${server.name} tagged ${INJECTED_TAG} (${server.metadata?.[INJECTION_KEY] ?? '?'}), ${server.status}`, undo: { kind: 'server', server: server.id, name: server.name, harmedState } };
  });
}

async function taggedPorts(client: OpenStackClient): Promise<Tagged[]> {
  return (await client.list<{ id: string; name: string }>('network', '/ports', 'ports', { tags: INJECTED_TAG })).map((port) => ({ what: `port ${port.name || port.id} tagged ${INJECTED_TAG}`, undo: { kind: 'port', port: port.id, name: port.name || port.id } }));
}

async function taggedMembers(client: OpenStackClient): Promise<Tagged[]> {
  const found: Tagged[] = [];
  for (const pool of await client.list<{ id: string; loadbalancers: Array<{ id: string }> }>('load-balancer', '/lbaas/pools', 'pools')) {
    const lb = pool.loadbalancers[0]?.id ?? '';
    for (const member of await client.list<MemberView>('load-balancer', `/lbaas/pools/${pool.id}/members`, 'members', { tags: INJECTED_TAG })) {
      found.push({ what: `member ${member.name || member.id} of pool ${pool.id} tagged ${INJECTED_TAG}`, undo: { kind: 'member', loadBalancer: lb, pool: pool.id, member: member.id, name: member.name || member.id } });
    }
  }
  return found;
}

async function disabledServices(client: OpenStackClient): Promise<Tagged[]> {
  const { services } = await client.get<{ services: Array<{ id: string; host: string; status: string; disabled_reason: string | null }> }>('compute', '/os-services', { binary: 'nova-compute' });
  return services.filter((s) => s.status === 'disabled' && (s.disabled_reason ?? '').startsWith(DISABLED_REASON)).map((service) => ({ what: `nova-compute on ${service.host} disabled (${service.disabled_reason})`, undo: { kind: 'compute-service', service: service.id, host: service.host } }));
}

/** clientOrNull: the environment's client; null when it has no section or its clouds.yaml cannot be read (a lab without OpenStack). */
function clientOrNull(env: Environment): OpenStackClient | null {
  if (!env.sections.openstack) return null;
  try {
    return clientFor(env);
  } catch {
    return null;
  }
}

/** computeHostNodes: the hosts running nova-compute that the environment names (the process-loss fault's targets). */
function computeHostNodes(env: Environment): NodeSpec[] {
  return Object.entries(env.sections.openstack?.computeHosts ?? {}).map(([host, access]) => computeHostNode(env, host, access));
}

export async function openstackPreflight(env: Environment): Promise<PreflightFindings> {
  const unreachable: string[] = [];
  const leftovers: string[] = [];
  for (const listing of await Promise.all(computeHostNodes(env).map((node) => listHostArtefacts(node)))) {
    if (listing.unreachable) continue; // a lab without OpenStack has no control namespace: nothing to find
    leftovers.push(...listing.leftovers.map((line) => `${listing.host}: leftover of an earlier run: ${line}`));
  }
  const client = clientOrNull(env);
  if (!client) return { unreachable, leftovers };
  leftovers.push(...ownMarkers(client).map(({ file }) => `openstack: leftover of an earlier run: revert recipe ${file}`));
  const tagged = await taggedObjects(client).catch(() => []);
  for (const object of tagged) leftovers.push(`openstack: leftover of an earlier run: ${object.what}`);
  return { unreachable, leftovers };
}

export async function openstackSweep(env: Environment): Promise<SweepOutcome[]> {
  // Only hosts that answer: a lab without OpenStack has no control namespace, and that is not a failed sweep.
  const reachable = [];
  for (const node of computeHostNodes(env)) if (!(await listHostArtefacts(node)).unreachable) reachable.push(node);
  const hosts = await Promise.all(reachable.map((node) => sweepHost(node)));
  const client = clientOrNull(env);
  if (!client) return hosts;
  const lines: string[] = [];
  for (const { file, recipe } of ownMarkers(client)) {
    try {
      await stopExpiryProcess(file);
      if (recipe) await replayRecipe(recipe);
      rmSync(file, { force: true });
      lines.push(`replayed and removed ${file}`);
    } catch (error) {
      lines.push(`FAILED: ${file}: ${errorMessage(error)}`);
    }
  }
  let tagged: Tagged[];
  try {
    tagged = await taggedObjects(client);
  } catch (error) {
    return [...hosts, { where: `openstack cloud ${client.name}`, lines, error: errorMessage(error) }];
  }
  for (const object of tagged) {
    try {
      await applyUndo(client, object.undo);
      lines.push(`${describeUndo(object.undo)} (${object.what})`);
    } catch (error) {
      lines.push(`FAILED: ${describeUndo(object.undo)}: ${errorMessage(error)}`);
    }
  }
  return [...hosts, { where: `openstack cloud ${client.name}`, lines }];
}

/**
 * forgetRecipesOf: the cloud whose clouds.yaml lies below `cloudDir` is being torn down (`lab down`): its pending
 * undo recipes and their expiry processes go with it — there is nothing left to undo, and a recipe that can never be
 * replayed would otherwise refuse a later run's preflight. Returns the files removed.
 */
export async function forgetRecipesOf(cloudDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const file of markerFiles(OPENSTACK_MARKER_DIR)) {
    let recipe: OpenstackRecipe;
    try {
      recipe = readMarker<OpenstackRecipe>(file);
    } catch {
      continue;
    }
    if (!recipe.cloudsYaml?.startsWith(`${cloudDir}/`)) continue;
    await stopExpiryProcess(file);
    rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}

/** markerFolders: the folders of the runner's host this kind's faults may leave (empty ones can go with the lab). */
export function markerFolders(env: Environment): string[] {
  return [...computeHostNodes(env).map((node) => node.name), OPENSTACK_MARKER_DIR];
}
