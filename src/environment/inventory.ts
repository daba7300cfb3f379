/**
 * The environment's inventory: resolving names in steps to the nodes and services of the environment file. Every
 * refusal happens at plan time and says what exists and what to change. Scope is checked by src/core/scope.ts.
 */
import { BadInput } from '../kernel/errors';
import type { Environment, NodeSpec, ServiceSpec } from '../model/environment';

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
