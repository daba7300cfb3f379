/**
 * network-packet-loss: drops a random share of a node's packets, each packet on its own (Bernoulli).
 * Two ways, chosen per node at plan time (or at prepare, if no plan check ran):
 *   - netem (`tc qdisc add dev IF root handle 5c5: netem loss P%`, see tc.ts) when the kernel has sch_netem and
 *     the fault is egress-only without port/protocol filters (peers are fine). netem can also correlate losses.
 *   - nftables otherwise: table `inet scs_chaos_<id>` with `numgen random mod 100 < N counter drop` (see
 *     lossCondition). numgen draws a fresh uniform number in [0, mod) for every packet, so exactly N of 100
 *     values drop it. This needs no sch_netem, covers ingress (input hook) without an ifb device, and takes
 *     port filters.
 * Why netem first on egress: netem's loss is invisible to the sender, as on the wire (the qdisc reports
 * success), while a packet dropped in nft's output hook is refused to the local sender (UDP and ICMP sends fail
 * with EPERM; TCP keeps the segment and resends it on its timer). Ingress loss is faithful with both.
 */
import { BadInput } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { validateInterfaceName } from './interface';
import type { Direction, NetworkFault, TrafficFilter } from './network-fault';
import { defaultPortOf, describeTraffic, managementPortOf, validateDirection, validateFilter, validatePercent } from './network-fault';
import { detectNetem, netemArgs, planCheck as netemPlanCheck } from './netem';
import { NftFaultSpec, nftPlanCheck, nftPrepared } from './nft';
import { makeTcFault } from './tc';

/** PACKET_LOSS_KIND: the kind journals and reports name this fault by (the same for both methods). */
export const PACKET_LOSS_KIND = 'network-packet-loss';

/** LossMethod: how loss is made; 'auto' prefers netem where it applies. */
export type LossMethod = 'auto' | 'netem' | 'nft';

/** PacketLossOptions: the share, where it acts and how. */
export interface PacketLossOptions extends TrafficFilter {
  percent: number;
  /** Default egress (as `tc netem loss` and other chaos tools mean "packet loss"). */
  direction?: Direction;
  method?: LossMethod;
  /** netem only: how much each loss depends on the previous one. */
  correlationPercent?: number;
  /** netem only: the interface (default: towards the first peer, else the default route's). */
  interface?: string;
}

/**
 * lossCondition: the nft match for a random share of packets: `numgen random mod 100 < N` for a whole
 * percentage N; `numgen random mod 10000 < M` (M = basis points) when the percentage has decimals.
 */
export function lossCondition(percent: number): string {
  validatePercent('packet loss', percent);
  if (Number.isInteger(percent)) return `numgen random mod 100 < ${percent}`;
  return `numgen random mod 10000 < ${Math.round(percent * 100)}`;
}

/** lossNftSpec: the nft fault spec of a packet loss (pure; nftRuleset turns it into the ruleset). */
export function lossNftSpec(options: PacketLossOptions, managementPort?: number): NftFaultSpec {
  const direction = validateDirection(options.direction ?? 'egress');
  const peers = validateFilter(options);
  const protocol = options.protocol ?? (options.port !== undefined ? 'tcp+udp' : undefined);
  return {
    kind: PACKET_LOSS_KIND,
    direction,
    peers,
    transports: [{ ...(protocol ? { protocol } : {}), ...(options.port !== undefined ? { port: options.port, portOf: options.portOf ?? defaultPortOf(direction) } : {}), verdict: 'drop' }],
    condition: lossCondition(options.percent),
    lossPercent: options.percent,
    ...(managementPort !== undefined ? { managementPort } : {}),
  };
}

/** netemApplies: whether netem can make this loss: egress only, no port or protocol filter. */
export function netemApplies(options: PacketLossOptions): boolean {
  return (options.direction ?? 'egress') === 'egress' && options.port === undefined && options.protocol === undefined;
}

/** packetLoss: random loss of a share of one node's packets (netem where possible, else nftables numgen). */
export function packetLoss(target: FaultTarget, options: PacketLossOptions): NetworkFault {
  const method = options.method ?? 'auto';
  const nftSpec = lossNftSpec(options, managementPortOf(target.executor));
  if (!['auto', 'netem', 'nft'].includes(method)) throw new BadInput(`loss method "${method}" is unknown`, undefined, 'use auto, netem or nft');
  if (method === 'netem' && !netemApplies(options)) {
    throw new BadInput('packet loss through netem acts on egress only and filters by peer only', undefined, 'drop the port/protocol filter and use direction egress, or use method nft (or auto)');
  }
  if (method === 'nft' && (options.correlationPercent !== undefined || options.interface !== undefined)) {
    throw new BadInput('correlation and interface are netem options; nftables loss is uncorrelated and not bound to an interface', undefined, 'drop them or use method netem');
  }
  if (options.interface !== undefined) validateInterfaceName(options.interface);
  const node = target.node.name;
  const netemLoss = makeTcFault({
    target,
    kind: PACKET_LOSS_KIND,
    describe: '',
    requiresNetem: true,
    direction: 'egress',
    peers: nftSpec.peers,
    ...(options.interface ? { interfaceName: options.interface } : {}),
    qdisc: () => ['netem', ...netemArgs({ lossPercent: options.percent, ...(options.correlationPercent !== undefined ? { lossCorrelationPercent: options.correlationPercent } : {}) })],
    ingressMethod: 'ifb',
  });
  let chosen: Promise<{ method: 'netem' | 'nft'; why: string }> | null = null;
  const choose = (): Promise<{ method: 'netem' | 'nft'; why: string }> => {
    chosen ??= (async () => {
      if (method === 'nft') return { method: 'nft' as const, why: 'nft asked for' };
      if (method === 'netem') return { method: 'netem' as const, why: await netemPlanCheck(target.executor, node) };
      if (!netemApplies(options)) return { method: 'nft' as const, why: 'netem would need an ifb device or port filters' };
      const support = await detectNetem(target.executor);
      return support.available === 'yes'
        ? { method: 'netem' as const, why: `sch_netem present (${support.evidence})` }
        : { method: 'nft' as const, why: `no sch_netem on ${node} (kernel ${support.kernel})` };
    })();
    return chosen;
  };
  return shellFault({
    kind: PACKET_LOSS_KIND,
    reversible: true,
    target,
    requiresNetem: method === 'netem',
    describe: () => `drop ${options.percent}% of ${node}'s packets at random (${describeTraffic(nftSpec.direction, options)}; ${method === 'auto' ? 'netem where the kernel has it, else nftables numgen' : method})`,
    async planCheck() {
      const { method: how, why } = await choose();
      const line = how === 'netem' ? await netemLoss.planCheck() : await nftPlanCheck(target, nftSpec);
      return `${line}; loss by ${how} (${why})`;
    },
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const { method: how } = await choose();
      if (how === 'nft') return nftPrepared(target, injectionId, nftSpec, { method: 'nft', percent: options.percent });
      const prepared = await netemLoss.prepare(injectionId);
      return { ...bind(prepared), preState: { ...prepared.preState, method: 'netem', percent: options.percent } };
    },
  });
}

/** A PreparedShellFault's methods keep working when the object is spread into a new one. */
function bind(prepared: PreparedShellFault): PreparedShellFault {
  return {
    kind: prepared.kind,
    target: prepared.target,
    reversible: prepared.reversible,
    preState: prepared.preState,
    revertScript: prepared.revertScript,
    apply: () => prepared.apply(),
    verifyActive: () => prepared.verifyActive(),
    verifyReverted: () => prepared.verifyReverted(),
  };
}
