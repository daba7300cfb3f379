/**
 * findLabLeftovers: everything of the lab that still exists, one human line each. After `lab down` it must be
 * empty; tests and `scs-chaos sweep` use it to prove that nothing of the lab was left behind.
 */
import { existsSync } from 'node:fs';
import type { Environment } from '../src/model/environment';
import { allNamespaces, labLayout } from './layout';
import { listLinks, listNamespaces, otherLabsInRange, unreachableRoutePresent } from './network';
import { labProcesses } from './processes';
import { mountedDataVolumes } from './data-volumes';
import { labCephProcesses } from './ceph/cluster';
import { resolvConfLeftovers } from './dns';
import { kubernetesLeftovers } from './kubernetes/lab-hooks';
import { labOpenstackProcesses } from './openstack/control-plane';

/** findLabLeftovers lists what of the lab described by `env` still exists; an empty array means clean. */
export async function findLabLeftovers(env: Environment): Promise<string[]> {
  const layout = labLayout(env);
  const leftovers: string[] = [];
  const [namespaces, links, routePresent] = await Promise.all([listNamespaces(), listLinks(), unreachableRoutePresent(layout)]);
  for (const target of allNamespaces(layout)) {
    if (namespaces.has(target.namespace)) leftovers.push(`network namespace ${target.namespace} (${target.name})`);
    const master = links.get(target.veth);
    // A veth of the same name on another lab's bridge is that lab's (network.ts refuseForeignLink).
    if (links.has(target.veth) && (master === undefined || master === layout.spec.bridge)) leftovers.push(`veth ${target.veth} (${target.name}) in the root namespace`);
  }
  const { bridge, unreachableRange, runDir } = layout.spec;
  if (links.has(bridge)) leftovers.push(`bridge ${bridge}`);
  for (const [name, master] of links) {
    if (master === bridge && !allNamespaces(layout).some((target) => target.veth === name)) leftovers.push(`interface ${name} attached to bridge ${bridge}`);
  }
  // Another lab on this machine still needs the shared unreachable route (network.ts removeUnreachableRoute).
  if (routePresent && !(await otherLabsInRange(layout))) leftovers.push(`unreachable route for ${unreachableRange} in the root namespace`);
  for (const mountPoint of await mountedDataVolumes(layout)) leftovers.push(`mount ${mountPoint}`);
  if (existsSync(runDir)) leftovers.push(`run directory ${runDir}`);
  leftovers.push(...resolvConfLeftovers(layout));
  for (const process of labProcesses(layout)) leftovers.push(`process ${process.pid}: ${process.argv.join(' ')}`);
  for (const process of labCephProcesses(layout)) leftovers.push(`Ceph process ${process.pid}: ${process.argv.join(' ')}`);
  for (const process of labOpenstackProcesses(layout)) leftovers.push(`OpenStack process ${process.pid}: ${process.argv.join(' ').slice(0, 300)}`);
  leftovers.push(...(await kubernetesLeftovers(layout)));
  return leftovers;
}
