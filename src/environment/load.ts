/**
 * loadEnvironment: reads experiments/environments/<name>.yaml into a validated Environment.
 * Every problem is a BadInput naming the file, the line and the fix; nothing is touched before this passes.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, YAMLMap, Node as YamlNode } from 'yaml';
import { registerSecret } from '../kernel/secrets';
import { BadInput, SourceLocation } from '../kernel/errors';
import { parseDuration } from '../kernel/duration';
import type { CephBackend, CephSpec, Defaults, Environment, ExecutorSpec, LabCephCluster, LabSpec, NodeSpec, ScopeSpec, ServiceSpec } from '../model/environment';

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const SYSTEMD_UNIT = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]*$/;

/** Reads and validates one environment file. */
export function loadEnvironment(path: string): Environment {
  const sourcePath = resolve(path);
  let text: string;
  try {
    text = readFileSync(sourcePath, 'utf8');
  } catch (error) {
    throw new BadInput(
      `cannot read the environment file: ${(error as Error).message}`,
      { file: sourcePath },
      'pass an existing file with --env, e.g. --env experiments/environments/lab.yaml',
    );
  }
  return parseEnvironment(text, sourcePath);
}

/** Validates environment YAML text; `sourcePath` is used in messages only. */
export function parseEnvironment(text: string, sourcePath: string): Environment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new BadInput(
      `malformed YAML: ${first.message.split('\n')[0]}`,
      { file: sourcePath, line: pos.line, column: pos.col },
      'fix the YAML syntax (indentation, a missing colon or quote)',
    );
  }
  const r = new Reader(sourcePath, lines);
  const root = r.map(doc.contents, 'the document', 'the file must be a mapping with name, nodes, services and scope');

  const name = r.string(root, 'name', 'the environment');
  const nodes = r.seq(root, 'nodes').map((item, index) => readNode(r, item, index));
  const nodeNames = new Set<string>();
  nodes.forEach((node, index) => {
    if (nodeNames.has(node.name)) {
      throw r.error(r.seq(root, 'nodes')[index], `node "${node.name}" is listed twice`, 'give every node a unique name');
    }
    nodeNames.add(node.name);
  });

  const servicesMap = r.map(r.get(root, 'services', true), 'services', 'services is a mapping of name to service');
  const services: Record<string, ServiceSpec> = {};
  for (const pair of servicesMap.items) {
    const serviceName = String(isScalar(pair.key) ? pair.key.value : pair.key);
    services[serviceName] = readService(r, serviceName, pair.value as YamlNode);
  }

  const scope = readScope(r, r.map(r.get(root, 'scope', true), 'scope', 'scope lists the nodes that may be touched'), nodeNames);
  const defaults = readDefaults(r, r.get(root, 'defaults', false));
  const labNode = r.get(root, 'lab', false);
  const environment: Environment = { name, sourcePath, nodes, services, scope, defaults };
  const prometheusNode = r.get(root, 'prometheus', false);
  if (prometheusNode) {
    const map = r.map(prometheusNode, 'prometheus', 'prometheus is a mapping with url');
    const url = r.secretCapable(r.get(map, 'url', true), r.string(map, 'url', 'prometheus'));
    if (!/^https?:\/\//.test(url)) throw r.error(r.get(map, 'url', true), `prometheus url "${url}" is not an http(s) URL`, 'write e.g. url: http://198.18.0.10:9090');
    environment.prometheus = { url: url.replace(/\/+$/, '') };
  }
  const cephNode = r.get(root, 'ceph', false);
  if (cephNode) environment.ceph = readCeph(r, r.map(cephNode, 'ceph', 'ceph is a mapping with executorNode and backend'), nodeNames);
  if (labNode) environment.lab = readLab(r, r.map(labNode, 'lab', 'lab is a mapping'));
  return environment;
}

function readNode(r: Reader, item: unknown, index: number): NodeSpec {
  const map = r.map(item, `nodes[${index}]`, 'each node has name, address, roles and executor');
  const name = r.string(map, 'name', `nodes[${index}]`);
  if (!NAME.test(name)) throw r.error(r.get(map, 'name', true), `node name "${name}" is not valid`, 'use lower-case letters, digits and dashes');
  const address = r.string(map, 'address', `node ${name}`);
  if (!isIpv4(address)) throw r.error(r.get(map, 'address', true), `node ${name}: "${address}" is not an IPv4 address`, 'write an address like 198.18.0.11');
  const rolesNode = r.get(map, 'roles', false);
  const roles = rolesNode ? r.stringList(rolesNode, `node ${name} roles`) : [];
  const executor = readExecutor(r, r.map(r.get(map, 'executor', true), `node ${name} executor`, 'executor is a mapping with kind'), name);
  return { name, address, roles, executor };
}

