/**
 * The OpenStack kind's section of the environment file (`openstack:`): which cloud of clouds.yaml to act as, how
 * long one API call may take, and what faults may touch — the servers (by name or tag), how many of them at once,
 * the load balancers and the compute hosts. Optionally, where each compute host's nova-compute runs, for the
 * process-loss fault over the host executors.
 *
 *   openstack:
 *     cloud: lab                                    # default $OS_CLOUD
 *     cloudsYaml: /run/scs-chaos-lab/openstack/clouds.yaml   # default: OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/
 *     requestTimeout: 10s
 *     computeMicroversion: "2.79"
 *     scope:
 *       servers: [lab-server-1]                     # by name ...
 *       serverTags: [scs-chaos-lab]                 # ... or by tag
 *       maxServersAtOnce: 1
 *       loadBalancers: [lab-lb]
 *       computeHosts: [compute-1]
 *       ports: [lab-port]
 *     computeHosts:
 *       compute-1:
 *         executor: { kind: netns, namespace: scs-lab-ctl }
 *         supervisor: { config: /run/scs-chaos-lab/control/supervisord.conf, program: nova-compute-1 }   # or systemdUnit: nova-compute.service
 */
import type { Environment, ExecutorSpec } from '../../model/environment';
import type { EnvironmentSection } from '../../core/kinds';
import type { EnvironmentReader, YAMLMap } from '../../environment/reader';
import type { ServiceManager } from '../../executors/service-manager';
import { BadInput } from '../../kernel/errors';

declare module '../../model/environment' {
  interface EnvironmentSections {
    openstack?: OpenstackSpec;
  }
}

/** OpenstackScope: what OpenStack faults may touch; anything else is refused at plan time. */
export interface OpenstackScope {
  servers: string[];
  serverTags: string[];
  maxServersAtOnce: number;
  loadBalancers: string[];
  computeHosts: string[];
  /** Neutron ports (by name or id) the port fault may set down. */
  ports: string[];
}

/** ComputeHostAccess: how to reach the host that runs a compute host's nova-compute, and what keeps it running. */
export interface ComputeHostAccess {
  executor: ExecutorSpec;
  manager: ServiceManager;
}

