/**
 * `<runDir>/kubernetes/cluster.json`: what `lab up --with kubernetes` built, for the framework (a Kubernetes target
 * kind reads the kubeconfig and the timings from here) and for people. Written last by `lab up`, so its presence
 * means the cluster came up once; removed with the run directory by `lab down`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabLayout } from '../layout';
import { kubernetesEdgeUrl } from './haproxy';
import type { LabKubernetesPlan } from './plan';
import { LabKubernetesTimings, WEB_NAME, WEB_NAMESPACE, WEB_NODE_PORT, WEB_POD_PORT } from './settings';

/** ClusterInfo: the contents of cluster.json. */
export interface ClusterInfo {
  kubernetesVersion: string;
  etcdVersion: string;
  server: string;
  /** The admin's kubeconfig (certificates embedded); its one context is `context`. */
  kubeconfig: string;
  context: string;
  /** kubectl at the cluster's version (built with it). */
  kubectl: string;
  nodes: Array<{ name: string; namespace: string; address: string; podCidr: string }>;
  network: { block: string; serviceCidr: string; apiServiceAddress: string };
  timings: LabKubernetesTimings;
  web: { namespace: string; deployment: string; service: string; nodePort: number; podPort: number; edgeUrl: string };
  images: { pause: string; busybox: string };
}

export function clusterInfo(layout: LabLayout, plan: LabKubernetesPlan): ClusterInfo {
  return {
    kubernetesVersion: plan.versions.kubernetes,
    etcdVersion: plan.versions.etcd,
    server: plan.apiServerUrl,
    kubeconfig: plan.adminKubeconfig,
    context: plan.clusterName,
    kubectl: join(plan.cache.bin, 'kubectl'),
    nodes: plan.nodes.map((n) => ({ name: n.node.name, namespace: n.node.namespace, address: n.node.address, podCidr: n.podCidr })),
    network: { block: plan.network.block, serviceCidr: plan.network.serviceCidr, apiServiceAddress: plan.network.apiServiceAddress },
    timings: plan.timings,
    web: { namespace: WEB_NAMESPACE, deployment: WEB_NAME, service: WEB_NAME, nodePort: WEB_NODE_PORT, podPort: WEB_POD_PORT, edgeUrl: kubernetesEdgeUrl(layout) },
    images: { pause: plan.versions.pauseImage, busybox: plan.versions.busyboxImage },
  };
}

export async function writeClusterInfo(layout: LabLayout, plan: LabKubernetesPlan): Promise<void> {
  await writeFile(plan.clusterInfoPath, `${JSON.stringify(clusterInfo(layout, plan), null, 2)}\n`, { mode: 0o644 });
}
