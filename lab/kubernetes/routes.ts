/**
 * Pod networking between the lab's namespaces: every node namespace forwards (its pods sit behind its CNI bridge),
 * and every pod range is routed via its node's address — from the other nodes (pod to pod), from the edge and the
 * control namespace (haproxy, the lab's DNS and the API server answer pods), and from the host (probes, tests).
 * No NAT anywhere: a pod's address is what every lab namespace sees. All routes stay inside the lab's unreachable
 * range, so none can lead off the machine. `ip route replace` throughout: idempotent, and a node made later fills
 * in routes both ways.
 */
import { runChecked, runCommand } from '../../src/executors/command';
import type { LabLayout } from '../layout';
import { allNamespaces } from '../layout';
import { toolPath } from '../tools';
import type { LabKubernetesPlan } from './plan';
import { kubernetesToolPath } from './tools';

interface IpRoute {
  dst?: string;
  dev?: string;
  gateway?: string;
}

/** ensurePodRoutes: forwarding on in the node namespaces, pod-range routes in the host and every lab namespace. */
export async function ensurePodRoutes(layout: LabLayout, plan: LabKubernetesPlan): Promise<void> {
  const ip = toolPath('ip');
  for (const node of plan.nodes) {
    const existing = JSON.parse((await runChecked([ip, '-j', 'route', 'show', 'exact', node.podCidr])) || '[]') as IpRoute[];
    const foreign = existing.filter((route) => route.dev !== layout.spec.bridge);
    if (foreign.length > 0) {
      throw new Error(`the root namespace already routes ${node.podCidr} (pods of ${node.node.name}) elsewhere (${JSON.stringify(foreign)}): another lab's Kubernetes? Its block must differ: change lab.subnet`);
    }
  }
  await Promise.all(plan.nodes.map((node) => runChecked([kubernetesToolPath('nsenter'), `--net=/run/netns/${node.node.namespace}`, kubernetesToolPath('sysctl'), '-qw', 'net.ipv4.ip_forward=1'], { timeoutMs: 10_000 })));
  const namespaces = allNamespaces(layout);
  const routes: string[][] = [];
  for (const pods of plan.nodes) {
    routes.push([ip, 'route', 'replace', pods.podCidr, 'via', pods.node.address, 'dev', layout.spec.bridge]);
    for (const target of namespaces) {
      if (target.namespace === pods.node.namespace) continue;
      routes.push([ip, '-n', target.namespace, 'route', 'replace', pods.podCidr, 'via', pods.node.address, 'dev', 'eth0']);
    }
  }
  const present = new Set((await runChecked([ip, 'netns', 'list'])).split('\n').map((line) => line.split(' ')[0]));
  await Promise.all(routes.filter((argv) => argv[1] !== '-n' || present.has(argv[2])).map((argv) => runChecked(argv, { timeoutMs: 10_000 })));
}

/** removePodRoutes deletes the host's pod-range routes (the namespaces' go with the namespaces). */
export async function removePodRoutes(layout: LabLayout, plan: LabKubernetesPlan): Promise<void> {
  for (const cidr of await podRouteLeftovers(layout, plan)) await runCommand([toolPath('ip'), 'route', 'del', cidr, 'dev', layout.spec.bridge], { timeoutMs: 10_000 });
}

/** podRouteLeftovers: the pod ranges the host still routes over the lab bridge. */
export async function podRouteLeftovers(layout: LabLayout, plan: LabKubernetesPlan): Promise<string[]> {
  const result = await runCommand([toolPath('ip'), '-j', 'route', 'show', 'dev', layout.spec.bridge], { timeoutMs: 10_000 });
  if (result.code !== 0) return []; // no bridge, no routes over it
  const routes = JSON.parse(result.stdout || '[]') as IpRoute[];
  const cidrs = new Set(plan.nodes.map((node) => node.podCidr));
  return routes.map((route) => route.dst ?? '').filter((dst) => cidrs.has(dst));
}
