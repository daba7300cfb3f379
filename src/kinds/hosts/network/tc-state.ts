/**
 * What of a tc layout (src/kinds/hosts/network/tc.ts) is on a node right now, read-only: qdiscs, filters, the ifb
 * device and the marker; and what is missing after apply or left after revert — the fault's observed and
 * reverted checks.
 */
import type { Executor } from '../../../executors/executor';
import { ingressParent, markerOf, TC_CHILD_HANDLE, TC_PREF_IPV4, TC_PREF_IPV6, TC_ROOT_HANDLE, TcLayout } from './tc';
import { hasPeers } from './network-fault';
import { ExperimentCompromised } from '../../../kernel/errors';

/** TcState: what is on the node of a layout right now. */
export interface TcState {
  marker: boolean;
  /** Kind of the 5c5: root on the interface, or null. */
  egressRoot: string | null;
  /** Kind of the 5c6: child, or null. */
  egressChild: string | null;
  /** scs-chaos prefs among the ingress filters. */
  ingressPrefs: number[];
  /** Kind of the ifb's 5c5: root; null when the ifb or its qdisc is absent. */
  ifbRoot: string | null;
  ifbPresent: boolean;
}

/** QdiscJson: the fields of one `tc -j qdisc show` entry that scs-chaos reads. */
export interface QdiscJson {
  kind?: string;
  handle?: string;
  root?: boolean;
  parent?: string;
}

/** readTcState: reads a layout's artefacts from the node (read-only). */
export async function readTcState(exec: Executor, layout: TcLayout): Promise<TcState> {
  const marker = (await exec.run(['cat', markerOf(layout)], { timeoutMs: 5000 })).code === 0;
  const qdiscs = await qdiscsOf(exec, layout.dev);
  const state: TcState = {
    marker,
    egressRoot: qdiscs.find((q) => q.root && q.handle === TC_ROOT_HANDLE)?.kind ?? null,
    egressChild: qdiscs.find((q) => q.handle === TC_CHILD_HANDLE)?.kind ?? null,
    ingressPrefs: [],
    ifbRoot: null,
    ifbPresent: false,
  };
  if (layout.ingress) {
    const shown = await exec.run(['tc', 'filter', 'show', 'dev', layout.dev, 'parent', ingressParent(layout.ingress.existing)], { timeoutMs: 5000 });
    state.ingressPrefs = scsPrefs(shown.code === 0 ? shown.stdout : '');
    const action = layout.ingress.action;
    if (action.kind === 'ifb') {
      state.ifbPresent = (await exec.run(['ip', 'link', 'show', 'dev', action.device], { timeoutMs: 5000 })).code === 0;
      if (state.ifbPresent) state.ifbRoot = (await qdiscsOf(exec, action.device)).find((q) => q.root && q.handle === TC_ROOT_HANDLE)?.kind ?? null;
    }
  }
  return state;
}

/** scsPrefs: the scs-chaos prefs (1477, 1478) that `tc filter show` lists. */
export function scsPrefs(stdout: string): number[] {
  const prefs = new Set<number>();
  for (const match of stdout.matchAll(/ pref (\d+) /g)) {
    const pref = Number(match[1]);
    if (pref === TC_PREF_IPV4 || pref === TC_PREF_IPV6) prefs.add(pref);
  }
  return [...prefs].sort();
}

/** activeProblems: what is missing from a layout after apply; empty when the fault is in place. */
export function activeProblems(layout: TcLayout, state: TcState): string[] {
  const problems: string[] = [];
  if (!state.marker) problems.push(`marker ${markerOf(layout)} is missing`);
  if (layout.egress) {
    const wantRoot = hasPeers(layout.egress.peers) ? 'htb' : (layout.egress.qdisc[0] ?? '');
    if (state.egressRoot !== wantRoot) problems.push(`root qdisc ${TC_ROOT_HANDLE} on ${layout.dev} is ${state.egressRoot ?? 'absent'}, expected ${wantRoot}`);
    if (hasPeers(layout.egress.peers) && state.egressChild !== layout.egress.qdisc[0]) {
      problems.push(`qdisc ${TC_CHILD_HANDLE} on ${layout.dev} is ${state.egressChild ?? 'absent'}, expected ${layout.egress.qdisc[0] ?? ''}`);
    }
  }
  if (layout.ingress) {
    const peers = layout.ingress.peers;
    const wantPrefs = !hasPeers(peers) ? [TC_PREF_IPV4] : [...(peers.v4.length ? [TC_PREF_IPV4] : []), ...(peers.v6.length ? [TC_PREF_IPV6] : [])];
    const missing = wantPrefs.filter((p) => !state.ingressPrefs.includes(p));
    if (missing.length) problems.push(`ingress filter pref ${missing.join(', ')} on ${layout.dev} is missing`);
    const action = layout.ingress.action;
    if (action.kind === 'ifb' && state.ifbRoot !== action.qdisc[0]) {
      problems.push(`ifb ${action.device} ${state.ifbPresent ? `has root qdisc ${state.ifbRoot ?? 'other than 5c5:'}` : 'is absent'}, expected ${action.qdisc[0] ?? ''} ${TC_ROOT_HANDLE}`);
    }
  }
  return problems;
}

/** revertedProblems: what of a layout is still on the node after revert; empty when all is gone. */
export function revertedProblems(layout: TcLayout, state: TcState): string[] {
  const problems: string[] = [];
  if (state.marker) problems.push(`marker ${markerOf(layout)} is still there`);
  if (layout.egress && state.egressRoot !== null) problems.push(`root qdisc ${state.egressRoot} ${TC_ROOT_HANDLE} is still on ${layout.dev}`);
  if (layout.ingress && state.ingressPrefs.length) problems.push(`ingress filter pref ${state.ingressPrefs.join(', ')} is still on ${layout.dev}`);
  if (state.ifbPresent) problems.push(`ifb device ${layout.ingress?.action.kind === 'ifb' ? layout.ingress.action.device : ''} still exists`);
  return problems;
}

/** qdiscsOf: `tc -j qdisc show dev X`; empty when the device is gone. */
export async function qdiscsOf(exec: Executor, dev: string): Promise<QdiscJson[]> {
  const result = await exec.run(['tc', '-j', 'qdisc', 'show', 'dev', dev], { timeoutMs: 5000 });
  if (result.code !== 0) return [];
  try {
    const parsed: unknown = JSON.parse(result.stdout.trim() || '[]');
    return Array.isArray(parsed) ? (parsed as QdiscJson[]) : [];
  } catch {
    throw new ExperimentCompromised(`tc -j qdisc show dev ${dev} on ${exec.description} printed no JSON: ${result.stdout.slice(0, 200)}`);
  }
}