function readExecutor(r: Reader, map: YAMLMap, nodeName: string): ExecutorSpec {
  const kind = r.string(map, 'kind', `node ${nodeName} executor`);
  switch (kind) {
    case 'local':
      return { kind: 'local' };
    case 'netns':
      return { kind: 'netns', namespace: r.string(map, 'namespace', `node ${nodeName} executor`) };
    case 'ssh': {
      const host = r.string(map, 'host', `node ${nodeName} executor`);
      const port = r.optionalNumber(map, 'port') ?? 22;
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw r.error(r.get(map, 'port', true), `node ${nodeName}: ssh port ${port} is out of range`, 'write the port sshd listens on, e.g. port: 22');
      // Host keys are pinned per environment (docs/decisions/0050-ssh-executor.md): no file, no connection.
      const knownHostsFile = r.optionalString(map, 'knownHostsFile');
      if (!knownHostsFile) {
        throw r.error(
          map,
          `node ${nodeName}: an ssh executor needs knownHostsFile (host keys are pinned per environment)`,
          `add knownHostsFile: <file> and pin the node's key after verifying its fingerprint: ssh-keyscan -p ${port} ${host} >> <file>`,
        );
      }
      // Key files are relative to the environment file, so a rollback run from anywhere finds them.
      const spec: ExecutorSpec = { kind: 'ssh', host, user: r.optionalString(map, 'user') ?? 'root', port, knownHostsFile: r.path(knownHostsFile) };
      const identityFile = r.optionalString(map, 'identityFile');
      if (identityFile) spec.identityFile = r.path(identityFile);
      return spec;
    }
    default:
      throw r.error(r.get(map, 'kind', true), `node ${nodeName}: unknown executor kind "${kind}"`, 'use one of local, netns, ssh');
  }
}

