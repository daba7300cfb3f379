/**
 * Knocks: proof that a partition really drops packets, not just that its rules are listed. The node sends one
 * tiny packet to each peer through its own egress chain (bash's /dev/udp or /dev/tcp: bash is on every Linux
 * host we target, unlike ping or nc); the partition's output rule drops it before it leaves the node — the
 * sender gets EPERM at once — and the rule's counter goes up. Nothing ever reaches a peer, so a knock cannot
 * harm it, and only egress partitions can be knocked from the node itself: an ingress-only partition is checked
 * by its rules (and its counters, once peers talk).
 */
import { shellQuote } from '../../../executors/executor';
import type { NftFaultSpec } from './nft';
import { parseCidr } from './network-fault';

/** KNOCK_DEFAULT_PORT: the discard port, for partitions that cut every port. */
export const KNOCK_DEFAULT_PORT = 9;

/** KnockPlan: which transport and port the knock uses, and the addresses it goes to. */
export interface KnockPlan {
  transport: 'udp' | 'tcp';
  port: number;
  addresses: string[];
}

/**
 * knockPlan: how to prove an egress drop for this spec, or null when the node cannot knock through it: no egress
 * chain, a condition (random loss) that may let a single knock pass, or a rule keyed on the node's own source
 * port, which bash cannot choose.
 */
export function knockPlan(spec: NftFaultSpec): KnockPlan | null {
  if (spec.direction === 'ingress' || spec.condition !== undefined) return null;
  const rule = spec.transports[0];
  if (!rule || spec.transports.length !== 1 || !rule.verdict.startsWith('drop')) return null;
  if (rule.port !== undefined && rule.portOf === 'node') return null;
  const transport = rule.protocol === 'tcp' ? 'tcp' : 'udp';
  if (rule.protocol !== undefined && rule.protocol !== 'tcp' && rule.protocol !== 'udp' && rule.protocol !== 'tcp+udp') return null;
  const addresses = [...spec.peers.v4, ...spec.peers.v6].map((peer) => parseCidr(peer).address);
  if (addresses.length === 0) return null;
  return { transport, port: rule.port ?? KNOCK_DEFAULT_PORT, addresses };
}

/**
 * knockScript: one bash command sending one packet per address; each attempt is bounded (a TCP connect whose
 * SYN is dropped in the output hook fails at once with EPERM; `timeout 1` guards a host where it would not).
 * Always exits 0: the counters, not the exit status, are the evidence.
 */
export function knockScript(plan: KnockPlan): string {
  const sends = plan.addresses.map((address) => {
    const device = `/dev/${plan.transport}/${address}/${plan.port}`;
    return plan.transport === 'udp' ? `echo scs-chaos-knock > ${device}` : `exec 3<> ${device}`;
  });
  const inner = sends.map((send) => `timeout 1 bash -c ${shellQuote(send)} 2>/dev/null`).join('; ');
  return `${inner}; true`;
}
