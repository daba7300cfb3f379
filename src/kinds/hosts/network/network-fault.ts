/**
 * What every network fault shares: the direction and filters that narrow it to part of a node's traffic, the
 * plan-time check the Experiment calls before any injection, and the validation of peers, ports and
 * percentages. Every refusal here is a BadInput: it happens at plan time and nothing is touched.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { BadInput } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';
import type { ShellFault, ShellFaultSpec } from '../../../revert/shell-fault';

/** Direction: which traffic of the target node a fault acts on — arriving (ingress), leaving (egress) or both. */
export type Direction = 'ingress' | 'egress' | 'both';

/** DIRECTIONS: the accepted directions, for messages and parsing. */
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress', 'both'];

/** TransportProtocol: the transport a filter or fault matches. */
export type TransportProtocol = 'tcp' | 'udp';

/**
 * TrafficFilter: narrows a fault to part of the node's traffic; an absent field matches everything.
 * `peers` makes "the link between two groups": the target node is one end, the peers are the other.
 */
export interface TrafficFilter {
  /** Peer addresses or CIDRs (IPv4 or IPv6); only traffic to (egress) and from (ingress) them is harmed. */
  peers?: readonly string[];
  /** Only this transport; with `port` and no protocol, both tcp and udp are matched. */
  protocol?: TransportProtocol;
  /** A service port; whose port it is says `portOf`. */
  port?: number;
  /**
   * portOf: 'node' = a service listening on the target node (ingress matches the destination port, egress
   * the source port, i.e. its replies); 'peer' = a service on the other side (egress matches the destination
   * port, ingress the source port). Default: 'peer' for egress-only faults, 'node' otherwise.
   */
  portOf?: 'node' | 'peer';
}

/**
 * NetworkFault: a shell fault that knows whether it needs sch_netem. planCheck only reads the node — except the
 * netem probe, which adds and deletes a throwaway device in one script (see netem.ts) — and throws BadInput when
 * the fault cannot work there.
 */
export interface NetworkFaultSpec extends ShellFaultSpec {
  /** requiresNetem: the fault needs sch_netem in the node's kernel; planCheck refuses without it. */
  readonly requiresNetem: boolean;
  /** planCheck: read-only checks on the node before any injection; resolves with one line for the plan. */
  planCheck(): Promise<string>;
}

export type NetworkFault = ShellFault<NetworkFaultSpec>;

/** Peers: validated peer CIDRs split by address family (nft sets and tc filters are per family). */
export interface Peers {
  v4: string[];
  v6: string[];
}

/** parseCidr: one address or CIDR, validated; host bits must be zero so "10.0.0.1/24" cannot hide a typo. */
export function parseCidr(text: string): { family: 4 | 6; address: string; prefix: number } {
  const trimmed = text.trim();
  const [address = '', prefixText, extra] = trimmed.split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : null;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (family === null || extra !== undefined || !(prefix >= 0 && prefix <= bits)) {
    throw new BadInput(`"${text}" is not an IP address or CIDR`, undefined, 'write a peer as 198.18.0.12, 198.18.0.0/24, fd00::1 or fd00::/64');
  }
  const value = family === 4 ? ipv4Value(address) : ipv6Value(address);
  const hostBits = BigInt(bits - prefix);
  if (hostBits > 0n && value % (1n << hostBits) !== 0n) {
    const network = ((value >> hostBits) << hostBits);
    throw new BadInput(
      `peer ${text} has host bits set below its /${prefix} prefix`,
      undefined,
      `write the network address (${family === 4 ? ipv4Text(network) : 'the address with the host bits zeroed'}/${prefix}) or a single address`,
    );
  }
  return { family, address, prefix };
}

/** validatePeers: splits peer addresses/CIDRs by family, refusing bad ones and an empty list. */
export function validatePeers(peers: readonly string[]): Peers {
  if (peers.length === 0) {
    throw new BadInput('a peer filter needs at least one address or CIDR', undefined, 'name the other end of the link, e.g. peers: [198.18.0.12]');
  }
  const result: Peers = { v4: [], v6: [] };
  for (const peer of peers) {
    const { family, address, prefix } = parseCidr(peer);
    const full = family === 4 ? prefix === 32 : prefix === 128;
    (family === 4 ? result.v4 : result.v6).push(full ? address : `${address}/${prefix}`);
  }
  return result;
}