function readService(r: Reader, name: string, node: YamlNode): ServiceSpec {
  const map = r.map(node, `service ${name}`, 'a service has roles and port');
  const port = r.number(map, 'port', `service ${name}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw r.error(r.get(map, 'port', true), `service ${name}: port ${port} is out of range`, 'use a TCP port between 1 and 65535');
  const service: ServiceSpec = { name, roles: r.stringList(r.get(map, 'roles', true), `service ${name} roles`), port };
  const endpoint = r.secretCapable(r.get(map, 'endpoint', false), r.optionalString(map, 'endpoint'));
  const backendUrl = r.secretCapable(r.get(map, 'backendUrl', false), r.optionalString(map, 'backendUrl'));
  const processMatch = r.optionalString(map, 'processMatch');
  for (const [key, value] of [['endpoint', endpoint], ['backendUrl', backendUrl]] as const) {
    if (value !== undefined && !/^https?:\/\//.test(value)) throw r.error(r.get(map, key, true), `service ${name}: ${key} "${value}" is not an http(s) URL`, 'write a URL like http://198.18.0.10:80/');
  }
  if (endpoint) service.endpoint = endpoint;
  if (backendUrl) service.backendUrl = backendUrl;
  if (processMatch) service.processMatch = processMatch;
  const supervisorNode = r.get(map, 'supervisor', false);
  if (supervisorNode) {
    const sup = r.map(supervisorNode, `service ${name} supervisor`, 'supervisor has program and config');
    service.supervisor = { program: r.string(sup, 'program', `service ${name} supervisor`), config: r.string(sup, 'config', `service ${name} supervisor`) };
  }
  const systemdUnit = r.optionalString(map, 'systemdUnit');
  if (systemdUnit !== undefined) {
    // The characters systemd allows in unit names (systemd.unit(5)); a leading '-' would read as an option.
    if (!SYSTEMD_UNIT.test(systemdUnit)) throw r.error(r.get(map, 'systemdUnit', true), `service ${name}: systemdUnit "${systemdUnit}" is not a systemd unit name`, 'write the unit as systemctl lists it, e.g. systemdUnit: haproxy.service');
    service.systemdUnit = systemdUnit;
  }
  return service;
}

function readScope(r: Reader, map: YAMLMap, nodeNames: Set<string>): ScopeSpec {
  const nodesNode = r.get(map, 'nodes', true);
  const nodes = r.stringList(nodesNode, 'scope nodes');
  for (const node of nodes) {
    if (!nodeNames.has(node)) throw r.error(nodesNode, `scope names node "${node}", which is not in nodes`, `list only nodes defined under nodes: ${[...nodeNames].join(', ')}`);
  }
  const maxNodesAtOnce = r.optionalNumber(map, 'maxNodesAtOnce') ?? 1;
  if (!Number.isInteger(maxNodesAtOnce) || maxNodesAtOnce < 1) throw r.error(r.get(map, 'maxNodesAtOnce', true), `scope maxNodesAtOnce must be a positive integer, got ${maxNodesAtOnce}`, 'write e.g. maxNodesAtOnce: 1');
  return { nodes, maxNodesAtOnce, allowDestructive: r.optionalBoolean(map, 'allowDestructive') ?? false };
}

function readDefaults(r: Reader, node: unknown): Defaults {
  const defaults: Defaults = { faultTtlGraceMs: 15_000, probeRateHz: 10, probeTimeoutMs: 1000, stabilizationMs: 2000 };
  if (!node) return defaults;
  const map = r.map(node, 'defaults', 'defaults is a mapping');
  const ttl = r.optionalDuration(map, 'faultTtlGrace');
  const rate = r.optionalNumber(map, 'probeRate');
  const timeout = r.optionalDuration(map, 'probeTimeout');
  const stabilization = r.optionalDuration(map, 'stabilization');
  if (ttl !== undefined) defaults.faultTtlGraceMs = ttl;
  if (rate !== undefined) {
    if (!(rate > 0 && rate <= 100)) throw r.error(r.get(map, 'probeRate', true), `defaults probeRate ${rate} is out of range`, 'write a rate in Hz between 0 and 100, e.g. probeRate: 10');
    defaults.probeRateHz = rate;
  }
  if (timeout !== undefined) defaults.probeTimeoutMs = timeout;
  if (stabilization !== undefined) defaults.stabilizationMs = stabilization;
  return defaults;
}

const CEPH_BACKENDS: readonly CephBackend[] = ['lab', 'systemd', 'cephadm', 'rook'];
// The lab's default OSD programs: one supervisord per node, as for the web service.
const LAB_OSD_DEFAULTS = { supervisorConfig: '/run/scs-chaos-lab/{node}/supervisord.conf', program: 'ceph-osd-{id}' };
// The lab's monitors and managers: programs of the control namespace's supervisord (lab/layout.ts names its directory "control").
const LAB_CONTROL_DEFAULTS = { controlSupervisorConfig: '/run/scs-chaos-lab/control/supervisord.conf', monProgram: 'ceph-mon-{id}', mgrProgram: 'ceph-mgr-{id}' };
// The lab cluster's defaults (lab/ceph/, docs/decisions/0091): 3 copies that survive one node, failures seen in
// seconds rather than Ceph's 20 s grace and 10 min auto-out, fresh statistics, unthrottled recovery.
const LAB_CEPH_DEFAULTS: LabCephCluster = {
  monitors: 1,
  managers: 1,
  pool: { name: 'scs-chaos-lab', size: 3, minSize: 2, pgs: 16 },
  timings: { osdHeartbeatIntervalMs: 1000, osdHeartbeatGraceMs: 5000, monOsdDownOutIntervalMs: 30_000, mgrStatsPeriodMs: 1000, monMgrDigestPeriodMs: 1000, osdRecoverySleepMs: 0, monLeaseMs: 2000, monElectionTimeoutMs: 2000, monMgrBeaconGraceMs: 8000 },
};
const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function readCeph(r: Reader, map: YAMLMap, nodeNames: Set<string>): CephSpec {
  const executorNode = r.string(map, 'executorNode', 'ceph');
  if (executorNode !== 'local' && !nodeNames.has(executorNode)) {
    throw r.error(r.get(map, 'executorNode', true), `ceph executorNode "${executorNode}" is neither "local" nor a node of this environment`, `write local or one of: ${[...nodeNames].join(', ')}`);
  }
  const backend = r.string(map, 'backend', 'ceph');
  if (!(CEPH_BACKENDS as readonly string[]).includes(backend)) {
    throw r.error(r.get(map, 'backend', true), `ceph backend "${backend}" is unknown`, `write one of ${CEPH_BACKENDS.join(', ')} (how the OSD daemons are deployed)`);
  }
  const spec: CephSpec = { executorNode, backend: backend as CephBackend };
  for (const key of ['conf', 'keyring', 'user', 'cluster'] as const) {
    const value = r.optionalString(map, key);
    if (value === '') throw r.error(r.get(map, key, true), `ceph ${key} is empty`, `remove ${key}: to use the ceph CLI's default, or write a value`);
    if (value !== undefined) spec[key] = value;
  }
  const labNode = r.get(map, 'lab', false);
  const rookNode = r.get(map, 'rook', false);
  if (spec.backend === 'lab') {
    const lab = labNode ? r.map(labNode, 'ceph lab', 'lab has supervisorConfig and program') : undefined;
    spec.lab = {
      supervisorConfig: (lab && r.optionalString(lab, 'supervisorConfig')) || LAB_OSD_DEFAULTS.supervisorConfig,
      program: (lab && r.optionalString(lab, 'program')) || LAB_OSD_DEFAULTS.program,
      controlSupervisorConfig: (lab && r.optionalString(lab, 'controlSupervisorConfig')) || LAB_CONTROL_DEFAULTS.controlSupervisorConfig,
      monProgram: (lab && r.optionalString(lab, 'monProgram')) || LAB_CONTROL_DEFAULTS.monProgram,
      mgrProgram: (lab && r.optionalString(lab, 'mgrProgram')) || LAB_CONTROL_DEFAULTS.mgrProgram,
      cluster: readLabCephCluster(r, lab),
    };
  } else if (labNode) {
    throw r.error(labNode, `ceph lab: is only read with backend: lab (this one is ${spec.backend})`, 'remove lab: or set backend: lab');
  }
  if (spec.backend === 'rook') {
    if (!rookNode) throw r.error(map, 'ceph backend rook needs a rook: section', 'add rook: { namespace: rook-ceph, kubeconfigContext: <context> }');
    const rook = r.map(rookNode, 'ceph rook', 'rook has namespace and kubeconfigContext');
    const namespace = r.string(rook, 'namespace', 'ceph rook');
    if (!NAME.test(namespace)) throw r.error(r.get(rook, 'namespace', true), `ceph rook namespace "${namespace}" is not a Kubernetes namespace name`, 'use lower-case letters, digits and dashes, e.g. rook-ceph');
    const kubeconfigContext = r.optionalString(rook, 'kubeconfigContext');
    spec.rook = kubeconfigContext ? { namespace, kubeconfigContext } : { namespace };
  } else if (rookNode) {
    throw r.error(rookNode, `ceph rook: is only read with backend: rook (this one is ${spec.backend})`, 'remove rook: or set backend: rook');
  }
  return spec;
}

