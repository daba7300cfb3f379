/**
 * The tc half of the network faults (bandwidth, netem, packet loss through netem). tc objects have no names,
 * so an injection's artefacts are found by fixed handles and a marker file:
 *   - egress: the root qdisc of the interface gets handle 5c5: ("scs"). With peers, the root is an htb whose
 *     unclassified traffic bypasses shaping (htb's direct queue, `default 0`), class 5c5:1 (10gbit, so htb
 *     itself never limits) carries the fault's qdisc as 5c6:, and u32 filters at pref 1477 (IPv4) / 1478 (IPv6)
 *     send the peers' traffic there. htb, not prio: htb is in every kernel that has tc at all, prio is not.
 *   - ingress: a filter at pref 1477/1478 on the interface's ingress (the `ingress` qdisc ffff:, created when
 *     absent, or an existing clsact's ingress side ffff:fff2, shared) that either polices or redirects to an ifb
 *     device named `scs_<id>` whose root qdisc (5c5:) carries the fault.
 *   - the marker /run/scs-chaos/<id>.tc on the node: key=value lines naming the node, the interface, the
 *     handles, prefs and ifb, written BEFORE the first tc command and removed by the revert only once
 *     everything is gone, so `scs-chaos sweep` finds tc artefacts without a journal.
 * A root qdisc that is not a kernel default (handle 0:) is never replaced: revert could not restore it.
 * The revert script deletes only while this injection's marker exists, so a late expiry timer of an old
 * injection can never delete a newer injection's 5c5: qdisc.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { detectKernelFeatures } from './kernel-features';
import { INTERFACE_NAME, NodeInterface, nodeInterface } from './interface';
import type { Direction, NetworkFault, Peers } from './network-fault';
import { firstPeerAddress, hasPeers } from './network-fault';

/** TC_ROOT_HANDLE: the handle of every root qdisc scs-chaos adds (0x5c5, "scs"). */
export const TC_ROOT_HANDLE = '5c5:';
/** TC_CHILD_HANDLE: the handle of the fault's qdisc below the htb class when peers are filtered. */
export const TC_CHILD_HANDLE = '5c6:';
/** TC_PEER_CLASS: the htb class the peers' traffic is sent to. */
export const TC_PEER_CLASS = '5c5:1';
/** TC_PEER_CLASS_RATE: that class's rate, high enough never to shape (htb's 32-bit rate limit is ~34gbit). */
export const TC_PEER_CLASS_RATE = '10gbit';
/** TC_PREF_IPV4: the filter priority (pref) of scs-chaos's IPv4 (and match-all) filters, 0x5c5. */
export const TC_PREF_IPV4 = 1477;
/** TC_PREF_IPV6: the filter priority of scs-chaos's IPv6 filters (one pref holds one protocol). */
export const TC_PREF_IPV6 = 1478;
/** TC_MARKER_DIR: where the markers live on the node (tmpfs: gone after a reboot, like the qdiscs). */
export const TC_MARKER_DIR = '/run/scs-chaos';

/** tcMarkerPath: the marker file of an injection's tc artefacts (`dir` differs only in tests). */
export function tcMarkerPath(injectionId: string, dir: string = TC_MARKER_DIR): string {
  return `${dir}/${injectionId}.tc`;
}

/** ifbName: the ifb device of an injection: `scs_` + the id (cut to fit Linux's 15-character names). */
export function ifbName(injectionId: string): string {
  return `scs_${injectionId.slice(0, 11)}`;
}

/** ExistingIngress: what was on the interface's ingress before: nothing, an `ingress` qdisc or a `clsact`. */
export type ExistingIngress = 'none' | 'ingress' | 'clsact';

/** ingressParent: where ingress filters attach: ffff: for the ingress qdisc, ffff:fff2 for clsact's ingress. */
export function ingressParent(existing: ExistingIngress): string {
  return existing === 'clsact' ? 'ffff:fff2' : 'ffff:';
}

/** IngressAction: police in place, or redirect to an ifb whose root qdisc does the harm. */
export type IngressAction = { kind: 'police'; args: string[] } | { kind: 'ifb'; device: string; qdisc: string[] };

/** TcLayout: every tc artefact of one injection. */
export interface TcLayout {
  injectionId: string;
  node: string;
  kind: string;
  dev: string;
  egress?: { qdisc: string[]; peers: Peers };
  ingress?: { peers: Peers; existing: ExistingIngress; action: IngressAction };
  /** Where the marker goes; TC_MARKER_DIR on every node (tests run the scripts against a temporary one). */
  markerDir?: string;
}

