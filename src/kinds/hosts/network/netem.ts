/**
 * network-netem: latency with jitter (and its distribution), corruption, duplication and reordering with the
 * kernel's network emulator, `tc qdisc add dev IF root handle 5c5: netem ...` (tc.ts: with peers below an htb
 * class, for ingress on an ifb device). Undo: delete the 5c5: root (and the ifb). netem is the only tool for
 * these harms — nftables cannot delay or corrupt — so a node whose kernel lacks sch_netem refuses them at PLAN
 * time (planCheck), before anything is injected anywhere, with a message that names the node and kernel.
 */
import { BadInput } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';
import type { FaultTarget } from '../target';
import { detectKernelFeatures } from './kernel-features';
import { validateInterfaceName } from './interface';
import type { Direction, NetworkFault } from './network-fault';
import { describeTraffic, noPeers, validateDirection, validatePeers, validatePercent } from './network-fault';
import { makeTcFault } from './tc';

/** NETEM_KIND: the kind journals and reports name this fault by. */
export const NETEM_KIND = 'network-netem';

/** NetemDistribution: the shape of the jitter; all but uniform read a table (/usr/lib/tc/<name>.dist) on the node. */
export type NetemDistribution = 'uniform' | 'normal' | 'pareto' | 'paretonormal';

/** NetemOptions: what netem does to each packet; at least one harm must be given. */
export interface NetemOptions {
  /** Added delay in ms. */
  delayMs?: number;
  /** Delay variation in ms (± around delayMs); needs delayMs. */
  jitterMs?: number;
  /** How much each delay depends on the previous one, 0-100 %. */
  delayCorrelationPercent?: number;
  /** Default with jitter: normal (tc-netem(8)'s default, written out because tc versions differed). */
  distribution?: NetemDistribution;
  lossPercent?: number;
  lossCorrelationPercent?: number;
  corruptPercent?: number;
  duplicatePercent?: number;
  /** Share of packets sent at once (the rest wait delayMs), so later packets overtake them; needs delayMs. */
  reorderPercent?: number;
  reorderCorrelationPercent?: number;
  /** Reorder only every gap-th packet at most (netem `gap`). */
  reorderGap?: number;
  /**
   * netem's queue in packets (netem's default 1000). A packet arriving at a full queue is dropped, so with
   * long delays at high packet rates (delay × packets/s > limit) raise it, or the latency fault also loses packets.
   */
  limitPackets?: number;
}

/**
 * netemArgs: the netem options as tc words (after `netem`), in tc-netem(8)'s order:
 * `[limit N] [delay T [J [C%]] [distribution D]] [loss P% [C%]] [corrupt P% [C%]] [duplicate P%] [reorder P% [C%] [gap G]]`.
 * Times go out as `Nms` (or `Nus` for fractions of a ms), shares as `P%`. Throws BadInput on combinations tc refuses.
 */
