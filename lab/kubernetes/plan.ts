/**
 * The lab's Kubernetes as a plan: every path, address, certificate, program and generated file, derived from the
 * lab layout and the settings (lab/kubernetes/settings.ts). Pure: nothing is touched here; lab/kubernetes/cluster.ts
 * carries it out. Decision and reasons: docs/decisions/0100-kubernetes-in-the-lab.md.
 *
 * Where everything runs:
 *   1. etcd (on the control namespace's loopback), kube-apiserver (<control address>:6443), kube-controller-manager
 *      and kube-scheduler in the control namespace, under a supervisord of their own.
 *   2. In every node namespace, under a supervisord of its own: containerd (own root, state and socket), the
 *      kubelet (node name = lab node name, node IP = the node's address, cgroup root `/<node namespace>` in every
 *      cgroup v1 hierarchy) and kube-proxy (iptables mode; its rules live in the node namespace).
 *   3. Every file under `<runDir>/kubernetes/`: certificates, kubeconfigs, configs, etcd's data, containerd's and
 *      the kubelet's state, pod logs, CNI IPAM state. Every daemon's command line names a file there: that is how
 *      `lab down` and the leftover check recognise the lab's Kubernetes processes.
 * The Kubernetes supervisords run in their namespace's network namespace only (nsenter --net), not in the private
 * mount namespace of `ip netns exec`: the kubelet and containerd need the host's /sys/fs/cgroup, must see each
 * other's mounts, and `lab down` must see (and unmount) them.
 */
import { join } from 'node:path';
import type { LabKubernetesNetwork, LabLayout, LabNamespace, LabNode } from '../layout';
import { labKubernetesNetwork } from '../layout';
import { resolvConfPath } from '../dns';
import type { SupervisedProgram } from '../supervisor';
import { containerdConfigText, cniConfigText, kubeletConfigText } from './configs';
import type { Certificate, PkiPlan } from './pki';
import {
  API_SERVER_PORT,
  ETCD_CLIENT_PORT,
  ETCD_PEER_PORT,
  KubernetesCache,
  kubernetesCache,
  KubernetesVersions,
  LAB_KUBERNETES_TIMINGS,
  LabKubernetesTimings,
} from './settings';

/** The subdirectory of the lab's runDir that holds everything of its Kubernetes; the lab runs Kubernetes exactly when it exists. */
export const KUBERNETES_DIR = 'kubernetes';

/** GeneratedFile: a file `lab up` writes (rewritten when its text changed). */
export interface GeneratedFile {
  path: string;
  text: string;
  mode?: number;
}

/** KubernetesSupervisor: one namespace's Kubernetes supervisord, its programs and their files. */
export interface KubernetesSupervisor {
  /** The namespace, with the supervisord files of this supervisord (under `<runDir>/kubernetes/<name>/`). */
  target: LabNamespace;
  programs: SupervisedProgram[];
  files: GeneratedFile[];
}

/** KubernetesNodePlan: one lab node as a Kubernetes node. */
export interface KubernetesNodePlan {
  node: LabNode;
  podCidr: string;
  podGateway: string;
  dir: string;
  containerdSocket: string;
  /** containerd's state directory (task bundles: where it records its shims' sockets). */
  containerdState: string;
  /** The kubelet's cgroup root, created in every cgroup v1 hierarchy before it starts: `/<node namespace>`. */
  cgroupRoot: string;
  /** Directories the node's containerd and kubelet mount things under (overlay rootfs, pod netns, volumes). */
  mountRoots: string[];
  /** The kubelet's pod log directory: /var/log/containers links of this node point into it. */
  podLogsDir: string;
  supervisor: KubernetesSupervisor;
}

/** LabKubernetesPlan: the whole cluster. */
export interface LabKubernetesPlan {
  dir: string;
  versions: KubernetesVersions;
  cache: KubernetesCache;
  network: LabKubernetesNetwork;
  timings: LabKubernetesTimings;
  apiServerUrl: string;
  /** The cluster's name in every kubeconfig. */
  clusterName: string;
  pki: PkiPlan;
  adminKubeconfig: string;
  /** What a later Kubernetes target kind reads (lab/kubernetes/cluster-info.ts). */
  clusterInfoPath: string;
  /** Host paths the kubelet and libcni hardcode; which of them `lab up` found is recorded here (lab down removes the others). */
  preexistingRecord: string;
  control: KubernetesSupervisor;
  nodes: KubernetesNodePlan[];
}

/** kubernetesDirOf: `<runDir>/kubernetes`. */
export function kubernetesDirOf(layout: LabLayout): string {
  return join(layout.spec.runDir, KUBERNETES_DIR);
}

/** PlanInputs: what the plan needs from outside the layout. */
export interface PlanInputs {
  versions: KubernetesVersions;
  /** Where build.sh put the binaries and images (default: the user's cache for the version). */
  cache?: KubernetesCache;
  /** Absolute path of Debian's containerd (lab/kubernetes/tools.ts finds it). */
  containerd: string;
}