/** tcApplyCommands: the argv of every command that builds a layout, in order. */
export function tcApplyCommands(layout: TcLayout): string[][] {
  const { dev } = layout;
  const commands: string[][] = [];
  if (layout.egress) {
    const { qdisc, peers } = layout.egress;
    if (!hasPeers(peers)) {
      commands.push(['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', TC_ROOT_HANDLE, ...qdisc]);
    } else {
      commands.push(
        ['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', TC_ROOT_HANDLE, 'htb'],
        ['tc', 'class', 'add', 'dev', dev, 'parent', TC_ROOT_HANDLE, 'classid', TC_PEER_CLASS, 'htb', 'rate', TC_PEER_CLASS_RATE],
        ['tc', 'qdisc', 'add', 'dev', dev, 'parent', TC_PEER_CLASS, 'handle', TC_CHILD_HANDLE, ...qdisc],
        ...peerFilters(dev, TC_ROOT_HANDLE, peers, 'dst', ['flowid', TC_PEER_CLASS]),
      );
    }
  }
  if (layout.ingress) {
    const { peers, existing, action } = layout.ingress;
    if (action.kind === 'ifb') {
      commands.push(
        ['ip', 'link', 'add', action.device, 'type', 'ifb'],
        ['ip', 'link', 'set', 'dev', action.device, 'up'],
        ['tc', 'qdisc', 'add', 'dev', action.device, 'root', 'handle', TC_ROOT_HANDLE, ...action.qdisc],
      );
    }
    if (existing === 'none') commands.push(['tc', 'qdisc', 'add', 'dev', dev, 'handle', 'ffff:', 'ingress']);
    const act = action.kind === 'police' ? ['action', 'police', ...action.args] : ['action', 'mirred', 'egress', 'redirect', 'dev', action.device];
    const parent = ingressParent(existing);
    if (!hasPeers(peers)) {
      commands.push(['tc', 'filter', 'add', 'dev', dev, 'parent', parent, 'protocol', 'all', 'pref', String(TC_PREF_IPV4), 'u32', 'match', 'u32', '0', '0', ...act]);
    } else {
      commands.push(...peerFilters(dev, parent, peers, 'src', act));
    }
  }
  return commands;
}

