/**
 * The lab's layout: every concrete name, address and path of the built-in lab, derived from the environment
 * file and a few naming conventions. Nothing else in lab/ invents a name, so `up`, `down`, `status` and the
 * leftover check always agree on what belongs to the lab.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { Environment, LabSpec, ServiceSpec } from '../src/model/environment';
import { Cidr, cidrContains, ipv4ToNumber, numberToIpv4, parseCidr } from './ipv4';
import { KUBERNETES_BLOCK_OFFSET, KUBERNETES_BLOCK_PREFIX, POD_CIDR_PREFIX } from './kubernetes/settings';

/** Linux limits interface names to 15 characters (IFNAMSIZ - 1). */
const MAX_INTERFACE_NAME = 15;
/** Name of the edge in the layout (its run directory, its veth): no node may have it. */
const EDGE_NAME = 'edge';
/** Name of the control namespace in the layout (Ceph's monitor and manager): no node may have it. */
const CONTROL_NAME = 'control';
/** Root-namespace ends of the lab's veth pairs start with this, so they are recognisable in `ip link`. */
const VETH_PREFIX = 'scs-l-';

/** LabService: the one service the lab runs under supervisord on its nodes and balances with haproxy. */
export interface LabService {
  spec: ServiceSpec;
  /** supervisord program name (the service's `supervisor.program`). */
  program: string;
  /** First argument of the backend's command line; `processMatch` and the leftover check find it by this. */
  marker: string;
}

/** LabNamespace: one network namespace of the lab with its veth, address and supervisord files. */
export interface LabNamespace {
  /** Node name, or "edge" for the edge namespace. */
  name: string;
  namespace: string;
  address: string;
  /** Root-namespace end of the veth pair (attached to the bridge); the namespace end is always eth0. */
  veth: string;
  /** Directory of this namespace's generated files, logs, socket and pid file. */
  dir: string;
  supervisorConfig: string;
  supervisorSocket: string;
  supervisorPidFile: string;
  supervisorLog: string;
}

/** LabNode: a node's namespace and whether it runs the lab service. */
export interface LabNode extends LabNamespace {
  runsService: boolean;
  /** Mount point of the node's own small tmpfs (lab/data-volumes.ts): what disk faults fill in the lab. */
  dataDir: string;
}

/** LabEdge: the edge namespace, where haproxy balances the service over the nodes. */
export interface LabEdge extends LabNamespace {
  httpPort: number;
  /** Port of haproxy's second frontend: /metrics (Prometheus) and /stats. */
  metricsPort: number;
  haproxyConfig: string;
  /** haproxy's admin stats socket (`show stat`, `disable server`, ...). */
  statsSocket: string;
}

/** LabLayout: everything the lab creates, by name. */
export interface LabLayout {
  spec: LabSpec;
  /** Prefix length of `spec.subnet`, used for every lab address. */
  prefixLength: number;
  service: LabService;
  nodes: LabNode[];
  edge: LabEdge;
  /** The control namespace (lab.control), where Ceph's monitor and manager run; exists only while the lab runs Ceph. */
  control?: LabNamespace;
}

/** EDGE_METRICS_PORT: haproxy's /metrics and /stats frontend on the edge address (Prometheus' usual haproxy port). */
export const EDGE_METRICS_PORT = 8404;

