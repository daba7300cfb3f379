/**
 * The target of a host fault: a node in scope, how to reach it, and the service it is about (if any). Every
 * refusal happens at plan time and says what exists and what to change.
 */
import { BadInput } from '../../kernel/errors';
import type { Environment, NodeSpec, ServiceSpec } from '../../model/environment';
import { executorFor } from '../../executors';
import { nodesOfService, resolveNode, resolveService } from '../../environment/inventory';
import { requireNodesInScope } from '../../core/scope';
import type { ShellTarget } from '../../revert/shell-fault';

/** FaultTarget: the node a host fault acts on, how to reach it, and the service it is about (if any). */
export interface FaultTarget extends ShellTarget {
  service?: ServiceSpec;
  /**
   * witnesses: the environment's other nodes, reached through their own executors: network faults knock from
   * them to prove what the target's input hook drops (src/kinds/hosts/network/nft-proof.ts). Nodes reached the
   * same way as the target from the same machine (two `local` nodes) are left out: they are one host.
   */
  witnesses?: readonly ShellTarget[];
}

/** faultTarget: a node (and optionally a service on it) that a fault may act on; refuses what is out of scope. */
export function faultTarget(env: Environment, nodeName: string, serviceName?: string): FaultTarget {
  const node = resolveNode(env, nodeName);
  requireNodesInScope(env, [node.name], `a fault on ${node.name}`);
  const sameHost = (other: NodeSpec): boolean => other.executor.kind === 'local' && node.executor.kind === 'local';
  const witnesses = env.nodes.filter((other) => other.name !== node.name && other.address !== node.address && !sameHost(other)).map((other) => ({ node: other, executor: executorFor(other.executor) }));
  const target: FaultTarget = { node, executor: executorFor(node.executor), witnesses };
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
