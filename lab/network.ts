/**
 * The lab's network: a bridge in the root namespace, one namespace per node (and the edge) joined to it by a
 * veth pair, and an `unreachable` route for the whole lab range. Every `ensure*` is idempotent (it creates
 * what is missing and leaves what is right); every `remove*` touches only the names from the lab layout.
 */
import { runChecked, runCommand } from '../src/executors/command';
import type { LabLayout, LabNamespace } from './layout';
import { toolPath } from './tools';

interface IpLink {
  ifname: string;
  master?: string;
}

interface IpRoute {
  type?: string;
  dst?: string;
  dev?: string;
}

/** ip runs `ip ARGS` and returns its output; throws with stderr on failure. */
function ip(...args: string[]): Promise<string> {
  return runChecked([toolPath('ip'), ...args], { timeoutMs: 15_000 });
}

/** ipJson runs `ip -j ARGS` and parses its JSON (empty output counts as an empty list). */
async function ipJson<T>(...args: string[]): Promise<T[]> {
  const text = (await ip('-j', ...args)).trim();
  return text === '' ? [] : (JSON.parse(text) as T[]);
}

/** listNamespaces returns the names of all network namespaces known to `ip netns`. */
export async function listNamespaces(): Promise<Set<string>> {
  const namespaces = await ipJson<{ name: string }>('netns', 'list');
  return new Set(namespaces.map((ns) => ns.name));
}

/** listLinks maps each root-namespace interface name to its bridge master (undefined when it has none). */
export async function listLinks(): Promise<Map<string, string | undefined>> {
  const links = await ipJson<IpLink>('link', 'show');
  return new Map(links.map((link) => [link.ifname, link.master]));
}

/** unreachableRoutePresent tells whether the root namespace has the lab's `unreachable` route. */
export async function unreachableRoutePresent(layout: LabLayout): Promise<boolean> {
  const routes = await ipJson<IpRoute>('route', 'show', 'exact', layout.spec.unreachableRange);
  return routes.some((route) => route.type === 'unreachable');
}