/** The lab cluster's pool and timings (`ceph.lab.pool`, `ceph.lab.timings`); every key is optional. */
function readLabCephCluster(r: Reader, lab: YAMLMap | undefined): LabCephCluster {
  const cluster = structuredClone(LAB_CEPH_DEFAULTS);
  // Monitors: 1 or 3 (2 would lose quorum with either one, more is beyond a lab); managers: 1 or a pair.
  const monitors = lab && r.optionalNumber(lab, 'monitors');
  if (monitors !== undefined) {
    if (monitors !== 1 && monitors !== 3) throw r.error(r.get(lab as YAMLMap, 'monitors', true), `ceph lab monitors must be 1 or 3, got ${monitors}`, 'write monitors: 3 for a quorum that survives one monitor, or 1');
    cluster.monitors = monitors as 1 | 3;
  }
  const managers = lab && r.optionalNumber(lab, 'managers');
  if (managers !== undefined) {
    if (managers !== 1 && managers !== 2) throw r.error(r.get(lab as YAMLMap, 'managers', true), `ceph lab managers must be 1 or 2, got ${managers}`, 'write managers: 2 for an active manager and a standby, or 1');
    cluster.managers = managers as 1 | 2;
  }
  const poolNode = lab && r.get(lab, 'pool', false);
  if (poolNode) {
    const pool = r.map(poolNode, 'ceph lab pool', 'pool has name, size, minSize and pgs');
    const name = r.optionalString(pool, 'name');
    if (name !== undefined) {
      if (!POOL_NAME.test(name)) throw r.error(r.get(pool, 'name', true), `ceph lab pool name "${name}" is not a plain pool name`, 'use letters, digits, "-", "_" and ".", e.g. scs-chaos-lab');
      cluster.pool.name = name;
    }
    for (const key of ['size', 'minSize', 'pgs'] as const) {
      const value = r.optionalNumber(pool, key);
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 1) throw r.error(r.get(pool, key, true), `ceph lab pool ${key} must be a positive integer, got ${value}`, `write e.g. ${key}: ${LAB_CEPH_DEFAULTS.pool[key]}`);
      cluster.pool[key] = value;
    }
    if (cluster.pool.minSize > cluster.pool.size) throw r.error(pool, `ceph lab pool minSize ${cluster.pool.minSize} exceeds size ${cluster.pool.size}`, 'min_size is at most size, e.g. size: 3, minSize: 2');
  }
  const timingsNode = lab && r.get(lab, 'timings', false);
  if (timingsNode) {
    const timings = r.map(timingsNode, 'ceph lab timings', 'timings maps Ceph options to durations, e.g. osdHeartbeatGrace: 5s');
    const keys = {
      osdHeartbeatInterval: 'osdHeartbeatIntervalMs',
      osdHeartbeatGrace: 'osdHeartbeatGraceMs',
      monOsdDownOutInterval: 'monOsdDownOutIntervalMs',
      mgrStatsPeriod: 'mgrStatsPeriodMs',
      monMgrDigestPeriod: 'monMgrDigestPeriodMs',
      osdRecoverySleep: 'osdRecoverySleepMs',
      monLease: 'monLeaseMs',
      monElectionTimeout: 'monElectionTimeoutMs',
      monMgrBeaconGrace: 'monMgrBeaconGraceMs',
    } as const;
    for (const pair of timings.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!(key in keys)) throw r.error(pair.key, `ceph lab timings: unknown key "${key}"`, `use ${Object.keys(keys).join(', ')}`);
    }
    for (const [key, field] of Object.entries(keys) as Array<[keyof typeof keys, (typeof keys)[keyof typeof keys]]>) {
      const ms = r.optionalDuration(timings, key);
      if (ms === undefined) continue;
      // Ceph takes these options in whole seconds (the recovery sleep is a float and may be 0).
      const fractionOk = field === 'osdRecoverySleepMs';
      if (ms < 0 || (!fractionOk && (ms < 1000 || ms % 1000 !== 0))) {
        throw r.error(r.get(timings, key, true), `ceph lab timings ${key} must be ${fractionOk ? 'zero or more' : 'a whole number of seconds, at least 1s'}`, `write e.g. ${key}: ${fractionOk ? '0s' : '5s'}`);
      }
      cluster.timings[field] = ms;
    }
    if (cluster.timings.osdHeartbeatGraceMs <= cluster.timings.osdHeartbeatIntervalMs) {
      throw r.error(timings, 'ceph lab timings: osdHeartbeatGrace must be longer than osdHeartbeatInterval', 'a grace of several intervals, e.g. interval 1s, grace 5s');
    }
  }
  return cluster;
}

