/**
 * The built-in probes of a scenario, attached through its ScenarioHandle: a service's endpoint over HTTP, one
 * node's backend over HTTP or TCP, and a command on a node. Each returns the probe's name, which SLO steps use.
 */
import { BadInput } from '../kernel/errors';
import { executorFor } from '../executors';
import { resolveNode, resolveService } from '../environment/inventory';
import type { ScenarioHandle } from '../core/scenario-handle';
import { CommandProbe } from './command-probe';
import { HttpProbe } from './http-probe';
import { TcpProbe } from './tcp-probe';

/** probeService: samples the service's client endpoint over HTTP (in the lab: through haproxy). Probe name = service. */
export function probeService(scenario: ScenarioHandle, serviceName: string, rateHz: number, bodyIncludes?: string): string {
  const { env } = scenario;
  const service = resolveService(env, serviceName);
  if (!service.endpoint) throw new BadInput(`service ${service.name} has no endpoint to probe`, undefined, `add endpoint: http://... to service ${service.name} in ${env.sourcePath}`);
  const url = service.endpoint;
  const timeoutMs = env.defaults.probeTimeoutMs;
  const what = bodyIncludes === undefined ? `GET ${url}` : `GET ${url} expecting "${bodyIncludes}" in the body`;
  scenario.addProbe([service.name], rateHz, (onSample) => new HttpProbe({ name: service.name, url, rateHz, timeoutMs, onSample, ...(bodyIncludes === undefined ? {} : { bodyIncludes }) }), what);
  return service.name;
}

/** probeBackend: samples one node's backend of a service directly over HTTP. Probe name = "service@node". */
export function probeBackend(scenario: ScenarioHandle, serviceName: string, nodeName: string, rateHz: number): string {
  const { env } = scenario;
  const service = resolveService(env, serviceName);
  const node = resolveNode(env, nodeName);
  if (!service.backendUrl) {
    throw new BadInput(`service ${service.name} has no backendUrl`, undefined, `add backendUrl: http://{address}:${service.port}/ to service ${service.name} in ${env.sourcePath}`);
  }
  const url = service.backendUrl.replaceAll('{address}', node.address).replaceAll('{node}', node.name);
  const name = `${service.name}@${node.name}`;
  scenario.addProbe([name], rateHz, (onSample) => new HttpProbe({ name, url, rateHz, timeoutMs: env.defaults.probeTimeoutMs, onSample }), `GET ${url}`);
  return name;
}

/** probeTcp: TCP connects to a service's port on one node. Probe name = "service@node/tcp". */
export function probeTcp(scenario: ScenarioHandle, serviceName: string, nodeName: string, rateHz: number): string {
  const { env } = scenario;
  const service = resolveService(env, serviceName);
  const node = resolveNode(env, nodeName);
  const name = `${service.name}@${node.name}/tcp`;
  scenario.addProbe([name], rateHz, (onSample) => new TcpProbe({ name, host: node.address, port: service.port, rateHz, timeoutMs: env.defaults.probeTimeoutMs, onSample }), `TCP ${node.address}:${service.port}`);
  return name;
}

/** probeCommand: runs a shell command on a node through its executor; good when it exits 0. */
export function probeCommand(scenario: ScenarioHandle, name: string, nodeName: string, script: string, rateHz: number): string {
  const node = resolveNode(scenario.env, nodeName);
  const executor = executorFor(node.executor);
  // A command may legitimately take a while (a CLI starting up); it gets the whole period, at least 1 s.
  const timeoutMs = Math.max(1000, 1000 / rateHz);
  scenario.addProbe([name], rateHz, (onSample) => new CommandProbe({ name, executor, script, rateHz, timeoutMs, onSample }), `command "${script}" on ${node.name}`);
  return name;
}
