/**
 * The Ceph target kind: OSDs, monitors, managers and cluster flags of the cluster the environment's `ceph:` section
 * names. Its faults are shell faults acting through the OSD hosts, the ceph CLI's host or the lab's control
 * namespace, undone through the shell channel (whose on-host expiry timer survives the runner's death). Besides the
 * environment's nodes (the hosts kind looks after those), its leftovers live on the CLI's host ("local") and the
 * lab's control namespace.
 */
import { existsSync } from 'node:fs';
import type { Environment, NodeSpec } from '../../model/environment';
import type { PreflightFindings, SweepOutcome, TargetKind } from '../../core/kinds';
import { shellChannel } from '../../revert/shell-channel';
import { listHostArtefacts, sweepHost } from '../../revert/shell-hosts';
import { labControlNode } from './client/from-environment';
import { cephSection } from './environment';

/**
 * cephHosts: where cluster-wide Ceph faults keep their markers and timers that are not environment nodes: the
 * runner's own host as "local" when the CLI runs there, and the lab's control namespace while it exists.
 */
export function cephHosts(env: Environment): NodeSpec[] {
  const hosts: NodeSpec[] = [];
  if (env.sections.ceph?.executorNode === 'local') hosts.push({ name: 'local', address: '127.0.0.1', roles: [], executor: { kind: 'local' } });
  const control = labControlNode(env);
  // `ip netns` keeps its namespaces in /run/netns; the control namespace exists only while the lab runs Ceph.
  if (control?.executor.kind === 'netns' && existsSync(`/run/netns/${control.executor.namespace}`)) hosts.push(control);
  return hosts.filter((host) => !env.nodes.some((node) => node.name === host.name));
}

async function preflight(env: Environment): Promise<PreflightFindings> {
  const findings: PreflightFindings = { unreachable: [], leftovers: [] };
  for (const host of cephHosts(env)) {
    const listing = await listHostArtefacts(host);
    if (listing.unreachable) continue; // the control namespace may go away with the lab; its node had nothing to list
    for (const line of listing.leftovers) findings.leftovers.push(`${host.name}: leftover of an earlier run: ${line}`);
  }
  return findings;
}

async function sweep(env: Environment): Promise<SweepOutcome[]> {
  return Promise.all(cephHosts(env).map((host) => sweepHost(host)));
}

export const cephKind: TargetKind = { name: 'ceph', section: cephSection, channels: [shellChannel], preflight, sweep };