/** tcMarkerText: the marker's key=value lines (what sweep needs to undo the layout without a journal). */
export function tcMarkerText(layout: TcLayout): string {
  const lines = [`id=${layout.injectionId}`, `node=${layout.node}`, `kind=${layout.kind}`, `dev=${layout.dev}`];
  if (layout.egress) lines.push(`egress-root=${TC_ROOT_HANDLE}`);
  if (layout.ingress) {
    lines.push(`ingress-parent=${ingressParent(layout.ingress.existing)}`, `ingress-prefs=${TC_PREF_IPV4},${TC_PREF_IPV6}`);
    lines.push(`ingress-qdisc=${layout.ingress.existing === 'none' ? 'created' : `shared-${layout.ingress.existing}`}`);
    if (layout.ingress.action.kind === 'ifb') lines.push(`ifb=${layout.ingress.action.device}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** parseTcMarker: a marker's fields, for sweep. */
export function parseTcMarker(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

/**
 * layoutFromMarker: the layout a marker describes, enough for tcRevertScript — how `sweep` undoes tc artefacts
 * of an injection whose journal is lost. The qdisc arguments are not in the marker (a revert never needs them).
 */
export function layoutFromMarker(fields: Record<string, string>, markerDir?: string): TcLayout {
  const { id, node, kind, dev } = fields;
  if (!id || !node || !kind || !dev || !INTERFACE_NAME.test(dev)) throw new Error(`not a scs-chaos tc marker: ${JSON.stringify(fields)}`);
  const layout: TcLayout = { injectionId: id, node, kind, dev, ...(markerDir ? { markerDir } : {}) };
  if (fields['egress-root']) layout.egress = { qdisc: [], peers: { v4: [], v6: [] } };
  if (fields['ingress-parent']) {
    const shared = fields['ingress-qdisc'] ?? 'created';
    const existing: ExistingIngress = shared === 'shared-clsact' ? 'clsact' : shared === 'shared-ingress' ? 'ingress' : 'none';
    const ifb = fields.ifb;
    if (ifb !== undefined && !INTERFACE_NAME.test(ifb)) throw new Error(`not a scs-chaos tc marker (ifb ${ifb}): ${JSON.stringify(fields)}`);
    layout.ingress = { peers: { v4: [], v6: [] }, existing, action: ifb ? { kind: 'ifb', device: ifb, qdisc: [] } : { kind: 'police', args: [] } };
  }
  return layout;
}

/** tcApplyScript: writes the marker first, then runs the commands; stops at the first failure (set -e). */
export function tcApplyScript(layout: TcLayout): string {
  return [
    'set -e',
    `mkdir -p ${shellQuote(layout.markerDir ?? TC_MARKER_DIR)}`,
    `printf '%s' ${shellQuote(tcMarkerText(layout))} > ${shellQuote(markerOf(layout))}`,
    ...tcApplyCommands(layout).map((argv) => argv.map(shellQuote).join(' ')),
    '',
  ].join('\n');
}

/**
 * tcRevertScript: idempotent undo. Only while the injection's marker exists: delete the 5c5: root (children and
 * filters go with it), delete this injection's ingress filters (by pref), the ingress qdisc if this injection
 * created it and nothing else uses it, and the ifb device; then remove the marker. Absent parts count as
 * removed; a part that stays makes the script exit 1 and keeps the marker for sweep.
 */
export function tcRevertScript(layout: TcLayout): string {
  const dev = shellQuote(layout.dev);
  const lines = [`m=${shellQuote(markerOf(layout))}`, 'if [ -e "$m" ]; then', '  ok=1'];
  if (layout.egress) {
    lines.push(
      `  if tc qdisc show dev ${dev} 2>/dev/null | grep -q '^qdisc [^ ]* ${TC_ROOT_HANDLE} root'; then tc qdisc del dev ${dev} root handle ${TC_ROOT_HANDLE} || ok=0; fi`,
    );
  }
  if (layout.ingress) {
    const parent = ingressParent(layout.ingress.existing);
    lines.push(
      `  tc filter del dev ${dev} parent ${parent} pref ${TC_PREF_IPV4} 2>/dev/null`,
      `  tc filter del dev ${dev} parent ${parent} pref ${TC_PREF_IPV6} 2>/dev/null`,
      `  if tc filter show dev ${dev} parent ${parent} 2>/dev/null | grep -Eq ' pref (${TC_PREF_IPV4}|${TC_PREF_IPV6}) '; then ok=0; fi`,
    );
    if (layout.ingress.existing === 'none') {
      lines.push(`  if ! tc filter show dev ${dev} parent ${parent} 2>/dev/null | grep -q .; then tc qdisc del dev ${dev} ingress 2>/dev/null; fi`);
    }
    if (layout.ingress.action.kind === 'ifb') {
      const ifb = shellQuote(layout.ingress.action.device);
      lines.push(`  ip link delete ${ifb} 2>/dev/null`, `  if ip link show dev ${ifb} >/dev/null 2>&1; then ok=0; fi`);
    }
  }
  lines.push('  [ "$ok" = 1 ] || exit 1', '  rm -f "$m"', 'fi');
  return lines.join('\n');
}

export * from './tc-state';
import { activeProblems, qdiscsOf, readTcState, revertedProblems, scsPrefs } from './tc-state';

/** IngressMethod: how ingress harm is done: police in place, an ifb device, or whichever the kernel has. */
export type IngressMethod = 'auto' | 'police' | 'ifb';

/** TcFaultConfig: what a tc fault (bandwidth, netem, loss) supplies to makeTcFault. */
export interface TcFaultConfig {
  target: FaultTarget;
  kind: string;
  describe: string;
  requiresNetem: boolean;
  direction: Direction;
  peers: Peers;
  /** An interface name; otherwise nodeInterface() picks it (towards the first peer, if any). */
  interfaceName?: string;
  /** The fault's qdisc (kind first) for egress and for an ifb's root. */
  qdisc(iface: NodeInterface): string[];
  /** police action arguments; only faults that can police (bandwidth) give this. */
  police?(iface: NodeInterface): string[];
  /** How ingress is done; faults without `police` always use 'ifb'. */
  ingressMethod: IngressMethod;
  /** Plan-time check before the others (netem detection); resolves with a line for the plan. */
  precheck?(executor: Executor): Promise<string>;
}

/** makeTcFault: a NetworkFault built from a TcFaultConfig: plan check, prepare (read-only), apply, verify, revert. */
export function makeTcFault(config: TcFaultConfig): NetworkFault {
  const { target, kind } = config;
  const exec = target.executor;
  const node = target.node.name;
  let method: Promise<'police' | 'ifb'> | null = null;
  const ingressMethod = (): Promise<'police' | 'ifb'> => {
    method ??= chooseIngressMethod(exec, node, config.police ? config.ingressMethod : 'ifb');
    return method;
  };
  const findInterface = async (): Promise<NodeInterface> => {
    if (config.interfaceName) {
      const links = await exec.run(['ip', '-j', 'link', 'show', 'dev', config.interfaceName], { timeoutMs: 5000 });
      let mtu: number | undefined;
      try {
        mtu = links.code === 0 ? (JSON.parse(links.stdout || '[]') as Array<{ mtu?: number }>)[0]?.mtu : undefined;
      } catch {
        mtu = undefined;
      }
      if (!mtu) throw new ExperimentCompromised(`interface ${config.interfaceName} is not on ${node} (${exec.description}): ${links.stderr.trim()}`);
      return { name: config.interfaceName, mtu, via: 'named in the step' };
    }
    return nodeInterface(exec, firstPeerAddress(config.peers));
  };
  return shellFault({
    kind,
    reversible: true,
    target,
    requiresNetem: config.requiresNetem,
    describe: () => config.describe,
    async planCheck() {
      const parts: string[] = [];
      if (config.precheck) parts.push(await config.precheck(exec));
      const iface = await findInterface();
      parts.push(`interface ${iface.name} (${iface.via}, mtu ${iface.mtu})`);
      if (config.direction !== 'egress') parts.push(`ingress by ${await ingressMethod()}`);
      return `${node}: ${parts.join('; ')}`;
    },
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const iface = await findInterface();
      const dev = iface.name;
      const qdiscs = await qdiscsOf(exec, dev);
      const root = qdiscs.find((q) => q.root);
      const layout: TcLayout = { injectionId, node, kind, dev };
      if (config.direction !== 'ingress') {
        if (root?.handle === TC_ROOT_HANDLE) {
          throw new ExperimentCompromised(`${dev} on ${node} already has scs-chaos's root qdisc ${TC_ROOT_HANDLE} (${root.kind}): another tc fault is active there; see ${TC_MARKER_DIR}/*.tc on the node`);
        }
        if (root && root.handle !== '0:') {
          throw new ExperimentCompromised(
            `${dev} on ${node} has a configured root qdisc ${root.kind} ${root.handle ?? ''}; scs-chaos will not replace it (the revert could not restore it). Remove it first or pick another interface`,
          );
        }
        layout.egress = { qdisc: config.qdisc(iface), peers: config.peers };
      }
      if (config.direction !== 'egress') {
        const found = qdiscs.find((q) => q.kind === 'ingress' || q.kind === 'clsact');
        const existing: ExistingIngress = found?.kind === 'clsact' ? 'clsact' : found ? 'ingress' : 'none';
        if (existing !== 'none') {
          const shown = await exec.run(['tc', 'filter', 'show', 'dev', dev, 'parent', ingressParent(existing)], { timeoutMs: 5000 });
          const taken = scsPrefs(shown.stdout);
          if (taken.length) throw new ExperimentCompromised(`${dev} on ${node} already has ingress filters at pref ${taken.join(', ')}: another scs-chaos tc fault is active there`);
        }
        const how = await ingressMethod();
        let action: IngressAction;
        if (how === 'police' && config.police) {
          action = { kind: 'police', args: config.police(iface) };
        } else {
          const device = ifbName(injectionId);
          if ((await exec.run(['ip', 'link', 'show', 'dev', device], { timeoutMs: 5000 })).code === 0) {
            throw new ExperimentCompromised(`ifb device ${device} already exists on ${node}: a leftover of an earlier injection?`);
          }
          action = { kind: 'ifb', device, qdisc: config.qdisc(iface) };
        }
        layout.ingress = { peers: config.peers, existing, action };
      }
      return tcPrepared(target, layout, {
        interface: dev,
        mtu: iface.mtu,
        interfaceVia: iface.via,
        previousRoot: root ? `${root.kind ?? '?'} ${root.handle ?? '?'}` : null,
        tcMarker: tcMarkerPath(injectionId),
        ...(layout.egress ? { egressRoot: TC_ROOT_HANDLE } : {}),
        ...(layout.ingress ? { ingressParent: ingressParent(layout.ingress.existing), ingressQdisc: layout.ingress.existing, ingressPrefs: [TC_PREF_IPV4, TC_PREF_IPV6] } : {}),
        ...(layout.ingress?.action.kind === 'ifb' ? { ifb: layout.ingress.action.device } : {}),
      });
    },
  });
}

