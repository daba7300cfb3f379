/**
 * The nftables half of the network faults (partition, packet loss without netem, DNS failure, port blackhole),
 * modelled on isolate.ts: one table per injection, `inet scs_chaos_<id>`, with an input chain (ingress) and an
 * output chain (egress) at priority -150, so they run before ordinary filter chains. Peers live in nft sets
 * (`peers4`, `peers6`, interval sets with auto-merge). Every harmful rule has a counter and the comment
 * `scs-chaos <kind>`, which verifyActive counts. Undo: delete the table — one command, idempotent.
 * A fault is observed only on the data plane where packets can prove it (nft-proof.ts, data-plane.ts): the rules
 * being listed is the tool's own word, and an `nft` that does nothing lists whatever it likes.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { artefactName } from '../../../core/fault';
import { defaultPortOf } from './network-fault';
import type { Direction, NetworkFault, Peers, TransportProtocol } from './network-fault';
import type { FaultObservation } from '../../../model/summary';
import { Baselines, describeChecks, runChecks, takeBaselines } from './data-plane';
import { proofKnocks } from './nft-proof';

/** NFT_PRIORITY: before the usual filter chains (0), after raw/conntrack (-300/-200), as isolate.ts. */
export const NFT_PRIORITY = -150;

/** TransportRule: one transport match and what happens to matching packets. */
export interface TransportRule {
  /** Omitted: any transport (and `port` must be omitted too). 'tcp+udp': both, through `th`. */
  protocol?: TransportProtocol | 'tcp+udp';
  port?: number;
  /** Whose port `port` is; see TrafficFilter.portOf. */
  portOf?: 'node' | 'peer';
  /** The terminal statement: 'drop', 'reject', 'reject with tcp reset'. */
  verdict: string;
}

/** NftFaultSpec: everything an nft fault's ruleset is made of. */
export interface NftFaultSpec {
  kind: string;
  direction: Direction;
  peers: Peers;
  /** One or more transport rules per chain and peer family; `[{ verdict: 'drop' }]` harms everything. */
  transports: TransportRule[];
  /** An extra match placed just before the counter, e.g. `numgen random mod 100 < 10` (packet loss). */
  condition?: string;
  /** See managementPortOf(): accepted before any harmful rule. */
  managementPort?: number;
  /** The loss percentage behind `condition` (random loss): the data-plane proof sends enough datagrams for it. */
  lossPercent?: number;
}

/** ruleComment: the comment every harmful rule of a kind carries; verifyActive counts it. */
export function ruleComment(kind: string): string {
  return `scs-chaos ${kind}`;
}

/**
 * nftRuleset: the nft script for one injection. Rule order inside a chain: loopback accept, management accept,
 * then one rule per (peer family × transport rule), each `<peer match> <transport match> [condition] counter
 * <verdict> comment "scs-chaos <kind>"`.
 */