/** labLayout derives the lab's layout from `env`; throws an Error naming the setting to fix when it is inconsistent. */
export function labLayout(env: Environment): LabLayout {
  const spec = env.lab;
  if (!spec) throw new Error(`environment "${env.name}" (${env.sourcePath}) has no lab block, so it describes no built-in lab`);
  checkRunDir(spec.runDir);
  const subnet = parseCidr(spec.subnet);
  const range = parseCidr(spec.unreachableRange);
  if (!cidrContains(range, subnet.network) || subnet.prefixLength < range.prefixLength) {
    throw new Error(`lab subnet ${spec.subnet} must lie inside lab unreachableRange ${spec.unreachableRange} (${env.sourcePath})`);
  }
  const service = labService(env);
  const nodes = env.nodes.map((node): LabNode => {
    if (node.name === EDGE_NAME || node.name === CONTROL_NAME) throw new Error(`lab node name "${node.name}" is reserved for the ${node.name} namespace; rename the node (${env.sourcePath})`);
    if (node.executor.kind !== 'netns') {
      throw new Error(`lab node ${node.name} must use executor kind netns, not ${node.executor.kind} (${env.sourcePath})`);
    }
    const namespace = namespaceLayout(spec, node.name, node.executor.namespace, node.address);
    return { ...namespace, runsService: node.roles.some((role) => service.spec.roles.includes(role)), dataDir: join(namespace.dir, 'data') };
  });
  const edgeNamespace = namespaceLayout(spec, EDGE_NAME, spec.edge.namespace, spec.edge.address);
  const control = spec.control ? namespaceLayout(spec, CONTROL_NAME, spec.control.namespace, spec.control.address) : undefined;
  const edge: LabEdge = {
    ...edgeNamespace,
    httpPort: spec.edge.httpPort,
    metricsPort: EDGE_METRICS_PORT,
    haproxyConfig: join(edgeNamespace.dir, 'haproxy.cfg'),
    statsSocket: join(spec.runDir, 'haproxy.sock'),
  };
  for (const node of nodes) {
    const config = service.spec.supervisor?.config.replaceAll('{node}', node.name);
    if (config) node.supervisorConfig = config;
    if (!isInsideRunDir(node.supervisorConfig, spec.runDir)) {
      throw new Error(`service ${service.spec.name} supervisor config ${node.supervisorConfig} must lie under lab runDir ${spec.runDir} (${env.sourcePath})`);
    }
  }
  const namespaces = [...nodes, edge, ...(control ? [control] : [])];
  checkAddresses(env, subnet, [spec.hostAddress, ...namespaces.map((n) => n.address)]);
  checkUnique('namespace', namespaces.map((n) => n.namespace), env);
  checkUnique('veth name', namespaces.map((n) => n.veth), env);
  checkEndpoint(env, service.spec, edge);
  return { spec, prefixLength: subnet.prefixLength, service, nodes, edge, ...(control ? { control } : {}) };
}

/**
 * allNamespaces lists the lab's namespaces: the nodes', the edge's, and the control namespace when the
 * environment has one (whether or not it exists right now: `lab down` and the leftover check look for it).
 */
export function allNamespaces(layout: LabLayout): LabNamespace[] {
  return [...layout.nodes, layout.edge, ...(layout.control ? [layout.control] : [])];
}

/** LabKubernetesNetwork: the address ranges of the lab's Kubernetes (lab up --with kubernetes), derived from the lab subnet. */
export interface LabKubernetesNetwork {
  /** The whole block: Services and every node's pods (kube-proxy's --cluster-cidr). */
  block: string;
  /** The Service range (kube-apiserver --service-cluster-ip-range); its first address is the `kubernetes` Service. */
  serviceCidr: string;
  apiServiceAddress: string;
  /** One pod range per lab node, in the environment's order (the node's CNI bridge has the first address). */
  pods: Array<{ node: string; cidr: string; gateway: string }>;
}

/**
 * labKubernetesNetwork: the /20 `KUBERNETES_BLOCK_OFFSET` /20-blocks after the lab subnet's, wrapping inside its
 * /16 (lab/kubernetes/settings.ts): Services in its first /24, node i's pods in the i-th /24 after that. Two labs
 * whose subnets differ get different blocks unless one's subnet lies in the other's block. Throws naming the
 * setting when the block leaves the unreachable range, meets the lab subnet, or has too few /24s for the nodes.
 */
export function labKubernetesNetwork(layout: LabLayout): LabKubernetesNetwork {
  const { spec } = layout;
  const subnet = parseCidr(spec.subnet);
  const blockSize = 2 ** (32 - KUBERNETES_BLOCK_PREFIX);
  const sixteen = Math.floor(ipv4ToNumber(subnet.network) / 65536) * 65536;
  const blocksPer16 = 65536 / blockSize;
  const index = (Math.floor((ipv4ToNumber(subnet.network) - sixteen) / blockSize) + KUBERNETES_BLOCK_OFFSET) % blocksPer16;
  const start = sixteen + index * blockSize;
  const block = parseCidr(`${numberToIpv4(start)}/${KUBERNETES_BLOCK_PREFIX}`);
  const range = parseCidr(spec.unreachableRange);
  const last = numberToIpv4(start + blockSize - 1);
  if (!cidrContains(range, block.network) || !cidrContains(range, last)) {
    throw new Error(`the lab's Kubernetes block ${block.text} (derived from lab subnet ${spec.subnet}) lies outside lab unreachableRange ${spec.unreachableRange}: widen the range to the subnet's /16`);
  }
  if (subnet.prefixLength < KUBERNETES_BLOCK_PREFIX || cidrContains(block, subnet.network)) {
    throw new Error(`the lab's Kubernetes needs a lab subnet of /${KUBERNETES_BLOCK_PREFIX} or smaller outside its block ${block.text}; lab subnet is ${spec.subnet}`);
  }
  const podSize = 2 ** (32 - POD_CIDR_PREFIX);
  if (layout.nodes.length + 1 > blockSize / podSize) {
    throw new Error(`the lab's Kubernetes block ${block.text} holds pod ranges for ${blockSize / podSize - 1} nodes; the lab has ${layout.nodes.length}`);
  }
  return {
    block: block.text,
    serviceCidr: `${block.network}/${POD_CIDR_PREFIX}`,
    apiServiceAddress: numberToIpv4(start + 1),
    pods: layout.nodes.map((node, i) => ({ node: node.name, cidr: `${numberToIpv4(start + (i + 1) * podSize)}/${POD_CIDR_PREFIX}`, gateway: numberToIpv4(start + (i + 1) * podSize + 1) })),
  };
}

