/**
 * network-partition: cuts the link between the target node and a set of peers (another group of nodes, a
 * subnet) with an nftables table of its own, `inet scs_chaos_<id>`: the peers sit in nft sets (`peers4`,
 * `peers6`) and the input/output chains drop what comes from / goes to them — both directions by default.
 * Loopback and (over ssh) the management port stay open, as in isolate.ts. Optional protocol/port filters cut
 * only one service's conversations across the link. Undo: delete the table. verifyActive proves it on the data
 * plane (nft-proof.ts): the node's sends to the peers are refused in its output hook, and a peer that is an
 * environment node meets silence where it was answered before; the rules' counters are reported beside it. What the node sends to a peer is dropped
 * in the output hook, so a local UDP/ICMP sender gets EPERM at once (TCP just retransmits); the peers see
 * silence, as in a real partition.
 */
import type { NodeSpec } from '../../../model/environment';
import type { FaultTarget } from '../target';
import type { Direction, NetworkFault, TrafficFilter } from './network-fault';
import { defaultPortOf, describeTraffic, managementPortOf, validateDirection, validateFilter } from './network-fault';
import { makeNftFault, NftFaultSpec, nftRuleset } from './nft';

/** PARTITION_KIND: the kind journals and reports name this fault by. */
export const PARTITION_KIND = 'network-partition';

/** PartitionOptions: the other side of the link (required) and what of the traffic to cut. */
export interface PartitionOptions extends TrafficFilter {
  peers: readonly string[];
  /** Default both: a partition is symmetric unless a one-way split is what is tested. */
  direction?: Direction;
}

/** partitionSpec: the nft fault spec of a partition (pure). */
export function partitionSpec(options: PartitionOptions, managementPort?: number): NftFaultSpec {
  const direction = validateDirection(options.direction ?? 'both');
  const peers = validateFilter(options);
  const protocol = options.protocol ?? (options.port !== undefined ? 'tcp+udp' : undefined);
  return {
    kind: PARTITION_KIND,
    direction,
    peers,
    transports: [{ ...(protocol ? { protocol } : {}), ...(options.port !== undefined ? { port: options.port, portOf: options.portOf ?? defaultPortOf(direction) } : {}), verdict: 'drop' }],
    ...(managementPort !== undefined ? { managementPort } : {}),
  };
}

/** partitionRuleset: the nft script that partitions a node from its peers (exported for tests). */
export function partitionRuleset(table: string, options: PartitionOptions, managementPort?: number): string {
  return nftRuleset(table, partitionSpec(options, managementPort));
}

/** peerAddresses: the addresses of a group of nodes, the other side of "the link between two groups". */
export function peerAddresses(nodes: readonly NodeSpec[]): string[] {
  return nodes.map((node) => node.address);
}

/** partition: cuts the target node off from the peers (both directions by default). */
export function partition(target: FaultTarget, options: PartitionOptions): NetworkFault {
  const spec = partitionSpec(options, managementPortOf(target.executor));
  return makeNftFault(target, spec, `partition ${target.node.name} from ${options.peers.join(', ')} (nft table, ${describeTraffic(spec.direction, options)})`, {
    peers: [...options.peers],
  });
}
