/**
 * `lab status` for the lab's Kubernetes (only while it runs one): its daemons, what the API server says about the
 * nodes and the web Deployment, and what haproxy says about the web Service on the edge. Read-only; one human line
 * per problem.
 */
import type { LabLayout } from '../layout';
import { haproxyCommand } from '../haproxy-state';
import { listProcesses, ProcessInfo } from '../processes';
import { Deployment, labApi, NodeList, nodeReady } from './api';
import { kubernetesBackendStates, kubernetesEdgeUrl } from './haproxy';
import type { LabKubernetesPlan } from './plan';
import { WEB_NAME, WEB_NAMESPACE } from './settings';

/** LabKubernetesStatus: the cluster as `lab status` shows it. */
export interface LabKubernetesStatus {
  version: string;
  server: string;
  kubeconfig: string;
  /** "etcd", "kube-apiserver", ..., "node-1/kubelet", ... with the pid running it (null when none runs). */
  daemons: Array<{ daemon: string; namespace: string; pid: number | null }>;
  /** Each lab node's Ready condition as the API server has it ("True", "False", "Unknown", "absent"); empty when it could not be asked. */
  nodes: Record<string, string>;
  /** The web Deployment's available replicas out of its replicas; null when it could not be read. */
  web: { available: number; replicas: number } | null;
  /** haproxy's state of each node in the Kubernetes web backend on the edge. */
  edge: Record<string, string>;
  edgeUrl: string;
}

/** kubernetesStatus reads the cluster; problems go to `problems`. */
export async function kubernetesStatus(layout: LabLayout, plan: LabKubernetesPlan, problems: string[], processes: ProcessInfo[] = listProcesses()): Promise<LabKubernetesStatus> {
  const pidOf = (argv: string[]): number | null => processes.find((p) => p.argv.length === argv.length && p.argv.every((a, i) => a === argv[i]))?.pid ?? null;
  const daemons = [
    ...plan.control.programs.map((p) => ({ daemon: p.name, namespace: plan.control.target.namespace, pid: pidOf(p.argv) })),
    ...plan.nodes.flatMap((n) => n.supervisor.programs.map((p) => ({ daemon: `${n.node.name}/${p.name}`, namespace: n.node.namespace, pid: pidOf(p.argv) }))),
  ];
  for (const d of daemons) if (d.pid === null) problems.push(`kubernetes: ${d.daemon} is not running (namespace ${d.namespace})`);
  const status: LabKubernetesStatus = { version: plan.versions.kubernetes, server: plan.apiServerUrl, kubeconfig: plan.adminKubeconfig, daemons, nodes: {}, web: null, edge: {}, edgeUrl: kubernetesEdgeUrl(layout) };
  try {
    const api = labApi(plan);
    const list = await api.get<NodeList>('/api/v1/nodes', 3000);
    for (const n of plan.nodes) {
      const ready = nodeReady(list.items.find((item) => item.metadata.name === n.node.name) ?? { metadata: { name: n.node.name } });
      status.nodes[n.node.name] = ready;
      if (ready !== 'True') problems.push(`kubernetes: node ${n.node.name} is Ready=${ready}`);
    }
    const deployment = await api.get<Deployment>(`/apis/apps/v1/namespaces/${WEB_NAMESPACE}/deployments/${WEB_NAME}`, 3000);
    status.web = { available: deployment.status?.availableReplicas ?? 0, replicas: deployment.spec?.replicas ?? 0 };
    if (status.web.available < status.web.replicas) problems.push(`kubernetes: Deployment ${WEB_NAME} has ${status.web.available}/${status.web.replicas} replicas available`);
  } catch (error) {
    problems.push(`kubernetes: the API server ${plan.apiServerUrl} did not answer: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    status.edge = kubernetesBackendStates(await haproxyCommand(layout.edge.statsSocket, 'show stat'));
    for (const n of plan.nodes) if (status.edge[n.node.name] !== 'UP') problems.push(`kubernetes: haproxy reports ${WEB_NAME} on ${n.node.name}'s NodePort as ${status.edge[n.node.name] ?? 'absent'}`);
  } catch (error) {
    problems.push(`kubernetes: ${(error as Error).message}`);
  }
  return status;
}
