/**
 * Resolving names in steps to things in the environment, with scope checks. Every refusal happens at plan
 * time and says what exists and what to change.
 */
import { BadInput } from '../kernel/errors';
import type { Environment, NodeSpec, ServiceSpec } from '../model/environment';
import { executorFor } from '../executors';
import type { FaultTarget } from '../core/fault';

export function resolveNode(env: Environment, name: string): NodeSpec {
  const node = env.nodes.find((n) => n.name === name);
  if (!node) {
    throw new BadInput(
      `node "${name}" is not in environment ${env.name}`,
      undefined,
      `use one of: ${env.nodes.map((n) => n.name).join(', ')} (defined in ${env.sourcePath})`,
    );
  }
  return node;
}

export function resolveService(env: Environment, name: string): ServiceSpec {
  const service = env.services[name];
  if (!service) {
    throw new BadInput(
      `service "${name}" is not in environment ${env.name}`,
      undefined,
      `use one of: ${Object.keys(env.services).join(', ') || '(none defined)'} (defined in ${env.sourcePath})`,
    );
  }
  return service;
}

/** nodesOfService: the nodes a service runs on (those having one of its roles). */
export function nodesOfService(env: Environment, service: ServiceSpec): NodeSpec[] {
  return env.nodes.filter((node) => node.roles.some((role) => service.roles.includes(role)));
}

/** faultTarget: a node (and optionally a service on it) that a fault may act on; refuses what is out of scope. */
export function faultTarget(env: Environment, nodeName: string, serviceName?: string): FaultTarget {
  const node = resolveNode(env, nodeName);
  if (!env.scope.nodes.includes(node.name)) {
    throw new BadInput(
      `node ${node.name} is out of scope for environment ${env.name}: faults may only touch ${env.scope.nodes.join(', ')}`,
      undefined,
      `add ${node.name} to scope.nodes in ${env.sourcePath} if it may be harmed, or pick another node`,
    );
  }
  const target: FaultTarget = { node, executor: executorFor(node.executor) };
  if (serviceName !== undefined) {
    const service = resolveService(env, serviceName);
    if (!nodesOfService(env, service).includes(node)) {
      throw new BadInput(
        `service ${service.name} does not run on ${node.name}`,
        undefined,
        `pick one of: ${nodesOfService(env, service).map((n) => n.name).join(', ')}`,
      );
    }
    target.service = service;
  }
  return target;
}