/** tcPrepared: the PreparedShellFault of a tc layout. */
export function tcPrepared(target: FaultTarget, layout: TcLayout, preState: Record<string, unknown>): PreparedShellFault {
  const exec = target.executor;
  const node = target.node.name;
  return {
    kind: layout.kind,
    target: node,
    reversible: true,
    preState,
    revertScript: tcRevertScript(layout),
    async apply() {
      const result = await exec.runScript(tcApplyScript(layout), { timeoutMs: 15_000 });
      if (result.code !== 0) {
        throw new ExperimentCompromised(`could not apply ${layout.kind} on ${node} (${exec.description}): tc said "${result.stderr.trim()}"`);
      }
    },
    async verifyActive() {
      const state = await readTcState(exec, layout);
      const problems = activeProblems(layout, state);
      if (problems.length) throw new ExperimentCompromised(`${layout.kind} on ${node} is not in place after injection: ${problems.join('; ')}`);
      const parts: string[] = [];
      if (layout.egress) parts.push(`${state.egressRoot} ${TC_ROOT_HANDLE} root${state.egressChild ? ` with ${state.egressChild} ${TC_CHILD_HANDLE}` : ''} on ${layout.dev}`);
      if (layout.ingress) parts.push(`ingress filter pref ${state.ingressPrefs.join('/')} on ${layout.dev}${state.ifbRoot ? ` → ${state.ifbRoot} on ${layout.ingress.action.kind === 'ifb' ? layout.ingress.action.device : ''}` : ''}`);
      return `tc on ${node}: ${parts.join('; ')} (marker ${markerOf(layout)})`;
    },
    async verifyReverted() {
      const problems = revertedProblems(layout, await readTcState(exec, layout));
      if (problems.length) throw new ExperimentCompromised(`${layout.kind} on ${node} is not gone after revert: ${problems.join('; ')}`);
    },
  };
}

