/**
 * Selecting OpenStack targets, and the kind's scope and blast radius (refused at plan time, nothing touched):
 * servers by name, by tag or by metadata ("2 of the OpenStack servers tagged k8s-worker"), each of which must be in
 * openstack.scope (its name in scope.servers or one of its tags in scope.serverTags), never more than
 * scope.maxServersAtOnce at once; load balancers and compute hosts by name, in scope.loadBalancers and
 * scope.computeHosts. A choice of N of M is seeded by the run's seed (said in the plan, repeated by --seed).
 */
import { BadInput } from '../../kernel/errors';
import type { OpenStackClient } from './client/client';
import type { OpenstackSpec } from './environment';
import type { ServerView } from './nova';

/** ServerSelector: what a step names. */
export type ServerSelector =
  | { readonly by: 'name'; readonly name: string }
  | { readonly by: 'tag'; readonly tag: string; readonly count: number }
  | { readonly by: 'metadata'; readonly key: string; readonly value: string; readonly count: number };

export function describeSelector(selector: ServerSelector): string {
  if (selector.by === 'name') return `server ${selector.name}`;
  return `${selector.count} of the servers ${selector.by === 'tag' ? `tagged ${selector.tag}` : `with metadata ${selector.key}=${selector.value}`}`;
}

const fix = (spec: OpenstackSpec, file: string): string => `add it to openstack.scope (servers or serverTags) in ${file} if it may be harmed, or pick another (in scope: ${[...spec.scope.servers, ...spec.scope.serverTags.map((t) => `tag ${t}`)].join(', ') || 'nothing'})`;

/** inServerScope: the server's name is listed in scope.servers or it carries a tag of scope.serverTags. */
export function inServerScope(spec: OpenstackSpec, server: Pick<ServerView, 'name' | 'tags'>): boolean {
  return spec.scope.servers.includes(server.name) || (server.tags ?? []).some((tag) => spec.scope.serverTags.includes(tag));
}

/** requireServerBlastRadius: at most scope.maxServersAtOnce servers harmed at once. */
export function requireServerBlastRadius(spec: OpenstackSpec, names: readonly string[], what: string, file: string): void {
  if (names.length <= spec.scope.maxServersAtOnce) return;
  throw new BadInput(`${what} picks ${names.length} servers (${names.join(', ')}), more than openstack.scope.maxServersAtOnce = ${spec.scope.maxServersAtOnce}`, undefined, `select at most ${spec.scope.maxServersAtOnce}, or raise openstack.scope.maxServersAtOnce in ${file} if that blast radius is intended`);
}

/** pickBySeed: `count` of the name-sorted candidates, starting at seed mod n (same seed, same pick). */
export function pickBySeed<T extends { name: string }>(candidates: readonly T[], count: number, seed: number): T[] {
  const sorted = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
  const start = sorted.length ? Math.abs(Math.trunc(seed)) % sorted.length : 0;
  return Array.from({ length: Math.min(count, sorted.length) }, (_, i) => sorted[(start + i) % sorted.length] as T);
}

/** selectServers: the servers a selector names, in scope and within the blast radius; BadInput otherwise. */
export async function selectServers(client: OpenStackClient, spec: OpenstackSpec, selector: ServerSelector, seed: number, file: string): Promise<{ servers: ServerView[]; description: string }> {
  const what = describeSelector(selector);
  if (selector.by === 'name') {
    const found = (await client.list<ServerView>('compute', '/servers/detail', 'servers', { name: `^${selector.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` })).filter((s) => s.name === selector.name);
    if (found.length === 0) throw new BadInput(`OpenStack ${what} does not exist in cloud ${client.name}`, undefined, 'name a server that `openstack server list` shows');
    if (found.length > 1) throw new BadInput(`OpenStack ${what} is ambiguous in cloud ${client.name}: ${found.length} servers have that name`, undefined, 'rename them or select by tag');
    const server = found[0] as ServerView;
    if (!inServerScope(spec, server)) throw new BadInput(`OpenStack ${what} is out of scope for cloud ${client.name}`, undefined, fix(spec, file));
    return { servers: [server], description: `${what} (${server.id})` };
  }
  if (!Number.isInteger(selector.count) || selector.count < 1) throw new BadInput(`"${selector.count} of the servers" selects nothing`, undefined, 'select at least 1');
  const listed = await client.list<ServerView>('compute', '/servers/detail', 'servers', selector.by === 'tag' ? { tags: selector.tag } : {});
  const matching = selector.by === 'tag' ? listed.filter((s) => (s.tags ?? []).includes(selector.tag)) : listed.filter((s) => s.metadata?.[selector.key] === selector.value);
  const candidates = matching.filter((s) => inServerScope(spec, s));
  const outside = matching.filter((s) => !inServerScope(spec, s)).map((s) => s.name);
  requireServerBlastRadius(spec, Array.from({ length: selector.count }, (_, i) => candidates[i]?.name ?? `#${i + 1}`), `"${what}"`, file);
  if (candidates.length < selector.count) {
    throw new BadInput(`"${what}": cloud ${client.name} has ${candidates.length} such server(s) in scope${outside.length ? ` (out of scope: ${outside.join(', ')})` : ''}`, undefined, matching.length ? fix(spec, file) : 'tag the servers, or select fewer');
  }
  const servers = pickBySeed(candidates, selector.count, seed);
  return { servers, description: `"${what}" → ${servers.map((s) => s.name).join(', ')} (seed ${seed}${outside.length ? `; out of scope: ${outside.join(', ')}` : ''})` };
}
