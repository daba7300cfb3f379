/**
 * labStatus: what of the lab exists and runs right now, with one human line per problem. Read-only.
 */
import { runCommand } from '../src/executors/command';
import type { Environment } from '../src/model/environment';
import { haproxyBackendStates } from './haproxy-state';
import { LabLayout, LabNamespace, labLayout } from './layout';
import { listLinks, listNamespaces, unreachableRoutePresent } from './network';
import { findSupervisord, listProcesses, namespacePids, ProcessInfo } from './processes';
import { requireRoot, toolPath } from './tools';
import { judgeStatus, labCeph, labCephClient, labCephPresent, labCephProcesses } from './ceph/cluster';
import { labKubernetesPresent } from './kubernetes/cluster';
import { kubernetesPlanIfDerivable } from './kubernetes/lab-hooks';
import { kubernetesStatus, LabKubernetesStatus } from './kubernetes/status';

/** LabNodeStatus: one node's namespace, supervisord and service backend. */
export interface LabNodeStatus {
  node: string;
  namespace: string;
  namespacePresent: boolean;
  supervisorRunning: boolean;
  /** Whether the node runs the lab service (has one of its roles). */
  runsService: boolean;
  /** pid of the service backend found with the service's processMatch, null when none runs. */
  backendPid: number | null;
}

/** LabEdgeStatus: the edge namespace, its supervisord and haproxy. */
export interface LabEdgeStatus {
  namespace: string;
  namespacePresent: boolean;
  supervisorRunning: boolean;
  haproxyRunning: boolean;
  haproxyPid: number | null;
}

/** LabCephStatus: the lab's Ceph (only while it runs one): its daemons and what `ceph status` says. */
export interface LabCephStatus {
  /** "mon.a", "mgr.x", "osd.0", ... with the pid running it (null when none runs). */
  daemons: Array<{ daemon: string; namespace: string; pid: number | null }>;
  /** One line from `ceph status` (health, OSDs up/in, PG states); null when the monitor could not be asked. */
  summary: string | null;
  /** Whether `ceph status` shows HEALTH_OK, every OSD up and in and every PG active+clean. */
  healthy: boolean;
}

/** LabStatus: the whole lab; `up` is true when nothing is missing and haproxy sees every backend UP. */
export interface LabStatus {
  up: boolean;
  bridgePresent: boolean;
  unreachableRoutePresent: boolean;
  nodes: LabNodeStatus[];
  edge: LabEdgeStatus;
  /** The lab's Ceph, when it runs one (lab up --with ceph); null otherwise. */
  ceph: LabCephStatus | null;
  /** The lab's Kubernetes, when it runs one (lab up --with kubernetes); null otherwise. */
  kubernetes: LabKubernetesStatus | null;
  /** haproxy's status per backend node ("UP", "DOWN", "UP 1/2", "MAINT", ...); empty when haproxy cannot be asked. */
  backends: Record<string, string>;
  /** One human line per thing that keeps the lab from being up. */
  problems: string[];
}

/** labStatus reports the lab described by `env`; needs root (haproxy's stats socket is root-only). */
export async function labStatus(env: Environment): Promise<LabStatus> {
  requireRoot('lab status');
  const layout = labLayout(env);
  const problems: string[] = [];
  const [namespaces, links, routePresent] = await Promise.all([listNamespaces(), listLinks(), unreachableRoutePresent(layout)]);
  const processes = listProcesses();
  const bridgePresent = links.has(layout.spec.bridge);
  if (!bridgePresent) problems.push(`bridge ${layout.spec.bridge} is missing`);
  if (!routePresent) problems.push(`unreachable route for ${layout.spec.unreachableRange} is missing`);

  const nodes = await Promise.all(
    layout.nodes.map(async (node): Promise<LabNodeStatus> => {
      const inside = await namespaceState(node, namespaces, processes, problems);
      let backendPid: number | null = null;
      if (node.runsService) {
        const pids = await backendPids(layout, node.name, processes);
        backendPid = pids[0] ?? null;
        if (pids.length === 0) problems.push(`${node.name}: no ${layout.service.spec.name} backend process runs`);
        if (pids.length > 1) problems.push(`${node.name}: ${pids.length} ${layout.service.spec.name} backend processes run (${pids.join(', ')})`);
        if (backendPid !== null && !inside.pids.has(backendPid)) problems.push(`${node.name}: backend pid ${backendPid} runs outside namespace ${node.namespace}`);
      }
      return { node: node.name, namespace: node.namespace, namespacePresent: inside.present, supervisorRunning: inside.supervisorRunning, runsService: node.runsService, backendPid };
    }),
  );

  const edgeState = await namespaceState(layout.edge, namespaces, processes, problems);
  const haproxy = processes.find((p) => edgeState.pids.has(p.pid) && p.argv.includes(layout.edge.haproxyConfig) && !p.argv.includes('-c'));
  if (!haproxy) problems.push(`edge: haproxy is not running in namespace ${layout.edge.namespace}`);
  const edge: LabEdgeStatus = {
    namespace: layout.edge.namespace,
    namespacePresent: edgeState.present,
    supervisorRunning: edgeState.supervisorRunning,
    haproxyRunning: haproxy !== undefined,
    haproxyPid: haproxy?.pid ?? null,
  };

  let backends: Record<string, string> = {};
  if (haproxy) {
    try {
      backends = await haproxyBackendStates(env);
    } catch (error) {
      problems.push(`edge: ${(error as Error).message}`);
    }
    for (const node of layout.nodes.filter((n) => n.runsService)) {
      const state = backends[node.name];
      if (state !== 'UP') problems.push(`haproxy reports ${node.name} as ${state ?? 'absent'}`);
    }
  }
  const ceph = labCephPresent(layout) ? await cephState(env, layout, namespaces, processes, problems) : null;
  const kubernetesPlan = labKubernetesPresent(layout) ? kubernetesPlanIfDerivable(layout) : undefined;
  const kubernetes = kubernetesPlan ? await kubernetesStatus(layout, kubernetesPlan, problems, processes) : null;
  return { up: problems.length === 0, bridgePresent, unreachableRoutePresent: routePresent, nodes, edge, ceph, kubernetes, backends, problems };
}

