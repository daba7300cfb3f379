/**
 * The Kubernetes kind's section of the environment file (`kubernetes:`): which kubeconfig and context reach the
 * cluster, which namespaces faults may touch, and how long one API request may take.
 *
 *   kubernetes:
 *     kubeconfig: /run/scs-chaos-lab/kubernetes/admin.kubeconfig   # or "in-cluster"; default $KUBECONFIG, ~/.kube/config
 *     context: lab                                                   # default: the kubeconfig's current context
 *     namespaces: [scs-chaos-lab]                                    # allow-list; kube-system only when listed
 *     requestTimeout: 10s
 *     runtimeSocket: /run/containerd/containerd.sock                 # containerd on each node ({node}: its name), for container kills
 *     clusterApi: { kubeconfig: /etc/scs/mgmt.kubeconfig, context: mgmt }  # where the Machines live (default: this cluster)
 */
import type { Environment } from '../../model/environment';
import type { EnvironmentSection } from '../../core/kinds';
import type { EnvironmentReader } from '../../environment/reader';

declare module '../../model/environment' {
  interface EnvironmentSections {
    kubernetes?: KubernetesSpec;
  }
}

export interface KubernetesSpec {
  /** Absolute path of the kubeconfig, "in-cluster" (the pod's service account), or undefined ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  context?: string;
  /** Namespaces faults may touch; nothing else is ever a target. */
  namespaces: string[];
  requestTimeoutMs: number;
  /** containerd's socket on a node (`{node}` is replaced by the node's name); container kills go through it. */
  runtimeSocket: string;
  /** The Cluster API management cluster (Machines, MachineHealthChecks); undefined: the same cluster. */
  clusterApi?: { kubeconfig?: string; context?: string };
}

export const DEFAULT_RUNTIME_SOCKET = '/run/containerd/containerd.sock';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 5 * 60_000;

function readKubernetes(r: EnvironmentReader, value: unknown): KubernetesSpec {
  const map = r.map(value, 'kubernetes', 'kubernetes is a mapping with namespaces (and kubeconfig, context, requestTimeout)');
  const namespacesNode = r.get(map, 'namespaces', true);
  const namespaces = r.stringList(namespacesNode, 'kubernetes namespaces');
  if (namespaces.length === 0) throw r.error(namespacesNode, 'kubernetes namespaces is empty, so no fault could touch anything', 'list the namespaces faults may touch, e.g. namespaces: [scs-chaos-lab]');
  for (const namespace of namespaces) {
    if (!NAMESPACE.test(namespace) || namespace.length > 63) throw r.error(namespacesNode, `kubernetes namespace "${namespace}" is not a namespace name`, 'use lower-case letters, digits and "-", at most 63 characters');
  }
  const spec: KubernetesSpec = { namespaces, requestTimeoutMs: DEFAULT_TIMEOUT_MS, runtimeSocket: DEFAULT_RUNTIME_SOCKET };
  const socket = r.optionalString(map, 'runtimeSocket');
  if (socket !== undefined) {
    if (!socket.startsWith('/')) throw r.error(r.get(map, 'runtimeSocket', true), `kubernetes runtimeSocket "${socket}" is not an absolute path`, 'write the path of containerd\'s socket on the nodes, e.g. runtimeSocket: /run/containerd/containerd.sock');
    spec.runtimeSocket = socket;
  }
  const kubeconfig = r.optionalString(map, 'kubeconfig');
  if (kubeconfig !== undefined) spec.kubeconfig = r.kubeconfigPath(kubeconfig);
  const context = r.optionalString(map, 'context');
  if (context !== undefined) spec.context = context;
  const timeout = r.optionalDuration(map, 'requestTimeout');
  if (timeout !== undefined) {
    if (timeout < 100 || timeout > MAX_TIMEOUT_MS) throw r.error(r.get(map, 'requestTimeout', true), `kubernetes requestTimeout must be between 100ms and 5m`, 'write e.g. requestTimeout: 10s');
    spec.requestTimeoutMs = timeout;
  }
  const clusterApi = r.get(map, 'clusterApi', false);
  if (clusterApi !== undefined) {
    const capi = r.map(clusterApi, 'kubernetes clusterApi', 'clusterApi is a mapping with kubeconfig and/or context of the management cluster');
    const capiKubeconfig = r.optionalString(capi, 'kubeconfig');
    const capiContext = r.optionalString(capi, 'context');
    spec.clusterApi = { ...(capiKubeconfig === undefined ? {} : { kubeconfig: r.kubeconfigPath(capiKubeconfig) }), ...(capiContext === undefined ? {} : { context: capiContext }) };
  }
  return spec;
}

export const kubernetesSection: EnvironmentSection = {
  key: 'kubernetes',
  read: (reader: EnvironmentReader, value: unknown, env: Environment): KubernetesSpec => {
    const spec = readKubernetes(reader, value);
    // kube-node executors reach this cluster unless they name their own (decision 0155).
    for (const node of env.nodes) {
      const executor = node.executor;
      if (executor.kind !== 'kube-node' || executor.kubeconfig !== undefined) continue;
      if (spec.kubeconfig !== undefined) executor.kubeconfig = spec.kubeconfig;
      if (spec.context !== undefined && executor.context === undefined) executor.context = spec.context;
    }
    return spec;
  },
};

/** kubernetesSpecOf: the environment's section, or BadInput-worthy null for the caller to explain. */
export function kubernetesSpecOf(env: Environment): KubernetesSpec | undefined {
  return env.sections.kubernetes;
}