/** noPeers: the Peers value that matches every address. */
export function noPeers(): Peers {
  return { v4: [], v6: [] };
}

/** hasPeers: whether a Peers value narrows anything. */
export function hasPeers(peers: Peers): boolean {
  return peers.v4.length + peers.v6.length > 0;
}

/** firstPeerAddress: an address inside the first peer, to ask the node which interface leads there. */
export function firstPeerAddress(peers: Peers): string | undefined {
  const first = peers.v4[0] ?? peers.v6[0];
  return first?.split('/')[0];
}

/** validatePort: a TCP/UDP port number 1..65535. */
export function validatePort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BadInput(`port ${port} is not a TCP/UDP port`, undefined, 'use a whole number from 1 to 65535');
  }
  return port;
}

/** validatePercent: a share in (0, 100] (or [0, 100] with allowZero), e.g. a loss or corruption rate. */
export function validatePercent(what: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value > 100 || value < 0 || (!allowZero && value === 0)) {
    throw new BadInput(`${what} ${value}% is out of range`, undefined, `use a percentage ${allowZero ? 'from 0' : 'above 0'} up to 100`);
  }
  return value;
}

/** validateDirection: one of ingress, egress, both. */
export function validateDirection(direction: string): Direction {
  if (!(DIRECTIONS as readonly string[]).includes(direction)) {
    throw new BadInput(`direction "${direction}" is unknown`, undefined, `use one of: ${DIRECTIONS.join(', ')}`);
  }
  return direction as Direction;
}

/** validateFilter: checks a TrafficFilter and returns its peers split by family (empty when unfiltered). */
export function validateFilter(filter: TrafficFilter): Peers {
  if (filter.port !== undefined) validatePort(filter.port);
  if (filter.protocol !== undefined && filter.protocol !== 'tcp' && filter.protocol !== 'udp') {
    throw new BadInput(`protocol "${String(filter.protocol)}" is not supported`, undefined, 'use tcp or udp');
  }
  if (filter.portOf !== undefined && filter.port === undefined) {
    throw new BadInput('portOf is given without a port', undefined, 'add port: <number> or drop portOf');
  }
  return filter.peers ? validatePeers(filter.peers) : noPeers();
}

/** describeTraffic: the human words for a direction and filter, e.g. "egress to 198.18.0.12, tcp port 80". */
export function describeTraffic(direction: Direction, filter: TrafficFilter): string {
  const peers = filter.peers?.length ? ` ${direction === 'ingress' ? 'from' : direction === 'egress' ? 'to' : 'to/from'} ${filter.peers.join(', ')}` : '';
  const proto = filter.port !== undefined ? `, ${filter.protocol ?? 'tcp+udp'} port ${filter.port} of the ${filter.portOf ?? defaultPortOf(direction)}` : filter.protocol ? `, ${filter.protocol} only` : '';
  return `${direction}${peers}${proto}`;
}

/** defaultPortOf: whose port a bare `port` means: the peer's for egress-only faults, the node's otherwise. */
export function defaultPortOf(direction: Direction): 'node' | 'peer' {
  return direction === 'egress' ? 'peer' : 'node';
}

/**
 * managementPortOf: the port the runner's commands reach the node through — ssh's, or the kubelet's for a kube-node
 * executor (exec into its helper pod goes API server → kubelet); nft faults keep it open, or a fault would cut the
 * runner's own line and could only be undone by the node's expiry timer (as isolate.ts does).
 */
export function managementPortOf(executor: Executor): number | undefined {
  if (executor.spec.kind === 'ssh') return executor.spec.port;
  if (executor.spec.kind === 'kube-node') return executor.spec.kubeletPort;
  return undefined;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function ipv6Value(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:198.18.0.1) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const value = ipv4Value(v4[1]);
    text = `${text.slice(0, v4.index)}${((value >> 16n) & 0xffffn).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