export function nftRuleset(table: string, spec: NftFaultSpec): string {
  const lines = [`table inet ${table} {`];
  if (spec.peers.v4.length) lines.push(...setLines('peers4', 'ipv4_addr', spec.peers.v4));
  if (spec.peers.v6.length) lines.push(...setLines('peers6', 'ipv6_addr', spec.peers.v6));
  const chains: Array<['input' | 'output', 'ingress' | 'egress']> = [];
  if (spec.direction !== 'egress') chains.push(['input', 'ingress']);
  if (spec.direction !== 'ingress') chains.push(['output', 'egress']);
  for (const [chain, side] of chains) {
    lines.push(`  chain ${chain} {`, `    type filter hook ${chain} priority ${NFT_PRIORITY}; policy accept;`);
    lines.push(side === 'ingress' ? '    iifname "lo" accept' : '    oifname "lo" accept');
    if (spec.managementPort !== undefined) {
      const port = side === 'ingress' ? 'dport' : 'sport';
      lines.push(`    tcp ${port} ${spec.managementPort} accept comment "scs-chaos management (ssh)"`);
    }
    for (const peerMatch of peerMatches(spec.peers, side)) {
      for (const transport of spec.transports) {
        const parts = [peerMatch, transportMatch(transport, side, spec.direction), spec.condition ?? '', 'counter', transport.verdict, `comment "${ruleComment(spec.kind)}"`];
        lines.push(`    ${parts.filter(Boolean).join(' ')}`);
      }
    }
    lines.push('  }');
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** expectedRuleCount: how many rules of a ruleset carry the kind's comment; verifyActive wants them all listed. */
export function expectedRuleCount(ruleset: string, kind: string): number {
  return countOccurrences(ruleset, `comment "${ruleComment(kind)}"`);
}

/** nftRevertScript: deletes the injection's table; succeeds when it is (already) gone, fails when it stays. */
export function nftRevertScript(table: string): string {
  return `nft delete table inet ${table} 2>/dev/null; ! nft list table inet ${table} >/dev/null 2>&1`;
}

/** NftListing: what `nft list table` shows of an injection's table. */
export interface NftListing {
  present: boolean;
  rules: number;
  packets: number;
}

/** parseNftListing: counts the kind's rules and the packets their counters saw in `nft list table` output. */
export function parseNftListing(stdout: string, kind: string): NftListing {
  let rules = 0;
  let packets = 0;
  for (const line of stdout.split('\n')) {
    if (!line.includes(`comment "${ruleComment(kind)}"`)) continue;
    rules++;
    const counted = /counter packets (\d+)/.exec(line);
    if (counted?.[1]) packets += Number(counted[1]);
  }
  return { present: true, rules, packets };
}

/**
 * nftPrepared: the PreparedShellFault of an nft fault — take the data-plane baselines, apply the ruleset, prove it
 * on the data plane (or by its rules where no packet can), delete the table.
 */
export function nftPrepared(target: FaultTarget, injectionId: string, spec: NftFaultSpec, preState: Record<string, unknown> = {}): PreparedShellFault {
  const table = artefactName(injectionId);
  const exec = target.executor;
  const node = target.node.name;
  const ruleset = nftRuleset(table, spec);
  const wanted = expectedRuleCount(ruleset, spec.kind);
  const knocks = proofKnocks(spec, target);
  let baselines: Baselines = new Map();
  const listing = async (): Promise<NftListing> => {
    const result = await exec.run(['nft', 'list', 'table', 'inet', table], { timeoutMs: 5000 });
    return result.code === 0 ? parseNftListing(result.stdout, spec.kind) : { present: false, rules: 0, packets: 0 };
  };
  return {
    kind: spec.kind,
    target: node,
    reversible: true,
    preState: { nftTable: `inet ${table}`, ...preState },
    revertScript: nftRevertScript(table),
    async apply() {
      // Before the harm: what the knocks meet while the path is open (a silent path proves nothing later).
      baselines = await takeBaselines(knocks);
      const result = await exec.run(['nft', '-f', '-'], { input: ruleset, timeoutMs: 10_000 });
      if (result.code !== 0) {
        throw new ExperimentCompromised(
          `could not apply ${spec.kind} on ${node} (${exec.description}): nft said "${result.stderr.trim()}". ` +
            'Is nftables installed and does the kernel have nf_tables (and nft_numgen for loss)?',
        );
      }
    },
    async verifyActive(): Promise<FaultObservation> {
      const before = await listing();
      const checks = await runChecks(knocks, baselines);
      const after = await listing();
      const counted = Math.max(0, after.packets - before.packets);
      const problems: string[] = [];
      const failed = checks.filter((check) => !check.ok);
      if (failed.length) problems.push(`the data plane does not show it: ${describeChecks(failed)}`);
      if (!after.present) problems.push(`nft table inet ${table} is not listed`);
      else if (after.rules !== wanted) problems.push(`nft table inet ${table} lists ${after.rules} of its ${wanted} rules (comment "${ruleComment(spec.kind)}")`);
      if (problems.length) throw new ExperimentCompromised(`${spec.kind} on ${node}: ${problems.join('; ')}`);
      const rules = `nft table inet ${table} on ${node} with ${after.rules} ${spec.kind} rule${after.rules === 1 ? '' : 's'}`;
      const proven = checks.filter((check) => !check.skipped);
      if (proven.length === 0) {
        const why = checks.length ? describeChecks(checks) : 'no single packet can prove this fault shape';
        return { evidence: `${rules} (${after.packets} packets matched so far; ${why})`, proof: 'state', ...(checks.length ? { checks } : {}), countedPackets: after.packets };
      }
      return { evidence: `${rules}; data plane: ${describeChecks(proven)}; ${counted} packet(s) counted by its rules`, proof: 'data-plane', checks, countedPackets: counted };
    },
    async verifyReverted() {
      if ((await listing()).present) throw new ExperimentCompromised(`${spec.kind} on ${node}: nft table inet ${table} is still listed after revert`);
    },
  };
}

/**
 * nftPlanCheck: `nft --check` of the fault's ruleset (table `scs_chaos_plan`) on the node: the kernel and nft
 * judge the exact rules (numgen, th, reject, sets) without applying anything.
 */
export async function nftPlanCheck(target: FaultTarget, spec: NftFaultSpec): Promise<string> {
  const exec = target.executor;
  const result = await exec.run(['nft', '--check', '-f', '-'], { input: nftRuleset(artefactName('plan'), spec), timeoutMs: 10_000 });
  if (result.code !== 0) {
    throw new BadInput(
      `${spec.kind} cannot work on ${target.node.name} (${exec.description}): nft --check refused its ruleset: "${result.stderr.trim()}"`,
      undefined,
      'install nftables (nft >= 0.9.3, for `th` and `numgen`) on the node and use a kernel with nf_tables',
    );
  }
  return `${target.node.name}: nft accepts the ${spec.kind} ruleset`;
}

/** makeNftFault: a NetworkFault made of one nft spec: plan check with `nft --check`, apply, verify, delete the table. */
export function makeNftFault(target: FaultTarget, spec: NftFaultSpec, describe: string, preState: Record<string, unknown> = {}): NetworkFault {
  return shellFault({
    kind: spec.kind,
    reversible: true,
    target,
    requiresNetem: false,
    describe: () => describe,
    planCheck: () => nftPlanCheck(target, spec),
    prepare: async (injectionId: string) => nftPrepared(target, injectionId, spec, preState),
  });
}

function setLines(name: string, type: string, elements: string[]): string[] {
  return [`  set ${name} {`, `    type ${type}`, '    flags interval', '    auto-merge', `    elements = { ${elements.join(', ')} }`, '  }'];
}

/** The peer matches of one chain: one per family that has peers, or one empty match when there are none. */
function peerMatches(peers: Peers, side: 'ingress' | 'egress'): string[] {
  const field = side === 'ingress' ? 'saddr' : 'daddr';
  const matches: string[] = [];
  if (peers.v4.length) matches.push(`ip ${field} @peers4`);
  if (peers.v6.length) matches.push(`ip6 ${field} @peers6`);
  return matches.length ? matches : [''];
}

function transportMatch(rule: TransportRule, side: 'ingress' | 'egress', direction: Direction): string {
  if (rule.port === undefined) {
    if (!rule.protocol) return '';
    return rule.protocol === 'tcp+udp' ? 'meta l4proto { tcp, udp }' : `meta l4proto ${rule.protocol}`;
  }
  // The node's own service: its port is the destination of what arrives and the source of what leaves.
  const portOf = rule.portOf ?? defaultPortOf(direction);
  const field = (side === 'ingress') === (portOf === 'node') ? 'dport' : 'sport';
  if (!rule.protocol || rule.protocol === 'tcp+udp') return `meta l4proto { tcp, udp } th ${field} ${rule.port}`;
  return `${rule.protocol} ${field} ${rule.port}`;
}

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