function readLab(r: Reader, map: YAMLMap): LabSpec {
  const cidr = (key: string): string => {
    const value = r.string(map, key, 'lab');
    if (!CIDR.test(value)) throw r.error(r.get(map, key, true), `lab ${key} "${value}" is not a CIDR range`, 'write a range like 198.18.0.0/24');
    return value;
  };
  const edge = r.map(r.get(map, 'edge', true), 'lab edge', 'edge has namespace, address and httpPort');
  const spec: LabSpec = {
    bridge: r.string(map, 'bridge', 'lab'),
    subnet: cidr('subnet'),
    hostAddress: r.string(map, 'hostAddress', 'lab'),
    unreachableRange: cidr('unreachableRange'),
    runDir: r.string(map, 'runDir', 'lab'),
    edge: { namespace: r.string(edge, 'namespace', 'lab edge'), address: r.string(edge, 'address', 'lab edge'), httpPort: r.number(edge, 'httpPort', 'lab edge') },
  };
  const controlNode = r.get(map, 'control', false);
  if (controlNode) {
    const control = r.map(controlNode, 'lab control', 'control has namespace and address (where Ceph\'s monitor and manager run)');
    spec.control = { namespace: r.string(control, 'namespace', 'lab control'), address: r.string(control, 'address', 'lab control') };
  }
  const vethPrefix = r.optionalString(map, 'vethPrefix');
  if (vethPrefix !== undefined) {
    if (!/^[a-z][a-z0-9-]{0,6}$/.test(vethPrefix)) throw r.error(r.get(map, 'vethPrefix', true), `lab vethPrefix "${vethPrefix}" must be 1-7 lower-case letters, digits or "-"`, 'write e.g. vethPrefix: scs-c- (interface names have at most 15 characters)');
    spec.vethPrefix = vethPrefix;
  }
  return spec;
}

