/**
 * network-port-blackhole: one service port goes silent — packets for it are dropped, so clients see timeouts
 * (not refusals) as with a hung service or a firewall mistake. nftables table `inet scs_chaos_<id>`; ingress by
 * default (connections to the node's port P: `tcp dport P drop` in the input chain). egress blackholes the
 * node's outgoing connections to port P elsewhere; both = the node's own service both ways (requests in,
 * replies out). Undo: delete the table.
 */
import { BadInput } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import type { Direction, NetworkFault, TransportProtocol } from './network-fault';
import { defaultPortOf, managementPortOf, noPeers, validateDirection, validatePeers, validatePort } from './network-fault';
import { makeNftFault, NftFaultSpec, nftRuleset } from './nft';

/** PORT_BLACKHOLE_KIND: the kind journals and reports name this fault by. */
export const PORT_BLACKHOLE_KIND = 'network-port-blackhole';

/** PortBlackholeOptions: the port (default: the target service's port) and what of its traffic to drop. */
export interface PortBlackholeOptions {
  port?: number;
  /** Default tcp. */
  protocol?: TransportProtocol | 'tcp+udp';
  /** Default ingress. */
  direction?: Direction;
  /** Default: 'node' unless egress-only (see TrafficFilter.portOf). */
  portOf?: 'node' | 'peer';
  /** Only traffic with these peers. */
  peers?: readonly string[];
}

/** portBlackholeSpec: the nft fault spec of a port blackhole (pure); refuses to blackhole the management port. */
export function portBlackholeSpec(options: PortBlackholeOptions & { port: number }, managementPort?: number): NftFaultSpec {
  const port = validatePort(options.port);
  const direction = validateDirection(options.direction ?? 'ingress');
  const protocol = options.protocol ?? 'tcp';
  if (!['tcp', 'udp', 'tcp+udp'].includes(protocol)) throw new BadInput(`protocol "${protocol}" is not supported`, undefined, 'use tcp, udp or tcp+udp');
  const portOf = options.portOf ?? defaultPortOf(direction);
  if (managementPort === port && portOf === 'node' && protocol !== 'udp') {
    throw new BadInput(
      `port ${port} is the ssh port the runner manages the node through: blackholing it would cut the runner's own line`,
      undefined,
      'pick another port; an sshd outage is better tested from a second sshd or in the lab',
    );
  }
  return {
    kind: PORT_BLACKHOLE_KIND,
    direction,
    peers: options.peers ? validatePeers(options.peers) : noPeers(),
    transports: [{ protocol, port, portOf, verdict: 'drop' }],
    ...(managementPort !== undefined ? { managementPort } : {}),
  };
}

/** portBlackholeRuleset: the nft script of a port blackhole (exported for tests). */
export function portBlackholeRuleset(table: string, options: PortBlackholeOptions & { port: number }, managementPort?: number): string {
  return nftRuleset(table, portBlackholeSpec(options, managementPort));
}

/** portBlackhole: drops one port's traffic on the target node (default: the target service's port, tcp, ingress). */
export function portBlackhole(target: FaultTarget, options: PortBlackholeOptions = {}): NetworkFault {
  const port = options.port ?? target.service?.port;
  if (port === undefined) {
    throw new BadInput('a port blackhole needs a port', undefined, 'name the port, or a service whose port is in the environment');
  }
  const spec = portBlackholeSpec({ ...options, port }, managementPortOf(target.executor));
  const what = target.service && target.service.port === port ? `${target.service.name}'s port ${port}` : `port ${port}`;
  const peers = options.peers?.length ? ` with ${options.peers.join(', ')}` : '';
  return makeNftFault(target, spec, `blackhole ${what} (${spec.transports[0]?.protocol ?? 'tcp'}, ${spec.direction}${peers}) on ${target.node.name} (nft table)`, {
    port,
    protocol: spec.transports[0]?.protocol,
  });
}
