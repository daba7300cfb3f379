/**
 * loadEnvironment: reads experiments/environments/<name>.yaml into a validated Environment.
 * Every problem is a BadInput naming the file, the line and the fix; nothing is touched before this passes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isScalar, LineCounter, parseDocument, YAMLMap, Node as YamlNode } from 'yaml';
import { BadInput } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
import type { Defaults, Environment, ExecutorSpec, KubeNodeSpec, LabSpec, NodeSpec, ScopeSpec, ServiceSpec } from '../model/environment';
import { environmentSections } from '../core/kinds';
import { EnvironmentReader } from './reader';

/** The keys the base file has; every other top-level key is a target kind's section (src/core/kinds.ts). */
const BASE_KEYS = ['name', 'description', 'nodes', 'services', 'scope', 'defaults', 'prometheus', 'lab'];

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
/** DEFAULT_MAX_FAULT_DURATION_MS: scope.maxFaultDuration when the file gives none (30 minutes). */
export const DEFAULT_MAX_FAULT_DURATION_MS = 30 * 60_000;
/** The bounds of the defaults section: a grace of up to an hour, probe timeouts of up to a minute, stabilization up to an hour. */
const MAX_TTL_GRACE_MS = 3_600_000;
const MAX_PROBE_TIMEOUT_MS = 60_000;
const MAX_STABILIZATION_MS = 3_600_000;
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
  const r = new EnvironmentReader(sourcePath, lines);
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
  const environment: Environment = { name, sourcePath, nodes, services, scope, defaults, sections: {} };
  const prometheusNode = r.get(root, 'prometheus', false);
  if (prometheusNode) {
    const map = r.map(prometheusNode, 'prometheus', 'prometheus is a mapping with url');
    const url = r.secretCapable(r.get(map, 'url', true), r.string(map, 'url', 'prometheus'));
    if (!/^https?:\/\//.test(url)) throw r.error(r.get(map, 'url', true), `prometheus url "${url}" is not an http(s) URL`, 'write e.g. url: http://198.18.0.10:9090');
    environment.prometheus = { url: url.replace(/\/+$/, '') };
  }
  if (labNode) environment.lab = readLab(r, r.map(labNode, 'lab', 'lab is a mapping'));
  readKindSections(r, root, environment);
  return environment;
}

/**
 * readKindSections: every top-level key beyond the base is the section of a registered target kind, read by the
 * kind itself after the base (it may refer to nodes). An unknown key is refused: a typo would otherwise pass.
 */
function readKindSections(r: EnvironmentReader, root: YAMLMap, environment: Environment): void {
  const sections = environmentSections();
  for (const pair of root.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (BASE_KEYS.includes(key)) continue;
    const section = sections.get(key);
    if (!section) {
      throw r.error(pair.key, `unknown section "${key}"`, `use one of: ${[...BASE_KEYS, ...sections.keys()].join(', ')}`);
    }
    const value = r.get(root, key, false);
    if (value) environment.sections[key] = section.read(r, value, environment);
  }
}