function isIpv4(text: string): boolean {
  const match = IPV4.exec(text);
  return !!match && match.slice(1).every((part) => Number(part) <= 255);
}

/** Reads typed values out of YAML nodes and builds BadInput errors that point at the node's line. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** path: a path from the file, resolved against the file's own directory. */
  path(text: string): string {
    return resolve(dirname(this.file), text);
  }

  location(node: unknown): SourceLocation {
    const range = (node as YamlNode | undefined)?.range;
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  error(node: unknown, message: string, hint: string): BadInput {
    return new BadInput(message, this.location(node), hint);
  }

  map(node: unknown, what: string, hint: string): YAMLMap {
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping`, hint);
    return node;
  }

  get(map: YAMLMap, key: string, required: true): YamlNode;
  get(map: YAMLMap, key: string, required: boolean): YamlNode | undefined;
  get(map: YAMLMap, key: string, required: boolean): YamlNode | undefined {
    const value = map.get(key, true) as YamlNode | undefined;
    if (value === undefined || value === null || (isScalar(value) && value.value === null)) {
      if (required) throw this.error(map, `missing "${key}"`, `add "${key}:" here`);
      return undefined;
    }
    return value;
  }

  seq(map: YAMLMap, key: string): unknown[] {
    const node = this.get(map, key, true);
    if (!isSeq(node)) throw this.error(node, `"${key}" must be a list`, `write ${key} as a list of "- " items`);
    return node.items;
  }

  /**
   * secretCapable: a URL-like value with `${env:NAME}` references replaced by the variables' values, each of which
   * is registered as a secret, as is a password in the URL's userinfo. An unset variable is a BadInput here.
   */
  secretCapable<T extends string | undefined>(node: unknown, value: T): T {
    if (value === undefined) return value;
    const resolved = value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
      const secret = process.env[name];
      if (secret === undefined || secret === '') {
        throw this.error(node, `environment variable ${name} is not set (referenced as \${env:${name}})`, `export ${name}=... before running, or write the value into the file`);
      }
      if (secret.length < 4) throw this.error(node, `environment variable ${name} is shorter than 4 characters`, 'use a longer secret: shorter ones cannot be redacted from reports safely');
      registerSecret(secret);
      return secret;
    });
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^@\s/]+)@/i.exec(resolved)?.[1];
    if (password !== undefined) {
      if (decodeURIComponent(password).length < 4) throw this.error(node, 'the password in this URL is shorter than 4 characters', 'use a longer password: shorter ones cannot be redacted from reports safely');
      registerSecret(decodeURIComponent(password));
    }
    return resolved as T;
  }

  string(map: YAMLMap, key: string, owner: string): string {
    const node = this.get(map, key, false);
    if (!node) throw this.error(map, `${owner} is missing "${key}"`, `add "${key}:" to ${owner}`);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') throw this.error(node, `${owner}: "${key}" must be a non-empty string`, `write ${key}: <text>`);
    return node.value;
  }

  optionalString(map: YAMLMap, key: string): string | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'string') throw this.error(node, `"${key}" must be a string`, `write ${key}: <text>`);
    return node.value;
  }

  number(map: YAMLMap, key: string, owner: string): number {
    const value = this.optionalNumber(map, key);
    if (value === undefined) throw this.error(map, `${owner} is missing "${key}"`, `add "${key}:" with a number`);
    return value;
  }

  optionalNumber(map: YAMLMap, key: string): number | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number') throw this.error(node, `"${key}" must be a number`, `write ${key}: <number>`);
    return node.value;
  }

  optionalBoolean(map: YAMLMap, key: string): boolean | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean') throw this.error(node, `"${key}" must be true or false`, `write ${key}: true or ${key}: false`);
    return node.value;
  }

  optionalDuration(map: YAMLMap, key: string): number | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    const text = isScalar(node) ? String(node.value) : '';
    return parseDuration(text, this.location(node));
  }

  stringList(node: unknown, what: string): string[] {
    if (!isSeq(node)) throw this.error(node, `${what} must be a list`, 'write a list like [web, storage]');
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string') throw this.error(item, `${what}: every entry must be a string`, 'write plain names');
      return item.value;
    });
  }
}
