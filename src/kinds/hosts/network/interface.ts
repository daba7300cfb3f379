/**
 * nodeInterface: which network interface of a node a tc fault acts on, asked of the node itself (read-only):
 *   1. towards an address: the interface of `ip -j route get <addr>` — the one that carries that traffic;
 *   2. otherwise the interface of the default route (`ip -j route show default`, lowest metric first);
 *   3. otherwise the single non-loopback interface that is up (`ip -j link show`) — a lab namespace has no
 *      default route, only its veth.
 * Anything else (several candidates, a route over lo) is refused with what was found, so no fault lands on a
 * guessed interface.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';

/** NodeInterface: a node's interface, its MTU (tc burst sizes depend on it) and how it was chosen. */
export interface NodeInterface {
  name: string;
  mtu: number;
  /** How it was chosen, for plans and journals: "route to 198.18.0.12", "default route", "only interface up". */
  via: string;
}

/** INTERFACE_NAME: what a Linux interface name may look like here (IFNAMSIZ 16 with the NUL); safe in shell words. */
export const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

interface RouteJson {
  dst?: string;
  dev?: string;
  metric?: number;
  type?: string;
}

interface LinkJson {
  ifname?: string;
  flags?: string[];
  mtu?: number;
  link_type?: string;
}

/** nodeInterface: the interface traffic towards `towards` (or, without it, all traffic) leaves the node by. */
export async function nodeInterface(executor: Executor, towards?: string): Promise<NodeInterface> {
  let name: string | undefined;
  let via: string;
  if (towards !== undefined) {
    const routes = await ipJson<RouteJson>(executor, ['ip', '-j', 'route', 'get', towards]);
    name = routes[0]?.dev;
    via = `route to ${towards}`;
    if (!name || name === 'lo' || routes[0]?.type === 'local') {
      throw new ExperimentCompromised(
        `no interface leads from ${executor.description} to ${towards}` +
          (name ? ` (the route goes over ${name}: the address is the node's own)` : '') +
          '. Is the peer address right?',
      );
    }
  } else {
    const defaults = await ipJson<RouteJson>(executor, ['ip', '-j', 'route', 'show', 'default']);
    const sorted = [...defaults].sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0));
    name = sorted[0]?.dev;
    via = 'default route';
    if (!name) {
      const links = await ipJson<LinkJson>(executor, ['ip', '-j', 'link', 'show']);
      const up = links.filter((l) => l.link_type !== 'loopback' && l.ifname && l.flags?.includes('UP'));
      if (up.length !== 1) {
        throw new ExperimentCompromised(
          `cannot tell which interface of ${executor.description} to act on: no default route and ` +
            (up.length ? `${up.length} interfaces up (${up.map((l) => l.ifname).join(', ')})` : 'no interface up but lo') +
            '. Name the interface or give a peer address to route towards.',
        );
      }
      name = up[0]?.ifname;
      via = 'only interface up';
    }
  }
  if (!name || !INTERFACE_NAME.test(name)) {
    throw new ExperimentCompromised(`interface "${name ?? ''}" of ${executor.description} has a name scs-chaos does not handle (expected ${INTERFACE_NAME})`);
  }
  const link = (await ipJson<LinkJson>(executor, ['ip', '-j', 'link', 'show', 'dev', name]))[0];
  if (!link?.mtu) throw new ExperimentCompromised(`ip -j link show dev ${name} on ${executor.description} reported no MTU`);
  return { name, mtu: link.mtu, via };
}

async function ipJson<T>(executor: Executor, argv: string[]): Promise<T[]> {
  const result = await executor.run(argv, { timeoutMs: 5000 });
  if (result.code !== 0) {
    throw new ExperimentCompromised(`${argv.join(' ')} failed on ${executor.description}: ${result.stderr.trim() || `exit ${result.code}`}`);
  }
  try {
    const parsed: unknown = JSON.parse(result.stdout.trim() || '[]');
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    throw new ExperimentCompromised(`${argv.join(' ')} on ${executor.description} printed no JSON (iproute2 older than 4.13?): ${result.stdout.slice(0, 200)}`);
  }
}

/** validateInterfaceName: an interface named in a step or option must look like one (it becomes a shell word). */
export function validateInterfaceName(name: string): string {
  if (!INTERFACE_NAME.test(name)) {
    throw new BadInput(`"${name}" is not an interface name`, undefined, 'use the name `ip link` shows, e.g. eth0 or ens3 (at most 15 letters, digits, _ . -)');
  }
  return name;
}