function readNode(r: EnvironmentReader, item: unknown, index: number): NodeSpec {
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

function readExecutor(r: EnvironmentReader, map: YAMLMap, nodeName: string): ExecutorSpec {
  const kind = r.string(map, 'kind', `node ${nodeName} executor`);
  switch (kind) {
    case 'local':
      return { kind: 'local' };
    case 'netns':
      return { kind: 'netns', namespace: r.string(map, 'namespace', `node ${nodeName} executor`) };
    case 'ssh': {
      const host = r.string(map, 'host', `node ${nodeName} executor`);
      const port = checkedPort(r, map, 'port', r.optionalNumber(map, 'port') ?? 22, `node ${nodeName}: ssh port`, 'write the port sshd listens on, e.g. port: 22');
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
    case 'kube-node':
      return readKubeNodeExecutor(r, map, nodeName);
    default:
      throw r.error(r.get(map, 'kind', true), `node ${nodeName}: unknown executor kind "${kind}"`, 'use one of local, netns, ssh, kube-node');
  }
}

/**
 * readKubeNodeExecutor: `kind: kube-node` — the Kubernetes node (default: the node's name), the namespace of the
 * helper pods (default scs-chaos), their image (required: it needs nsenter and sh), the kubelet's port (10250),
 * the process whose namespaces are the host's (default PID 1);
 * kubeconfig and context default to the environment's `kubernetes:` section.
 */
function readKubeNodeExecutor(r: EnvironmentReader, map: YAMLMap, nodeName: string): ExecutorSpec {
  const image = r.optionalString(map, 'image');
  if (!image) throw r.error(map, `node ${nodeName}: a kube-node executor needs image (the helper pods' image, with nsenter and sh)`, 'add image: <the scs-chaos image, built by ci/image/build.sh, or any image with nsenter and sh>');
  const kubeletPort = checkedPort(r, map, 'kubeletPort', r.optionalNumber(map, 'kubeletPort') ?? 10250, `node ${nodeName}: kubeletPort`, 'write the port the kubelet serves exec on, e.g. kubeletPort: 10250');
  const hostProcessNode = r.get(map, 'hostProcess', false);
  // A PID is written as a number (hostProcess: 1) or a string; a process name as a string.
  const hostProcess = hostProcessNode === undefined ? '1' : isScalar(hostProcessNode) && typeof hostProcessNode.value === 'number' ? String(hostProcessNode.value) : r.optionalString(map, 'hostProcess') ?? '1';
  if (!/^([1-9][0-9]*|[A-Za-z][A-Za-z0-9_.-]*)$/.test(hostProcess)) throw r.error(r.get(map, 'hostProcess', true), `node ${nodeName}: hostProcess "${hostProcess}" is neither a PID nor a process name`, 'write hostProcess: 1 (the node\'s init, the default) or the name of a process in the host\'s namespaces, e.g. containerd');
  const spec: KubeNodeSpec = { kind: 'kube-node', node: r.optionalString(map, 'node') ?? nodeName, namespace: r.optionalString(map, 'namespace') ?? 'scs-chaos', image, kubeletPort, hostProcess };
  const kubeconfig = r.optionalString(map, 'kubeconfig');
  if (kubeconfig !== undefined) spec.kubeconfig = r.kubeconfigPath(kubeconfig);
  const context = r.optionalString(map, 'context');
  if (context !== undefined) spec.context = context;
  return spec;
}

/** checkedPort: `port` (read from `key`) when it is a TCP port; else BadInput at its line, "<what> <port> is out of range". */
function checkedPort(r: EnvironmentReader, map: YAMLMap, key: string, port: number, what: string, hint: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw r.error(r.get(map, key, true), `${what} ${port} is out of range`, hint);
  return port;
}

function readService(r: EnvironmentReader, name: string, node: YamlNode): ServiceSpec {
  const map = r.map(node, `service ${name}`, 'a service has roles and port');
  const port = checkedPort(r, map, 'port', r.number(map, 'port', `service ${name}`), `service ${name}: port`, 'use a TCP port between 1 and 65535');
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

function readScope(r: EnvironmentReader, map: YAMLMap, nodeNames: Set<string>): ScopeSpec {
  const nodesNode = r.get(map, 'nodes', true);
  const nodes = r.stringList(nodesNode, 'scope nodes');
  for (const node of nodes) {
    if (!nodeNames.has(node)) throw r.error(nodesNode, `scope names node "${node}", which is not in nodes`, `list only nodes defined under nodes: ${[...nodeNames].join(', ')}`);
  }
  const maxNodesAtOnce = r.optionalNumber(map, 'maxNodesAtOnce') ?? 1;
  if (!Number.isInteger(maxNodesAtOnce) || maxNodesAtOnce < 1 || (map.has('maxNodesAtOnce') && maxNodesAtOnce > Math.max(1, nodes.length))) throw r.error(r.get(map, 'maxNodesAtOnce', true), `scope maxNodesAtOnce must be a whole number from 1 to the ${nodes.length} node(s) in scope, got ${maxNodesAtOnce}`, 'write e.g. maxNodesAtOnce: 1');
  const maxFaultDurationMs = r.optionalDuration(map, 'maxFaultDuration') ?? DEFAULT_MAX_FAULT_DURATION_MS;
  if (maxFaultDurationMs < 1000) throw r.error(r.get(map, 'maxFaultDuration', true), `scope maxFaultDuration must be at least 1s, got ${maxFaultDurationMs} ms`, 'write e.g. maxFaultDuration: 30m');
  return { nodes, maxNodesAtOnce, allowDestructive: r.optionalBoolean(map, 'allowDestructive') ?? false, maxFaultDurationMs };
}

function readDefaults(r: EnvironmentReader, node: unknown): Defaults {
  const defaults: Defaults = { faultTtlGraceMs: 15_000, probeRateHz: 10, probeTimeoutMs: 1000, stabilizationMs: 2000 };
  if (!node) return defaults;
  const map = r.map(node, 'defaults', 'defaults is a mapping');
  const ttl = r.optionalDuration(map, 'faultTtlGrace');
  const rate = r.optionalNumber(map, 'probeRate');
  const timeout = r.optionalDuration(map, 'probeTimeout');
  const stabilization = r.optionalDuration(map, 'stabilization');
  const within = (key: string, value: number, min: number, max: number, example: string): number => {
    if (value < min || value > max) throw r.error(r.get(map, key, true), `defaults ${key} ${formatDuration(value)} is out of range (${formatDuration(min)} to ${formatDuration(max)})`, `write e.g. ${key}: ${example}`);
    return value;
  };
  if (ttl !== undefined) defaults.faultTtlGraceMs = within('faultTtlGrace', ttl, 1000, MAX_TTL_GRACE_MS, '15s');
  if (rate !== undefined) {
    if (!(rate > 0 && rate <= 100)) throw r.error(r.get(map, 'probeRate', true), `defaults probeRate ${rate} is out of range`, 'write a rate in Hz between 0 and 100, e.g. probeRate: 10');
    defaults.probeRateHz = rate;
  }
  if (timeout !== undefined) defaults.probeTimeoutMs = within('probeTimeout', timeout, 1, MAX_PROBE_TIMEOUT_MS, '1s');
  if (stabilization !== undefined) defaults.stabilizationMs = within('stabilization', stabilization, 0, MAX_STABILIZATION_MS, '2s');
  return defaults;
}

function readLab(r: EnvironmentReader, map: YAMLMap): LabSpec {
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

