/**
 * The lab's Kubernetes settings: versions (lab/kubernetes/versions.env, shared with build.sh), the build cache,
 * ports, and the lab-sized timings. Defaults of the lab, not of the environment file: `lab up --with kubernetes`
 * records what it used in `<runDir>/kubernetes/cluster.json` (lab/kubernetes/cluster-info.ts), which is what the
 * framework reads. Decision and reasons: docs/decisions/0100-kubernetes-in-the-lab.md.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** KubernetesVersions: what build.sh builds and the images it makes (versions.env). */
export interface KubernetesVersions {
  kubernetes: string;
  etcd: string;
  pauseImage: string;
  busyboxImage: string;
  clusterApi: string;
}

/** versionsOf parses versions.env (KEY=VALUE lines, # comments); throws naming a missing key. */
export function versionsOf(text: string, source = 'versions.env'): KubernetesVersions {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(\S+)\s*$/.exec(line.trim());
    if (match?.[1] && match[2]) values.set(match[1], match[2]);
  }
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`${source} has no ${key}=`);
    return value;
  };
  return { kubernetes: get('KUBERNETES_VERSION'), etcd: get('ETCD_VERSION'), pauseImage: get('PAUSE_IMAGE'), busyboxImage: get('BUSYBOX_IMAGE'), clusterApi: get('CLUSTER_API_VERSION') };
}

/** VERSIONS_FILE: the one place the versions are written down. */
export const VERSIONS_FILE = join(__dirname, 'versions.env');
/** BUILD_SCRIPT: builds the binaries and images into the cache (`bash lab/kubernetes/build.sh`). */
export const BUILD_SCRIPT = join(__dirname, 'build.sh');

export function kubernetesVersions(): KubernetesVersions {
  return versionsOf(readFileSync(VERSIONS_FILE, 'utf8'), VERSIONS_FILE);
}

/** The programs build.sh puts into `<cache>/bin`. */
export const KUBERNETES_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl', 'pause'] as const;
export type KubernetesBinary = (typeof KUBERNETES_BINARIES)[number];
/** The OCI tarballs build.sh puts into `<cache>/images`. */
export const KUBERNETES_IMAGES = ['pause', 'busybox'] as const;

/** KubernetesCache: where build.sh keeps one version's binaries and images. */
export interface KubernetesCache {
  dir: string;
  bin: string;
  images: string;
  /** Cluster API CRDs (YAML), by Cluster API version: crds/cluster-api-<version>/. */
  crds: string;
}

/** The Cluster API CRDs build.sh copies from the module (config/crd/bases/<file>). */
export const CLUSTER_API_CRDS = ['clusters', 'machines', 'machinesets', 'machinedeployments', 'machinehealthchecks'].map((kind) => `cluster.x-k8s.io_${kind}.yaml`);

/**
 * kubernetesCache: `${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/kubernetes/<version>` (build.sh computes the same;
 * SCS_CHAOS_KUBERNETES_CACHE replaces the part before `<version>` in both).
 */
export function kubernetesCache(version: string, env: NodeJS.ProcessEnv = process.env): KubernetesCache {
  const base = env.SCS_CHAOS_KUBERNETES_CACHE || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'scs-chaos', 'kubernetes');
  const dir = join(base, version);
  return { dir, bin: join(dir, 'bin'), images: join(dir, 'images'), crds: join(dir, 'crds') };
}

/**
 * LabKubernetesTimings: lab-sized failure detection (Kubernetes' defaults: grace 40 s, lease 40 s, tolerations
 * 300 s). Measured with them (reference cluster, 2 cores): a cut-off node is NotReady after ~8 s, its pods are
 * evicted after ~13 s and Ready elsewhere after ~14-15 s.
 */
export interface LabKubernetesTimings {
  /** controller-manager --node-monitor-grace-period: NotReady/Unknown this long after the last heartbeat. */
  nodeMonitorGracePeriodSeconds: number;
  /** controller-manager --node-monitor-period: how often the node lifecycle controller looks. */
  nodeMonitorPeriodSeconds: number;
  /** kubelet nodeLeaseDurationSeconds (the lease is renewed every quarter of it). */
  nodeLeaseDurationSeconds: number;
  /** kubelet nodeStatusUpdateFrequency / nodeStatusReportFrequency. */
  nodeStatusUpdateSeconds: number;
  /** kube-apiserver --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds. */
  notReadyTolerationSeconds: number;
  unreachableTolerationSeconds: number;
}

export const LAB_KUBERNETES_TIMINGS: LabKubernetesTimings = {
  nodeMonitorGracePeriodSeconds: 8,
  nodeMonitorPeriodSeconds: 1,
  nodeLeaseDurationSeconds: 4,
  nodeStatusUpdateSeconds: 4,
  notReadyTolerationSeconds: 5,
  unreachableTolerationSeconds: 5,
};

/** Ports. The control plane's are in the control namespace, the nodes' in each node namespace (no clash). */
export const API_SERVER_PORT = 6443;
/** etcd listens on the control namespace's loopback only: nothing but the API server talks to it. */
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** The web Service's NodePort on every node: the edge's haproxy balances over it. */
export const WEB_NODE_PORT = 30080;
/** The web pods' httpd port (inside each pod). */
export const WEB_POD_PORT = 8080;
/** haproxy's frontend for the Kubernetes web Service on the edge address (the lab's own web stays on httpPort). */
export const WEB_EDGE_PORT = 8080;

/** The web workload: a Deployment and a NodePort Service in the default namespace. */
export const WEB_NAMESPACE = 'default';
/** Where the kube-node executors of lab-kube-node.yaml run their helper pods. */
export const NODE_POD_NAMESPACE = 'scs-chaos';
export const WEB_NAME = 'web';

/**
 * The Kubernetes block of a lab: a /20 in the same /16 as the lab subnet, 8 /20-blocks (half the /16) away from
 * the subnet's own: its first /24 holds the Services, node i (1-based) gets the i-th /24 after it as pod CIDR.
 * The default lab (198.18.0.0/24) gets 198.18.128.0/20; a lab at 198.19.20.0/24 gets 198.19.144.0/20.
 */
export const KUBERNETES_BLOCK_PREFIX = 20;
export const KUBERNETES_BLOCK_OFFSET = 8;
export const POD_CIDR_PREFIX = 24;
