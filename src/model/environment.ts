/**
 * The environment: the system under test, as described in experiments/environments/<name>.yaml.
 * These are the validated, typed values; load.ts turns YAML into them and reports bad input by line.
 */

export type ExecutorSpec =
  | { kind: 'local' }
  | { kind: 'netns'; namespace: string }
  | { kind: 'ssh'; host: string; user: string; port: number; identityFile?: string; knownHostsFile?: string }
  /** A network namespace by path (a Kubernetes pod's) on a host reached through `via` (src/executors/nsenter.ts). */
  | { kind: 'nsenter'; via: ExecutorSpec; netns: string }
  /** A Kubernetes node reached through short-lived privileged pods on it (src/executors/kube-node.ts). */
  | KubeNodeSpec;

/** KubeNodeSpec: a Kubernetes node reached without ssh: commands run in the host's namespaces from a pod on it. */
export interface KubeNodeSpec {
  kind: 'kube-node';
  /** The node's name in Kubernetes. */
  node: string;
  /** Where the helper pods run (must allow privileged pods). */
  namespace: string;
  /** The helper pods' image: it needs `nsenter` and `sh` (the scs-chaos image, or busybox). */
  image: string;
  /** The cluster: the kubeconfig path or "in-cluster", and context (default: the environment's `kubernetes:` section). */
  kubeconfig?: string;
  context?: string;
  /** The kubelet's port: commands reach the pod through it, so network faults on the node keep it open. */
  kubeletPort: number;
  /**
   * Whose mount, UTS and IPC namespaces commands enter: a PID ("1", the node's init: a real node) or a process
   * name, taken in the node's network namespace ("containerd": a lab node, where PID 1 belongs to the machine's sandbox).
   */
  hostProcess: string;
}

export interface NodeSpec {
  name: string;
  /** The node's address on the environment's network (in the lab: inside the lab range). */
  address: string;
  /** Roles select nodes in steps ("1 of the web nodes") and place services. */
  roles: string[];
  executor: ExecutorSpec;
}

export interface ServiceSpec {
  name: string;
  /** The service runs on every node that has one of these roles. */
  roles: string[];
  /** TCP port the service's backend listens on, on each node. */
  port: number;
  /** URL through which clients use the service (in the lab: haproxy on the edge). */
  endpoint?: string;
  /** URL of one node's backend; `{address}` and `{node}` are replaced. Used to probe one backend directly. */
  backendUrl?: string;
  /** How to find the service's main process on a node: a `pgrep -f` pattern; `{node}` is replaced. */
  processMatch?: string;
  /** Supervisor program that keeps the service running (lab); `{node}` in the config path is replaced. */
  supervisor?: { program: string; config: string };
  /** systemd unit that runs the service on real hosts (e.g. "haproxy.service"); used when there is no supervisor. */
  systemdUnit?: string;
}

export interface ScopeSpec {
  /** Nodes that may be touched. Anything else is refused at plan time. */
  nodes: string[];
  /** Blast radius: never more than this many nodes faulted at the same time. */
  maxNodesAtOnce: number;
  /** Whether scenarios tagged @destructive may run here. */
  allowDestructive: boolean;
  /**
   * The longest a fault may be held (`scope.maxFaultDuration`, default 30m, at most 24h): a longer fault duration
   * is refused at plan time, and a fault's TTL may exceed it by at most defaults.faultTtlGrace.
   */
  maxFaultDurationMs: number;
}

export interface Defaults {
  /** How long past its planned end a fault may live before the node removes it by itself (TTL = duration + grace). */
  faultTtlGraceMs: number;
  /** HTTP probe rate when a step gives none. */
  probeRateHz: number;
  /** HTTP probe timeout: a request slower than this counts as failed. */
  probeTimeoutMs: number;
  /** Recovery: the SLO must hold continuously this long before the service counts as recovered. */
  stabilizationMs: number;
}

/** The built-in lab's own settings (only in the lab environment). */
export interface LabSpec {
  /** Linux bridge joining the lab namespaces (lives in the root namespace). */
  bridge: string;
  /** The lab's subnet in CIDR notation; every lab address is inside it. */
  subnet: string;
  /** Address of the host (root namespace) on the bridge, so the runner can reach lab addresses. */
  hostAddress: string;
  /** Range that gets an `unreachable` route in the root namespace: no lab packet can leave the machine. */
  unreachableRange: string;
  /** Directory for the lab's generated configs, sockets, logs and pid files. */
  runDir: string;
  edge: {
    namespace: string;
    address: string;
    /** haproxy's frontend port for the web service. */
    httpPort: number;
  };
  /**
   * The control namespace (Ceph's monitor and manager); created only when the lab runs Ceph
   * (`lab up --with ceph`). Absent: the lab cannot run Ceph.
   */
  control?: { namespace: string; address: string };
  /** Prefix of the root-namespace veth ends ("scs-l-" when absent): a second lab on the same host needs its own. */
  vethPrefix?: string;
}

/**
 * EnvironmentSections: the target kinds' sections by key. Each kind declares its own key by module augmentation
 * (`declare module '.../model/environment' { interface EnvironmentSections { ceph?: CephSpec } }`), so the model
 * names no kind and every kind's section is still typed where it is used.
 */
export interface EnvironmentSections {
  [key: string]: unknown;
}

export interface Environment {
  name: string;
  /** The YAML file this came from (absolute path). */
  sourcePath: string;
  nodes: NodeSpec[];
  services: Record<string, ServiceSpec>;
  scope: ScopeSpec;
  defaults: Defaults;
  /** The Prometheus that PromQL probes and SLOs query (in the lab: on the edge). */
  prometheus?: { url: string };
  /**
   * The target kinds' own sections of the file (ceph:, ...), read and validated by each kind (src/core/kinds.ts);
   * a kind types its key by augmenting EnvironmentSections.
   */
  sections: EnvironmentSections;
  lab?: LabSpec;
}
