/**
 * network-bandwidth: a bandwidth limit with tc (tc.ts has the handles, marker file and revert).
 *   - egress: `tbf` as the root qdisc 5c5: (with peers: below the htb class, so only the peers' traffic is
 *     limited). tbf shapes: packets wait in its queue, so TCP sees a slow link.
 *   - ingress: a queue can only shape what leaves a device, so arriving traffic is either
 *       police (default when the kernel has act_police): a filter on the ingress qdisc drops what exceeds the
 *         rate. One device fewer, but TCP sees LOSS, not a slow link, and its goodput ends below the rate
 *         (more so with small bursts); with peers each peer CIDR gets a policer of its own.
 *       ifb (when act_police is absent, or asked for): the ingress filter redirects to an ifb device
 *         `scs_<id>` whose root is the same tbf: real shaping, one more device, needs ifb and act_mirred.
 * Undo: delete the 5c5: root, the ingress filters (pref 1477/1478) and the ifb; the marker goes last.
 */
import { BadInput } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { NodeInterface, validateInterfaceName } from './interface';
import type { Direction, NetworkFault } from './network-fault';
import { describeTraffic, noPeers, validateDirection, validatePeers } from './network-fault';
import { IngressMethod, makeTcFault } from './tc';

/** BANDWIDTH_KIND: the kind journals and reports name this fault by. */
export const BANDWIDTH_KIND = 'network-bandwidth';

/** ETHERNET_HEADER: bytes tc counts on top of the MTU for a full frame (tbf and police see L2 lengths). */
export const ETHERNET_HEADER = 14;
/** GRO_MAX: the largest packet the ingress hook can see (GRO aggregates up to 64 KiB). */
export const GRO_MAX = 65_536;

/** BandwidthOptions: the limit and where it acts. */
export interface BandwidthOptions {
  /** The limit in bits per second (tc's "bit": SI units, 1 kbit = 1000 bit). */
  rateBitsPerSecond: number;
  /** Default egress. */
  direction?: Direction;
  /** Only traffic to/from these addresses or CIDRs. */
  peers?: readonly string[];
  interface?: string;
  /** How ingress is limited; default auto: police when the kernel has act_police, else ifb. */
  ingressMethod?: IngressMethod;
}

/**
 * tbfBurstBytes: the bucket, max(2 × frame, ⌈rate/8 / 100⌉) with frame = MTU + 14. A bucket smaller than a frame
 * never sends a full-size packet; one smaller than rate/HZ cannot reach the rate (tc-tbf(8)), and HZ = 100 is
 * the worst case, so the bucket holds at least 10 ms of traffic.
 */
export function tbfBurstBytes(rateBitsPerSecond: number, mtu: number): number {
  return Math.max(2 * (mtu + ETHERNET_HEADER), Math.ceil(rateBitsPerSecond / 8 / 100));
}

/**
 * tbfLatencyMs: how long a packet may wait in tbf's queue, max(50 ms, ⌈10 × frame × 8 / rate⌉ in ms): room for
 * at least 10 full frames, so TCP meets a slow link rather than a lossy one, and never under 50 ms (a typical
 * well-behaved queue). tc turns it into the queue size: limit = rate × latency + burst.
 */
export function tbfLatencyMs(rateBitsPerSecond: number, mtu: number): number {
  return Math.max(50, Math.ceil(((10 * (mtu + ETHERNET_HEADER) * 8) / rateBitsPerSecond) * 1000));
}

/** tbfArgs: `tbf rate <R>bit burst <B>b latency <L>ms` for a rate and an interface MTU. */
export function tbfArgs(rateBitsPerSecond: number, mtu: number): string[] {
  return ['tbf', 'rate', `${rateBitsPerSecond}bit`, 'burst', `${tbfBurstBytes(rateBitsPerSecond, mtu)}b`, 'latency', `${tbfLatencyMs(rateBitsPerSecond, mtu)}ms`];
}

/**
 * policeBurstBytes: max(64 KiB, ⌈rate/8 × 0.05⌉): 50 ms of traffic, and never below GRO's 64 KiB, since an
 * aggregated packet larger than the burst can never conform and would always be dropped. At low rates that
 * lets a burst through above the limit: the price of policing (use ifb for tight limits below ~10 Mbit/s).
 */
export function policeBurstBytes(rateBitsPerSecond: number): number {
  return Math.max(GRO_MAX, Math.ceil((rateBitsPerSecond / 8) * 0.05));
}

/**
 * policeArgs: `rate <R>bit burst <B>b mtu 65536b conform-exceed drop/continue`. Exceeding packets are dropped;
 * conforming ones `continue` to the next filter, so a shared clsact's own filters still see them.
 */
export function policeArgs(rateBitsPerSecond: number): string[] {
  return ['rate', `${rateBitsPerSecond}bit`, 'burst', `${policeBurstBytes(rateBitsPerSecond)}b`, 'mtu', `${GRO_MAX}b`, 'conform-exceed', 'drop/continue'];
}

/** parseRate: "10mbit", "512 kbit/s", "1.5gbit", "800bit" → bits per second (SI, as tc reads rates). */
export function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)(?:\/s)?\s*$/i.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new BadInput(`"${text}" is not a bandwidth`, undefined, 'write it as 512kbit, 10mbit or 1gbit (bits per second; 1 kbit = 1000 bit)');
  }
  const factor = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 }[match[2].toLowerCase() as 'bit' | 'kbit' | 'mbit' | 'gbit'];
  return validateRate(Math.round(Number(match[1]) * factor));
}

/** formatRate: bits per second for people, e.g. 1500000 → "1.5 Mbit/s". */
export function formatRate(bitsPerSecond: number): string {
  for (const [factor, unit] of [[1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']] as const) {
    if (bitsPerSecond >= factor) return `${Number((bitsPerSecond / factor).toFixed(3))} ${unit}`;
  }
  return `${bitsPerSecond} bit/s`;
}

/** bandwidthLimit: a bandwidth limit on one node's traffic (default egress). */
export function bandwidthLimit(target: FaultTarget, options: BandwidthOptions): NetworkFault {
  const rate = validateRate(options.rateBitsPerSecond);
  const direction = validateDirection(options.direction ?? 'egress');
  const peers = options.peers ? validatePeers(options.peers) : noPeers();
  if (options.interface !== undefined) validateInterfaceName(options.interface);
  return makeTcFault({
    target,
    kind: BANDWIDTH_KIND,
    describe: `limit ${target.node.name} to ${formatRate(rate)} (${describeTraffic(direction, { peers: options.peers })}; tc tbf${direction !== 'egress' ? ', ingress by police or ifb' : ''})`,
    requiresNetem: false,
    direction,
    peers,
    ...(options.interface ? { interfaceName: options.interface } : {}),
    qdisc: (iface: NodeInterface) => tbfArgs(rate, iface.mtu),
    police: () => policeArgs(rate),
    ingressMethod: options.ingressMethod ?? 'auto',
  });
}

function validateRate(bits: number): number {
  if (!Number.isInteger(bits) || bits < 8_000 || bits > 100e9) {
    throw new BadInput(`bandwidth ${bits} bit/s is out of range`, undefined, 'use 8kbit to 100gbit (a whole number of bits per second)');
  }
  return bits;
}
