/**
 * Which knocks prove an nft fault (data-plane.ts sends them), per fault shape — decided from the fault's NftFaultSpec:
 *   - egress (the node sends): UDP to a peer — or, with no peers, to a witness node — on the fault's port (the
 *     discard port when every port is cut): the node's output hook must refuse it (EPERM). TCP-only faults
 *     knock with a TCP connect instead, which must meet silence (a dropped SYN is retransmitted, never answered).
 *     Random loss sends enough datagrams that at least one is dropped with probability > 1 − 10⁻⁶.
 *   - ingress (the node receives): a witness — a peer that is an environment node, or with no peers any other
 *     node — opens a TCP connection to the node (on the fault's port, or the discard port): the node's input hook
 *     must drop the SYN (silence), where the same knock was answered before the fault.
 * Shapes no single packet can prove are left to the rules and their counters (proof "state"): a rule keyed on
 * the node's own source port (bash cannot choose it), UDP-only ingress (silence is the normal answer of UDP), a
 * reject rule (DNS failure's reject mode), several transport rules at once, and loss too rare for MAX_SENDS.
 */
import type { ShellTarget } from '../../../revert/shell-fault';
import type { FaultTarget } from '../target';
import { Knock, lossSends, PROOF_PORT } from './data-plane';
import { defaultPortOf, parseCidr } from './network-fault';
import type { NftFaultSpec } from './nft';

/** proofKnocks: the knocks that prove this fault on this target (empty: the fault keeps the state proof). */
export function proofKnocks(spec: NftFaultSpec, target: FaultTarget): Knock[] {
  const rule = spec.transports[0];
  if (!rule || spec.transports.length !== 1 || !rule.verdict.startsWith('drop')) return [];
  const witnesses = target.witnesses ?? [];
  const peerAddresses = [...spec.peers.v4, ...spec.peers.v6].map((peer) => parseCidr(peer).address);
  const node = target.node.name;
  const knocks: Knock[] = [];
  const portOf = rule.port === undefined ? undefined : (rule.portOf ?? defaultPortOf(spec.direction));

  if (spec.direction !== 'ingress' && portOf !== 'node') {
    const addresses = peerAddresses.length ? peerAddresses : witnesses.slice(0, 1).map((w) => w.node.address);
    const sends = spec.lossPercent === undefined ? 1 : lossSends(spec.lossPercent);
    const tcpOnly = rule.protocol === 'tcp';
    if (sends !== null && !(tcpOnly && sends > 1)) {
      for (const address of addresses) {
        knocks.push({
          from: target,
          transport: tcpOnly ? 'tcp' : 'udp',
          address,
          port: rule.port ?? PROOF_PORT,
          ...(sends > 1 ? { sends } : {}),
          expect: tcpOnly ? 'silence' : 'dropped-locally',
          where: `${node}'s output hook`,
        });
      }
    }
  }

  const tcpPossible = rule.protocol === undefined || rule.protocol === 'tcp' || rule.protocol === 'tcp+udp';
  if (spec.direction !== 'egress' && spec.condition === undefined && tcpPossible && portOf !== 'peer') {
    const witness = peerAddresses.length ? witnesses.find((w) => peerAddresses.some((p) => sameAddress(p, w.node.address)) || inPeers(spec, w)) : witnesses[0];
    if (witness) {
      knocks.push({ from: witness, transport: 'tcp', address: target.node.address, port: rule.port ?? PROOF_PORT, expect: 'silence', where: `${node}'s input hook` });
    }
  }
  return knocks;
}

function sameAddress(a: string, b: string): boolean {
  return a === b;
}

/** inPeers: the witness's address lies inside one of the spec's IPv4 peer CIDRs. */
function inPeers(spec: NftFaultSpec, witness: ShellTarget): boolean {
  const value = ipv4Number(witness.node.address);
  if (value === null) return false;
  return spec.peers.v4.some((peer) => {
    const { address, prefix } = parseCidr(peer);
    const network = ipv4Number(address);
    if (network === null) return false;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return ((value & mask) >>> 0) === ((network & mask) >>> 0);
  });
}

function ipv4Number(address: string): number | null {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}