/** vethName is the root-namespace end of a lab veth: `<prefix><name>`, or a hash when that exceeds 15 characters. */
export function vethName(name: string, prefix: string = VETH_PREFIX): string {
  const plain = `${prefix}${name}`;
  if (plain.length <= MAX_INTERFACE_NAME) return plain;
  return `${prefix}${createHash('sha1').update(name).digest('hex').slice(0, MAX_INTERFACE_NAME - prefix.length)}`;
}

/** backendMarker is the first argument of a service's backend command line, e.g. "scs-lab-web-backend". */
export function backendMarker(serviceName: string): string {
  return `scs-lab-${serviceName}-backend`;
}

function labService(env: Environment): LabService {
  // Services supervised by the Kubernetes supervisords (the kubelet: <runDir>/kubernetes/<node>/supervisord.conf) are
  // the cluster's, started by lab/kubernetes/; the lab's own service is the one other supervised service.
  const supervised = Object.values(env.services).filter((service) => service.supervisor && !service.supervisor.config.includes('/kubernetes/'));
  const [service] = supervised;
  if (!service || !service.supervisor || supervised.length !== 1) {
    throw new Error(
      `the lab runs exactly one service with a supervisor block; ${env.sourcePath} has ${supervised.length} (${supervised.map((s) => s.name).join(', ') || 'none'})`,
    );
  }
  return { spec: service, program: service.supervisor.program, marker: backendMarker(service.name) };
}

function namespaceLayout(spec: LabSpec, name: string, namespace: string, address: string): LabNamespace {
  const dir = join(spec.runDir, name);
  return {
    name,
    namespace,
    address,
    veth: vethName(name, spec.vethPrefix),
    dir,
    supervisorConfig: join(dir, 'supervisord.conf'),
    supervisorSocket: join(dir, 'supervisor.sock'),
    supervisorPidFile: join(dir, 'supervisord.pid'),
    supervisorLog: join(dir, 'supervisord.log'),
  };
}

/** The run directory is removed whole on `lab down`, so it must be a dedicated, absolute, non-trivial path. */
function checkRunDir(runDir: string): void {
  const normal = normalize(runDir);
  if (!isAbsolute(runDir) || normal.split('/').filter(Boolean).length < 2 || normal !== runDir.replace(/\/+$/, '')) {
    throw new Error(`lab runDir "${runDir}" must be an absolute, normalised path at least two levels deep (it is deleted on lab down), e.g. /run/scs-chaos-lab`);
  }
}

function isInsideRunDir(path: string, runDir: string): boolean {
  return resolve(path).startsWith(`${resolve(runDir)}/`);
}

function checkAddresses(env: Environment, subnet: Cidr, addresses: string[]): void {
  for (const address of addresses) {
    if (!cidrContains(subnet, address)) {
      throw new Error(`lab address ${address} is outside lab subnet ${env.lab?.subnet} (${env.sourcePath})`);
    }
  }
  checkUnique('address', addresses, env);
}

function checkUnique(what: string, values: string[], env: Environment): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new Error(`lab ${what} ${value} is used twice (${env.sourcePath})`);
    seen.add(value);
  }
}

/** Probes use the service's endpoint; it must be the haproxy frontend the lab builds, or they would measure nothing. */
function checkEndpoint(env: Environment, service: ServiceSpec, edge: LabEdge): void {
  if (!service.endpoint) return;
  const url = new URL(service.endpoint);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (url.protocol !== 'http:' || url.hostname !== edge.address || port !== edge.httpPort) {
    throw new Error(
      `service ${service.name} endpoint ${service.endpoint} must be http://${edge.address}:${edge.httpPort}/ (the lab edge's haproxy frontend) (${env.sourcePath})`,
    );
  }
}