export interface OpenstackSpec {
  /** The clouds.yaml cloud; undefined: $OS_CLOUD at the time of use. */
  cloud?: string;
  cloudsYaml?: string;
  requestTimeoutMs: number;
  computeMicroversion: string;
  scope: OpenstackScope;
  computeHosts: Record<string, ComputeHostAccess>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 5 * 60_000;
/** 2.79 (Train): server tags, instance-action updated_at, networks "none"; every SCS release answers it. */
export const DEFAULT_COMPUTE_MICROVERSION = '2.79';

function names(r: EnvironmentReader, map: YAMLMap, key: string): string[] {
  const node = r.get(map, key, false);
  return node ? r.stringList(node, `openstack scope ${key}`) : [];
}

function readScope(r: EnvironmentReader, value: unknown): OpenstackScope {
  const map = r.map(value, 'openstack scope', 'scope lists servers (or serverTags), maxServersAtOnce, loadBalancers and computeHosts faults may touch');
  const scope: OpenstackScope = {
    servers: names(r, map, 'servers'),
    serverTags: names(r, map, 'serverTags'),
    maxServersAtOnce: r.optionalNumber(map, 'maxServersAtOnce') ?? 1,
    loadBalancers: names(r, map, 'loadBalancers'),
    computeHosts: names(r, map, 'computeHosts'),
    ports: names(r, map, 'ports'),
  };
  if (!Number.isInteger(scope.maxServersAtOnce) || scope.maxServersAtOnce < 1) throw r.error(r.get(map, 'maxServersAtOnce', true), 'openstack scope maxServersAtOnce must be a whole number of at least 1', 'write e.g. maxServersAtOnce: 1');
  return scope;
}

function readExecutor(r: EnvironmentReader, map: YAMLMap, host: string): ExecutorSpec {
  const kind = r.string(map, 'kind', `openstack computeHosts ${host} executor`);
  if (kind === 'local') return { kind: 'local' };
  if (kind === 'netns') return { kind: 'netns', namespace: r.string(map, 'namespace', `openstack computeHosts ${host} executor`) };
  throw r.error(r.get(map, 'kind', true), `openstack computeHosts ${host}: executor kind "${kind}" is not supported here`, 'use local or netns, or declare the host as a node with an ssh executor and use its name: node: <name>');
}

function readComputeHost(r: EnvironmentReader, host: string, value: unknown, env: Environment): ComputeHostAccess {
  const map = r.map(value, `openstack computeHosts ${host}`, 'give executor (or node) and supervisor or systemdUnit');
  const nodeName = r.optionalString(map, 'node');
  let executor: ExecutorSpec;
  if (nodeName !== undefined) {
    const node = env.nodes.find((n) => n.name === nodeName);
    if (!node) throw r.error(r.get(map, 'node', true), `openstack computeHosts ${host}: node ${nodeName} is not in nodes`, `name one of ${env.nodes.map((n) => n.name).join(', ')}`);
    executor = node.executor;
  } else {
    executor = readExecutor(r, r.map(r.get(map, 'executor', true), `openstack computeHosts ${host} executor`, 'executor is a mapping with kind'), host);
  }
  const unit = r.optionalString(map, 'systemdUnit');
  const supervisorNode = r.get(map, 'supervisor', false);
  if (unit !== undefined) return { executor, manager: { kind: 'systemd', unit } };
  if (!supervisorNode) throw r.error(map, `openstack computeHosts ${host} names no process manager`, 'add systemdUnit: nova-compute.service (kolla: the container unit) or supervisor: { config, program }');
  const supervisor = r.map(supervisorNode, `openstack computeHosts ${host} supervisor`, 'supervisor: { config: <path>, program: <name> }');
  return { executor, manager: { kind: 'supervisor', config: r.string(supervisor, 'config', 'supervisor'), program: r.string(supervisor, 'program', 'supervisor') } };
}

function readOpenstack(r: EnvironmentReader, value: unknown, env: Environment): OpenstackSpec {
  const map = r.map(value, 'openstack', 'openstack is a mapping with cloud, scope (and cloudsYaml, requestTimeout, computeHosts)');
  const spec: OpenstackSpec = { requestTimeoutMs: DEFAULT_TIMEOUT_MS, computeMicroversion: DEFAULT_COMPUTE_MICROVERSION, scope: readScope(r, r.get(map, 'scope', true)), computeHosts: {} };
  const cloud = r.optionalString(map, 'cloud');
  if (cloud !== undefined) spec.cloud = cloud;
  const cloudsYaml = r.optionalString(map, 'cloudsYaml');
  if (cloudsYaml !== undefined) spec.cloudsYaml = r.path(cloudsYaml);
  const timeout = r.optionalDuration(map, 'requestTimeout');
  if (timeout !== undefined) {
    if (timeout < 100 || timeout > MAX_TIMEOUT_MS) throw r.error(r.get(map, 'requestTimeout', true), 'openstack requestTimeout must be between 100ms and 5m', 'write e.g. requestTimeout: 10s');
    spec.requestTimeoutMs = timeout;
  }
  const microversion = r.optionalString(map, 'computeMicroversion');
  if (microversion !== undefined) {
    if (!/^2\.\d+$/.test(microversion)) throw r.error(r.get(map, 'computeMicroversion', true), `openstack computeMicroversion "${microversion}" is not a compute microversion`, 'write e.g. computeMicroversion: "2.79" (quoted)');
    spec.computeMicroversion = microversion;
  }
  const hostsNode = r.get(map, 'computeHosts', false);
  if (hostsNode) {
    const hosts = r.map(hostsNode, 'openstack computeHosts', 'computeHosts maps a compute host name to its executor and process manager');
    for (const item of hosts.items) {
      const host = String((item.key as { value?: unknown } | null)?.value ?? item.key);
      spec.computeHosts[host] = readComputeHost(r, host, item.value, env);
    }
  }
  return spec;
}

export const openstackSection: EnvironmentSection = {
  key: 'openstack',
  read: (reader: EnvironmentReader, value: unknown, env: Environment): OpenstackSpec => readOpenstack(reader, value, env),
};

/** openstackSpecOf: the environment's section; BadInput when the environment has none. */
export function openstackSpecOf(env: Environment): OpenstackSpec {
  const spec = env.sections.openstack;
  if (!spec) throw new BadInput(`environment ${env.name} has no openstack: section, so no OpenStack step can run`, { file: env.sourcePath }, 'add openstack: with cloud and scope (see src/kinds/openstack/environment.ts), or run these features against an environment that has one');
  return spec;
}
