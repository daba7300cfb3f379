/**
 * What the lab's generic code (lab/lab.ts, lab/leftovers.ts, lab/status.ts) asks of its Kubernetes whether or not
 * the lab runs it: `lab down` and the leftover check look for Kubernetes artefacts on every lab, so a cluster left by
 * an interrupted run is found and removed too. Needs no installed tool (a lab can be taken down after containerd
 * was uninstalled).
 */
import { existsSync } from 'node:fs';
import type { LabLayout } from '../layout';
import { findProgram } from '../tools';
import { cgroupDirs, cniResults, containerLogLinks, mountsUnder } from './host';
import { labKubernetesPlan, LabKubernetesPlan } from './plan';
import { kubernetesDaemons, kubernetesPids, kubernetesShims, podPids } from './processes';
import { podRouteLeftovers } from './routes';
import { kubernetesVersions } from './settings';

/** kubernetesPlanIfDerivable: the plan, or undefined for a lab that cannot run Kubernetes (no control namespace, ...): it has none. */
export function kubernetesPlanIfDerivable(layout: LabLayout): LabKubernetesPlan | undefined {
  try {
    return labKubernetesPlan(layout, { versions: kubernetesVersions(), containerd: findProgram('containerd') ?? 'containerd' });
  } catch {
    return undefined;
  }
}

/** kubernetesPidsOf: every process of the lab's Kubernetes (daemons, shims, pods); none for a lab that cannot run it. */
export function kubernetesPidsOf(layout: LabLayout): number[] {
  const plan = kubernetesPlanIfDerivable(layout);
  return plan ? kubernetesPids(plan) : [];
}

/** kubernetesLeftovers: what of the lab's Kubernetes still exists, one human line each (lab/leftovers.ts). */
export async function kubernetesLeftovers(layout: LabLayout): Promise<string[]> {
  const plan = kubernetesPlanIfDerivable(layout);
  if (!plan) return [];
  const leftovers: string[] = [];
  for (const p of kubernetesDaemons(plan.dir)) leftovers.push(`Kubernetes process ${p.pid}: ${p.argv.join(' ')}`);
  for (const p of kubernetesShims(plan.dir)) leftovers.push(`containerd shim ${p.pid}: ${p.argv.join(' ')}`);
  for (const pid of podPids(plan)) leftovers.push(`pod process ${pid} in a lab node's cgroup`);
  for (const point of mountsUnder([plan.dir])) leftovers.push(`mount ${point}`);
  for (const node of plan.nodes) for (const dir of cgroupDirs(node.cgroupRoot)) leftovers.push(`cgroup ${dir}`);
  for (const cidr of await podRouteLeftovers(layout, plan)) leftovers.push(`route for pod range ${cidr} in the root namespace`);
  for (const link of containerLogLinks(plan.dir)) leftovers.push(`container log link ${link}`);
  for (const result of cniResults(plan.dir)) leftovers.push(`CNI result cache entry ${result}`);
  if (existsSync(plan.dir)) leftovers.push(`Kubernetes directory ${plan.dir}`);
  return leftovers;
}