/** ensureBridge creates the lab bridge with the host address, or fixes its address and state. */
export async function ensureBridge(layout: LabLayout): Promise<void> {
  const { bridge, hostAddress } = layout.spec;
  const clashes = (await ipJson<IpRoute>('route', 'show', 'exact', layout.spec.subnet)).filter((route) => route.dev !== bridge);
  if (clashes.length > 0) {
    throw new Error(`the root namespace already routes the lab subnet ${layout.spec.subnet} elsewhere (${JSON.stringify(clashes)}): change lab.subnet or remove that route`);
  }
  const links = await listLinks();
  if (!links.has(bridge)) await ip('link', 'add', 'name', bridge, 'type', 'bridge');
  await ip('addr', 'replace', `${hostAddress}/${layout.prefixLength}`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');
}

/**
 * ensureUnreachableRoute adds `unreachable <range>` to the root namespace. The bridge's subnet route is more
 * specific and wins for lab addresses; every other address in the range is refused instead of being sent out.
 * Refuses to replace a different route someone else set for the same range.
 */
export async function ensureUnreachableRoute(layout: LabLayout): Promise<void> {
  const range = layout.spec.unreachableRange;
  const routes = await ipJson<IpRoute>('route', 'show', 'exact', range);
  if (routes.some((route) => route.type === 'unreachable')) return;
  if (routes.length > 0) {
    throw new Error(`the root namespace already routes ${range} (${JSON.stringify(routes)}); the lab will not replace a route it did not create: change lab.unreachableRange or remove that route`);
  }
  await ip('route', 'add', 'unreachable', range);
}

/**
 * refuseForeignLink: a veth of this name on ANOTHER bridge belongs to another lab on the same machine (two labs
 * whose edge or control get the same default veth name); taking it over would cut that lab's namespace off.
 */
function refuseForeignLink(links: Map<string, string | undefined>, veth: string, bridge: string): void {
  const master = links.get(veth);
  if (!links.has(veth) || master === undefined || master === bridge) return;
  throw new Error(`interface ${veth} is attached to bridge ${master}, not to this lab's ${bridge}: another lab on this machine uses the same veth names; give this lab its own lab.vethPrefix (e.g. vethPrefix: scs-x-) in its environment file`);
}

/**
 * ensureNamespace creates `target`'s namespace with lo up and eth0 (its address, no default route) bridged to
 * the host. Returns true when it (re)created the veth pair: eth0 then has a new MAC address.
 */
export async function ensureNamespace(layout: LabLayout, target: LabNamespace): Promise<boolean> {
  const { namespace, veth, address } = target;
  if (!(await listNamespaces()).has(namespace)) await ip('netns', 'add', namespace);
  await ip('-n', namespace, 'link', 'set', 'lo', 'up');
  const links = await listLinks();
  refuseForeignLink(links, veth, layout.spec.bridge);
  const namespaceHasEth0 = (await runCommand([toolPath('ip'), '-n', namespace, 'link', 'show', 'eth0'])).code === 0;
  const recreate = !links.has(veth) || !namespaceHasEth0;
  if (recreate) {
    // A half-made pair (one end lost) cannot be repaired in place: start the pair afresh.
    if (links.has(veth)) await ip('link', 'del', veth);
    if (namespaceHasEth0) await ip('-n', namespace, 'link', 'del', 'eth0');
    await ip('link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
  }
  await ip('link', 'set', veth, 'master', layout.spec.bridge);
  await ip('link', 'set', veth, 'up');
  await ip('-n', namespace, 'addr', 'replace', `${address}/${layout.prefixLength}`, 'dev', 'eth0');
  await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
  return recreate;
}

/**
 * forgetNeighbour drops the cached MAC address of `address` on the lab bridge and in the other lab namespaces,
 * so that a namespace whose eth0 was recreated is reachable at once instead of after the stale entry expires.
 */
export async function forgetNeighbour(layout: LabLayout, address: string, namespaces: string[]): Promise<void> {
  await ip('neigh', 'flush', 'to', address, 'dev', layout.spec.bridge);
  for (const namespace of namespaces) await ip('-n', namespace, 'neigh', 'flush', 'to', address, 'dev', 'eth0');
}

/** removeNamespace deletes a lab namespace (and with it eth0, the veth pair and any nftables tables inside). */
export async function removeNamespace(namespace: string): Promise<void> {
  if ((await listNamespaces()).has(namespace)) await ip('netns', 'del', namespace);
}

/**
 * removeLink deletes a root-namespace interface of the lab if it exists (a veth only when it is not attached to
 * a bridge other than `bridge`). A veth's root end vanishes by itself,
 * asynchronously, when its namespace is deleted, so "gone by the time we delete it" counts as removed.
 */
export async function removeLink(name: string, bridge?: string): Promise<void> {
  const links = await listLinks();
  if (!links.has(name)) return;
  // Another lab's veth of the same name (see refuseForeignLink) is not ours to delete.
  const master = links.get(name);
  if (bridge !== undefined && master !== undefined && master !== bridge) return;
  try {
    await ip('link', 'del', name);
  } catch (error) {
    if ((await listLinks()).has(name)) throw error;
  }
}

/**
 * removeUnreachableRoute deletes the lab's `unreachable` route, and no other route — unless another lab on this
 * machine still routes a subnet inside the range through its own bridge: that lab relies on the same route.
 */
export async function removeUnreachableRoute(layout: LabLayout): Promise<void> {
  if (!(await unreachableRoutePresent(layout)) || (await otherLabsInRange(layout))) return;
  await ip('route', 'del', 'unreachable', layout.spec.unreachableRange);
}

/** otherLabsInRange: whether another bridge than this lab's routes a subnet inside the lab's unreachable range. */
export async function otherLabsInRange(layout: LabLayout): Promise<boolean> {
  const inRange = await ipJson<IpRoute>('route', 'show', 'root', layout.spec.unreachableRange);
  return inRange.some((route) => route.type !== 'unreachable' && route.dev !== undefined && route.dev !== layout.spec.bridge);
}