/**
 * chooseIngressMethod: police when asked or (auto) when the kernel has act_police; else ifb + act_mirred.
 * A part the node reports as absent is refused at plan time; "unknown" is tried (tc will say).
 */
async function chooseIngressMethod(exec: Executor, node: string, wanted: IngressMethod): Promise<'police' | 'ifb'> {
  const report = await detectKernelFeatures(exec, wanted === 'ifb' ? ['ifb', 'mirred'] : wanted === 'police' ? ['police'] : ['police', 'ifb', 'mirred']);
  const f = report.features;
  const ifbPossible = f.ifb?.available !== 'no' && f.mirred?.available !== 'no';
  if (wanted === 'police' || (wanted === 'auto' && f.police?.available === 'yes')) {
    if (f.police?.available === 'no') {
      throw new BadInput(`act_police not available on node ${node} (kernel ${report.kernel}): ${f.police.evidence}`, undefined, "use ingress method 'ifb' (an ifb device with tbf) or a kernel with CONFIG_NET_ACT_POLICE");
    }
    return 'police';
  }
  if (wanted === 'auto' && f.police?.available === 'unknown' && !ifbPossible) return 'police';
  if (!ifbPossible) {
    const why = [f.police, f.ifb, f.mirred].filter((a) => a?.available === 'no').map((a) => a?.evidence).join('; ');
    throw new BadInput(
      `ingress traffic control not available on node ${node} (kernel ${report.kernel}): ${wanted === 'auto' ? 'neither act_police nor ifb with act_mirred' : 'no ifb with act_mirred'} (${why})`,
      undefined,
      'use direction egress, or a kernel with CONFIG_NET_ACT_POLICE or CONFIG_IFB and CONFIG_NET_ACT_MIRRED',
    );
  }
  return 'ifb';
}

export function markerOf(layout: TcLayout): string {
  return tcMarkerPath(layout.injectionId, layout.markerDir);
}

function peerFilters(dev: string, parent: string, peers: Peers, field: 'src' | 'dst', tail: string[]): string[][] {
  const v4 = peers.v4.map((cidr) => ['tc', 'filter', 'add', 'dev', dev, 'parent', parent, 'protocol', 'ip', 'pref', String(TC_PREF_IPV4), 'u32', 'match', 'ip', field, withPrefix(cidr, 32), ...tail]);
  const v6 = peers.v6.map((cidr) => ['tc', 'filter', 'add', 'dev', dev, 'parent', parent, 'protocol', 'ipv6', 'pref', String(TC_PREF_IPV6), 'u32', 'match', 'ip6', field, withPrefix(cidr, 128), ...tail]);
  return [...v4, ...v6];
}

function withPrefix(cidr: string, bits: number): string {
  return cidr.includes('/') ? cidr : `${cidr}/${bits}`;
}
