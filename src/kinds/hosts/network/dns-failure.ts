/**
 * network-dns-failure: the node's DNS lookups (port 53, udp and tcp) fail, in one of two ways, with an nftables
 * table `inet scs_chaos_<id>`:
 *   - drop (default): the ANSWERS are dropped in the input chain (`th sport 53`), so queries time out, as when
 *     the DNS servers are down or unreachable. Not the queries in the output chain: a packet dropped there is
 *     refused to the local sender at once (sendto() fails with EPERM), which is a fast failure, not a timeout.
 *   - reject: the queries are rejected in the output chain — ICMP port unreachable for udp, a tcp reset for
 *     tcp — so lookups fail at once, as when a server refuses.
 * Loopback stays open: a local stub resolver (systemd-resolved on 127.0.0.53) keeps answering from its cache
 * while its upstream lookups fail, as in a real upstream outage. Undo: delete the table.
 */
import { BadInput } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import type { NetworkFault } from './network-fault';
import { managementPortOf, noPeers, validatePeers } from './network-fault';
import { makeNftFault, NftFaultSpec, nftRuleset } from './nft';

/** DNS_FAILURE_KIND: the kind journals and reports name this fault by. */
export const DNS_FAILURE_KIND = 'network-dns-failure';
/** DNS_PORT: DNS over udp and tcp (DoT on 853 and DoH on 443 are not touched). */
export const DNS_PORT = 53;

/** DnsFailureOptions: how queries fail and, optionally, to which resolvers only. */
export interface DnsFailureOptions {
  /** drop (default): answers are dropped, lookups time out; reject: queries are refused, lookups fail at once. */
  mode?: 'drop' | 'reject';
  /** Only lookups with these resolver addresses/CIDRs; default: every resolver. */
  resolvers?: readonly string[];
}

/**
 * dnsFailureSpec: drop: input `meta l4proto { tcp, udp } th sport 53 counter drop` (the answers); reject: output
 * `udp dport 53 counter reject` (inet's default reject is ICMP(v6) port unreachable) and
 * `tcp dport 53 counter reject with tcp reset`.
 */
export function dnsFailureSpec(options: DnsFailureOptions = {}, managementPort?: number): NftFaultSpec {
  const mode = options.mode ?? 'drop';
  if (mode !== 'drop' && mode !== 'reject') throw new BadInput(`DNS failure mode "${String(mode)}" is unknown`, undefined, 'use drop (queries time out) or reject (queries fail at once)');
  return {
    kind: DNS_FAILURE_KIND,
    direction: mode === 'drop' ? 'ingress' : 'egress',
    peers: options.resolvers ? validatePeers(options.resolvers) : noPeers(),
    transports:
      mode === 'drop'
        ? [{ protocol: 'tcp+udp', port: DNS_PORT, portOf: 'peer', verdict: 'drop' }]
        : [
            { protocol: 'udp', port: DNS_PORT, portOf: 'peer', verdict: 'reject' },
            { protocol: 'tcp', port: DNS_PORT, portOf: 'peer', verdict: 'reject with tcp reset' },
          ],
    ...(managementPort !== undefined ? { managementPort } : {}),
  };
}

/** dnsFailureRuleset: the nft script of a DNS failure (exported for tests). */
export function dnsFailureRuleset(table: string, options: DnsFailureOptions = {}, managementPort?: number): string {
  return nftRuleset(table, dnsFailureSpec(options, managementPort));
}

/** dnsFailure: the node's DNS lookups fail: answers dropped (lookups time out) or queries rejected (fail at once). */
export function dnsFailure(target: FaultTarget, options: DnsFailureOptions = {}): NetworkFault {
  const spec = dnsFailureSpec(options, managementPortOf(target.executor));
  const to = options.resolvers?.length ? ` ${options.mode === 'reject' ? 'to' : 'from'} ${options.resolvers.join(', ')}` : '';
  const how = options.mode === 'reject' ? 'reject DNS queries' : 'drop DNS answers';
  return makeNftFault(target, spec, `${how} (udp+tcp port ${DNS_PORT})${to} on ${target.node.name} (nft table, ${spec.direction})`, {
    mode: options.mode ?? 'drop',
  });
}