export function netemArgs(options: NetemOptions): string[] {
  const o = options;
  const harms = [o.delayMs, o.lossPercent, o.corruptPercent, o.duplicatePercent, o.reorderPercent].filter((v) => v !== undefined);
  if (harms.length === 0) {
    throw new BadInput('a netem fault needs at least one of delay, loss, corruption, duplication or reordering', undefined, 'e.g. delay 100ms with jitter 20ms, or corruption 1%');
  }
  const args: string[] = [];
  if (o.limitPackets !== undefined) {
    if (!Number.isInteger(o.limitPackets) || o.limitPackets < 1) throw new BadInput(`netem limit ${o.limitPackets} is not a packet count`, undefined, 'use a whole number of packets, e.g. 10000');
    args.push('limit', String(o.limitPackets));
  }
  if (o.jitterMs !== undefined && o.delayMs === undefined) throw new BadInput('netem jitter needs a delay', undefined, 'give a delay, e.g. 100ms with jitter 20ms');
  if (o.distribution !== undefined && !o.jitterMs) throw new BadInput(`netem distribution ${o.distribution} needs a jitter`, undefined, 'give a jitter above 0ms, or drop the distribution');
  if (o.delayCorrelationPercent !== undefined && !o.jitterMs) throw new BadInput('netem delay correlation needs a jitter', undefined, 'give a jitter above 0ms');
  if (o.delayMs !== undefined) {
    args.push('delay', netemTime('delay', o.delayMs));
    if (o.jitterMs) {
      args.push(netemTime('jitter', o.jitterMs));
      if (o.delayCorrelationPercent !== undefined) args.push(netemPercent('delay correlation', o.delayCorrelationPercent, true));
      const distribution = o.distribution ?? 'normal';
      if (!['uniform', 'normal', 'pareto', 'paretonormal'].includes(distribution)) {
        throw new BadInput(`netem distribution "${distribution}" is unknown`, undefined, 'use uniform, normal, pareto or paretonormal');
      }
      // No table is the kernel's uniform draw; iproute2 ships no uniform.dist, so `distribution uniform` would fail.
      if (distribution !== 'uniform') args.push('distribution', distribution);
    }
  }
  const withCorrelation = (word: string, what: string, percent: number | undefined, correlation: number | undefined): void => {
    if (percent === undefined) {
      if (correlation !== undefined) throw new BadInput(`netem ${what} correlation needs a ${what} percentage`, undefined, `give the ${what} percentage`);
      return;
    }
    args.push(word, netemPercent(what, percent));
    if (correlation !== undefined) args.push(netemPercent(`${what} correlation`, correlation, true));
  };
  withCorrelation('loss', 'loss', o.lossPercent, o.lossCorrelationPercent);
  withCorrelation('corrupt', 'corruption', o.corruptPercent, undefined);
  withCorrelation('duplicate', 'duplication', o.duplicatePercent, undefined);
  if (o.reorderPercent !== undefined && !o.delayMs) {
    throw new BadInput('netem reordering needs a delay', undefined, 'give a delay above 0ms: reordered packets are the ones sent without it');
  }
  withCorrelation('reorder', 'reordering', o.reorderPercent, o.reorderCorrelationPercent);
  if (o.reorderGap !== undefined) {
    if (o.reorderPercent === undefined) throw new BadInput('netem gap needs reordering', undefined, 'give a reordering percentage');
    if (!Number.isInteger(o.reorderGap) || o.reorderGap < 1) throw new BadInput(`netem gap ${o.reorderGap} is not a packet count`, undefined, 'use a whole number >= 1');
    args.push('gap', String(o.reorderGap));
  }
  return args;
}

/** NetemSupport: whether a node's kernel has sch_netem, its release, and what decided it. */
export interface NetemSupport {
  available: 'yes' | 'no' | 'unknown';
  kernel: string;
  evidence: string;
}

/**
 * netemProbeScript: settles "unknown" by trying: a throwaway device `scs_chaos_np<n>` (dummy, else a veth pair
 * with `scs_chaos_nq<n>`) gets a netem qdisc, and is deleted by the script's EXIT trap — also on INT/TERM/HUP —
 * so nothing stays (only a SIGKILL could leave the device; its name is how sweep would find it). Output:
 * `probe added`, `probe failed <tc's words>`, or `probe no-device`.
 */
export function netemProbeScript(): string {
  return [
    'n=$(( $$ % 1000 )); d="scs_chaos_np$n"',
    'trap \'ip link delete "$d" >/dev/null 2>&1\' EXIT',
    "trap 'exit 1' INT TERM HUP",
    'if ip link add "$d" type dummy 2>/dev/null || ip link add "$d" type veth peer name "scs_chaos_nq$n" 2>/dev/null; then',
    '  if out=$(tc qdisc add dev "$d" root netem delay 1ms 2>&1); then echo "probe added"; else echo "probe failed $(echo "$out" | tr \'\\n\' \' \')"; fi',
    'else',
    '  echo "probe no-device"',
    'fi',
  ].join('\n');
}

/** interpretNetemProbe: reads netemProbeScript's output; tc's "kind is unknown" (or ENOENT) means no netem. */
export function interpretNetemProbe(stdout: string): Pick<NetemSupport, 'available' | 'evidence'> {
  const line = stdout.split('\n').find((l) => l.startsWith('probe ')) ?? '';
  if (line === 'probe added') return { available: 'yes', evidence: 'a netem qdisc could be added to a throwaway device' };
  if (line.startsWith('probe failed')) {
    const said = line.slice('probe failed'.length).trim();
    const absent = /qdisc kind is unknown|unknown qdisc|no such file or directory/i.test(said);
    return { available: absent ? 'no' : 'unknown', evidence: `tc qdisc add ... netem on a throwaway device said "${said}"` };
  }
  if (line === 'probe no-device') return { available: 'unknown', evidence: 'no throwaway device (dummy or veth) could be created to try netem on' };
  return { available: 'unknown', evidence: `the netem probe printed nothing usable: ${stdout.slice(0, 200)}` };
}