/** The lab's Ceph daemons (found by their command line) and one `ceph status` when the monitor runs. */
async function cephState(env: Environment, layout: LabLayout, namespaces: Set<string>, processes: ProcessInfo[], problems: string[]): Promise<LabCephStatus> {
  let plan;
  try {
    plan = labCeph(layout, env);
  } catch (error) {
    problems.push(`ceph: ${(error as Error).message}`);
    return { daemons: [], summary: null, healthy: false };
  }
  await namespaceState(plan.control, namespaces, processes, problems);
  const running = labCephProcesses(layout, processes);
  const pidOf = (argv: string[]): number | null => running.find((p) => p.argv.join(' ') === argv.join(' '))?.pid ?? null;
  const daemons = [
    ...plan.monitors.map((m) => ({ daemon: `mon.${m.id}`, namespace: plan.control.namespace, pid: pidOf(m.program.argv) })),
    ...plan.managers.map((m) => ({ daemon: `mgr.${m.id}`, namespace: plan.control.namespace, pid: pidOf(m.program.argv) })),
    ...plan.osds.map((osd) => ({ daemon: `osd.${osd.id}`, namespace: osd.node.namespace, pid: pidOf(osd.program.argv) })),
  ];
  for (const d of daemons) if (d.pid === null) problems.push(`ceph: ${d.daemon} is not running (namespace ${d.namespace})`);
  let summary: string | null = null;
  let healthy = false;
  if (daemons[0]?.pid !== null) {
    try {
      const reading = judgeStatus(await labCephClient(plan, 6000).status(), plan.osds.length);
      summary = reading.line;
      healthy = reading.clean;
      if (!healthy) problems.push(`ceph: not healthy: ${summary}`);
    } catch (error) {
      problems.push(`ceph: ceph status failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { daemons, summary, healthy };
}

async function namespaceState(
  target: LabNamespace,
  namespaces: Set<string>,
  processes: ProcessInfo[],
  problems: string[],
): Promise<{ present: boolean; supervisorRunning: boolean; pids: Set<number> }> {
  const present = namespaces.has(target.namespace);
  if (!present) {
    problems.push(`${target.name}: network namespace ${target.namespace} is missing`);
    return { present, supervisorRunning: false, pids: new Set() };
  }
  const pids = new Set(await namespacePids(target.namespace));
  const supervisord = findSupervisord(target.supervisorConfig, processes);
  const supervisorRunning = supervisord !== undefined && pids.has(supervisord.pid);
  if (!supervisorRunning) problems.push(`${target.name}: supervisord is not running in namespace ${target.namespace}`);
  return { present, supervisorRunning, pids };
}

/** Backends are found the way faults find them: `pgrep -f` with the service's processMatch (or its marker). */
async function backendPids(layout: LabLayout, node: string, processes: ProcessInfo[]): Promise<number[]> {
  const pattern = layout.service.spec.processMatch;
  if (!pattern) {
    const { marker } = layout.service;
    return processes.filter((p) => p.argv.some((arg, i) => arg === marker && p.argv[i + 1] === '--node' && p.argv[i + 2] === node)).map((p) => p.pid);
  }
  const result = await runCommand([toolPath('pgrep'), '-f', pattern.replaceAll('{node}', node)], { timeoutMs: 10_000 });
  return result.stdout.split(/\s+/).filter(Boolean).map(Number);
}