/** labKubernetesPlan derives the cluster from the layout; throws naming the setting when the lab cannot run it. */
export function labKubernetesPlan(layout: LabLayout, inputs: PlanInputs): LabKubernetesPlan {
  const { versions } = inputs;
  const cache = inputs.cache ?? kubernetesCache(versions.kubernetes);
  if (!layout.control) throw new Error('lab up --with kubernetes needs a control namespace for the control plane: add lab.control (namespace, address) to the environment file');
  const network = labKubernetesNetwork(layout);
  const dir = kubernetesDirOf(layout);
  const timings = LAB_KUBERNETES_TIMINGS;
  const apiServerUrl = `https://${layout.control.address}:${API_SERVER_PORT}`;
  const clusterName = `scs-chaos-${layout.control.namespace}`;
  const pki: PkiPlan = { dir: join(dir, 'pki'), certificates: certificates(layout, network) };
  const bin = (name: string): string => join(cache.bin, name);
  const key = (name: string): string => join(pki.dir, `${name}.key`);
  const crt = (name: string): string => join(pki.dir, `${name}.crt`);
  const kubeconfig = (user: string): string => join(pki.dir, `${user}.kubeconfig`);

  const controlDir = join(dir, 'control');
  const etcdUrl = `http://127.0.0.1:${ETCD_CLIENT_PORT}`;
  const peerUrl = `http://127.0.0.1:${ETCD_PEER_PORT}`;
  const log = (name: string): string => join(controlDir, `${name}.log`);
  // Config order is stop order reversed: supervisord stops the last program first (scheduler ... etcd last, after
  // the API server has let go of it; etcd otherwise waits seconds for the open streams).
  const controlPrograms: SupervisedProgram[] = [
    {
      name: 'etcd',
      argv: [bin('etcd'), '--name', 'lab', '--data-dir', join(controlDir, 'etcd'), '--unsafe-no-fsync', '--log-level', 'warn',
        '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl, '--listen-peer-urls', peerUrl,
        '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `lab=${peerUrl}`],
      logFile: log('etcd'),
    },
    {
      name: 'kube-apiserver',
      argv: [bin('kube-apiserver'), '--etcd-servers', etcdUrl, '--bind-address', layout.control.address, '--advertise-address', layout.control.address,
        '--secure-port', String(API_SERVER_PORT), '--tls-cert-file', crt('apiserver'), '--tls-private-key-file', key('apiserver'),
        '--client-ca-file', crt('ca'), '--kubelet-client-certificate', crt('apiserver-kubelet-client'), '--kubelet-client-key', key('apiserver-kubelet-client'),
        '--kubelet-preferred-address-types', 'InternalIP', '--service-account-issuer', 'https://kubernetes.default.svc',
        '--service-account-key-file', join(pki.dir, 'sa.pub'), '--service-account-signing-key-file', key('sa'),
        '--service-cluster-ip-range', network.serviceCidr, '--authorization-mode', 'Node,RBAC', '--allow-privileged',
        // Pods leave a NotReady/unreachable node this long after the taint (Kubernetes' default: 300 s).
        '--default-not-ready-toleration-seconds', String(timings.notReadyTolerationSeconds),
        '--default-unreachable-toleration-seconds', String(timings.unreachableTolerationSeconds)],
      logFile: log('kube-apiserver'),
    },
    {
      name: 'kube-controller-manager',
      argv: [bin('kube-controller-manager'), '--kubeconfig', kubeconfig('kube-controller-manager'), '--bind-address', '127.0.0.1', '--leader-elect=false',
        '--use-service-account-credentials', '--service-account-private-key-file', key('sa'), '--root-ca-file', crt('ca'),
        '--cluster-signing-cert-file', crt('ca'), '--cluster-signing-key-file', key('ca'),
        '--node-monitor-grace-period', `${timings.nodeMonitorGracePeriodSeconds}s`, '--node-monitor-period', `${timings.nodeMonitorPeriodSeconds}s`],
      logFile: log('kube-controller-manager'),
    },
    {
      name: 'kube-scheduler',
      argv: [bin('kube-scheduler'), '--kubeconfig', kubeconfig('kube-scheduler'), '--bind-address', '127.0.0.1', '--leader-elect=false'],
      logFile: log('kube-scheduler'),
    },
  ];
  const control: KubernetesSupervisor = { target: supervisorTarget(layout.control, controlDir), programs: controlPrograms, files: [] };

  const nodes = layout.nodes.map((node, i): KubernetesNodePlan => {
    const pods = network.pods[i];
    if (!pods) throw new Error(`no pod range for lab node ${node.name}`);
    const nodeDir = join(dir, node.name);
    const containerdSocket = join(nodeDir, 'containerd.sock');
    const paths = {
      containerdRoot: join(nodeDir, 'containerd'),
      containerdState: join(nodeDir, 'containerd-state'),
      kubeletRoot: join(nodeDir, 'kubelet'),
      podLogsDir: join(nodeDir, 'pod-logs'),
      cniConfDir: join(nodeDir, 'cni'),
      ipamDir: join(nodeDir, 'cni-ipam'),
    };
    const files: GeneratedFile[] = [
      { path: join(nodeDir, 'containerd.toml'), text: containerdConfigText({ ...paths, socket: containerdSocket, optDir: join(nodeDir, 'opt'), runcRoot: join(paths.containerdState, 'runc'), pauseImage: versions.pauseImage }) },
      { path: join(paths.cniConfDir, '10-lab.conflist'), text: cniConfigText({ name: `scs-chaos-${node.namespace}`, podCidr: pods.cidr, ipamDir: paths.ipamDir }) },
      {
        path: join(nodeDir, 'kubelet.yaml'),
        text: kubeletConfigText({
          address: node.address, caFile: crt('ca'), containerdSocket, cgroupRoot: `/${node.namespace}`, podLogsDir: paths.podLogsDir,
          volumePluginDir: join(nodeDir, 'volume-plugins'), resolvConf: resolvConfPath(node.namespace), timings,
        }),
      },
    ];
    const programs: SupervisedProgram[] = [
      { name: 'containerd', argv: [inputs.containerd, '--config', join(nodeDir, 'containerd.toml')], logFile: join(nodeDir, 'containerd.log') },
      {
        name: 'kubelet',
        argv: [bin('kubelet'), '--config', join(nodeDir, 'kubelet.yaml'), '--kubeconfig', kubeconfig(`node-${node.name}`), '--root-dir', paths.kubeletRoot,
          '--cert-dir', join(paths.kubeletRoot, 'pki'), '--hostname-override', node.name, '--node-ip', node.address, '--v=1'],
        logFile: join(nodeDir, 'kubelet.log'),
      },
      {
        name: 'kube-proxy',
        // conntrack settings 0: kube-proxy leaves the host-wide conntrack sysctls alone (it runs in a node namespace).
        argv: [bin('kube-proxy'), '--kubeconfig', kubeconfig('kube-proxy'), '--hostname-override', node.name, '--proxy-mode', 'iptables',
          '--cluster-cidr', network.block, '--conntrack-max-per-core', '0', '--conntrack-tcp-timeout-established', '0',
          '--conntrack-tcp-timeout-close-wait', '0', '--v=1'],
        logFile: join(nodeDir, 'kube-proxy.log'),
      },
    ];
    return {
      node,
      podCidr: pods.cidr,
      podGateway: pods.gateway,
      dir: nodeDir,
      containerdSocket,
      containerdState: paths.containerdState,
      cgroupRoot: `/${node.namespace}`,
      mountRoots: [nodeDir],
      podLogsDir: paths.podLogsDir,
      supervisor: { target: supervisorTarget(node, nodeDir), programs, files },
    };
  });

  return {
    dir,
    versions,
    cache,
    network,
    timings,
    apiServerUrl,
    clusterName,
    pki,
    adminKubeconfig: join(dir, 'admin.kubeconfig'),
    clusterInfoPath: join(dir, 'cluster.json'),
    preexistingRecord: join(dir, 'preexisting.json'),
    control,
    nodes,
  };
}

/** kubeconfigUsers: the certificate names that get a kubeconfig in the PKI directory (the admin's is `admin.kubeconfig`). */
export function kubeconfigUsers(plan: LabKubernetesPlan): string[] {
  return ['kube-controller-manager', 'kube-scheduler', 'kube-proxy', ...plan.nodes.map((n) => `node-${n.node.name}`)];
}

/** A namespace's Kubernetes supervisord: same namespace, its files in `dir`. */
function supervisorTarget(namespace: LabNamespace, dir: string): LabNamespace {
  return {
    ...namespace,
    name: `kubernetes-${namespace.name}`,
    dir,
    supervisorConfig: join(dir, 'supervisord.conf'),
    supervisorSocket: join(dir, 'supervisor.sock'),
    supervisorPidFile: join(dir, 'supervisord.pid'),
    supervisorLog: join(dir, 'supervisord.log'),
  };
}

function certificates(layout: LabLayout, network: LabKubernetesNetwork): Certificate[] {
  const control = layout.control?.address ?? '';
  const serviceNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'];
  return [
    { name: 'apiserver', subject: '/CN=kube-apiserver', altNames: [...serviceNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1', `IP:${control}`, `IP:${network.apiServiceAddress}`] },
    { name: 'apiserver-kubelet-client', subject: '/O=system:masters/CN=kube-apiserver-kubelet-client' },
    { name: 'admin', subject: '/O=system:masters/CN=scs-chaos-admin' },
    { name: 'kube-controller-manager', subject: '/CN=system:kube-controller-manager' },
    { name: 'kube-scheduler', subject: '/CN=system:kube-scheduler' },
    { name: 'kube-proxy', subject: '/CN=system:kube-proxy' },
    ...layout.nodes.map((node) => ({ name: `node-${node.name}`, subject: `/O=system:nodes/CN=system:node:${node.name}` })),
  ];
}