/**
 * detectNetem: whether the node's kernel has sch_netem, leaving nothing behind: first by reading
 * (kernel-features.ts: /sys/module, `modprobe -n`, the kernel config), and only when that is undecided by the
 * throwaway-device probe.
 */
export async function detectNetem(executor: Executor): Promise<NetemSupport> {
  const report = await detectKernelFeatures(executor, ['netem']);
  const read = report.features.netem ?? { available: 'unknown', evidence: '' };
  if (read.available !== 'unknown') return { kernel: report.kernel, ...read };
  const probe = await executor.runScript(netemProbeScript(), { timeoutMs: 10_000 });
  const tried = interpretNetemProbe(probe.stdout);
  return { kernel: report.kernel, available: tried.available, evidence: `${read.evidence}; ${tried.evidence}` };
}

/** netemUnavailable: the plan-time refusal for a node without (or with undetectable) sch_netem. */
export function netemUnavailable(node: string, support: NetemSupport): BadInput {
  const needs = 'latency, corruption, duplication and reordering need it; loss and bandwidth use nftables/tbf instead';
  const head = support.available === 'no'
    ? `sch_netem not available on node ${node} (kernel ${support.kernel}): ${needs}`
    : `could not find out whether node ${node} (kernel ${support.kernel}) has sch_netem: ${needs}`;
  return new BadInput(
    `${head} (${support.evidence})`,
    undefined,
    'load sch_netem on the node (modprobe sch_netem; on Ubuntu install linux-modules-extra-$(uname -r)), use a kernel with CONFIG_NET_SCH_NETEM, or leave netem faults out for this environment',
  );
}

/** planCheck: refuses (BadInput) when the node's kernel has no sch_netem; resolves with a line for the plan. */
export async function planCheck(executor: Executor, node: string = executor.description): Promise<string> {
  const support = await detectNetem(executor);
  if (support.available !== 'yes') throw netemUnavailable(node, support);
  return `sch_netem present (${support.evidence})`;
}

/** NetemFaultOptions: the netem harms plus where they act. Port filters are for the nft faults. */
export interface NetemFaultOptions extends NetemOptions {
  /** Default egress; ingress goes through an ifb device (needs ifb and act_mirred). */
  direction?: Direction;
  /** Only traffic to/from these addresses or CIDRs ("the link between two groups"). */
  peers?: readonly string[];
  /** The interface; default: the one towards the first peer, else the default route's. */
  interface?: string;
}

/** netemFault: a netem fault on one node; refuses at plan time when the kernel lacks sch_netem. */
export function netemFault(target: FaultTarget, options: NetemFaultOptions): NetworkFault {
  const direction = validateDirection(options.direction ?? 'egress');
  const peers = options.peers ? validatePeers(options.peers) : noPeers();
  if (options.interface !== undefined) validateInterfaceName(options.interface);
  const args = netemArgs(options);
  return makeTcFault({
    target,
    kind: NETEM_KIND,
    describe: `netem ${args.join(' ')} on ${target.node.name} (${describeTraffic(direction, { peers: options.peers })})`,
    requiresNetem: true,
    direction,
    peers,
    ...(options.interface ? { interfaceName: options.interface } : {}),
    qdisc: () => ['netem', ...args],
    ingressMethod: 'ifb',
    precheck: (executor) => planCheck(executor, target.node.name),
  });
}

function netemTime(what: string, ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms > 60_000) throw new BadInput(`netem ${what} ${ms}ms is out of range`, undefined, 'use 0 to 60000 ms');
  return Number.isInteger(ms) ? `${ms}ms` : `${Math.round(ms * 1000)}us`;
}

function netemPercent(what: string, percent: number, allowZero = false): string {
  validatePercent(`netem ${what}`, percent, allowZero);
  return `${Number(percent.toFixed(4))}%`;
}
