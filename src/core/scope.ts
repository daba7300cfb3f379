/**
 * Scope and blast radius (DESIGN.md section 7) — the one rule every kind's selectors and the Experiment apply:
 * a fault may harm only nodes the environment lists in scope.nodes, and never more than scope.maxNodesAtOnce of
 * them at the same time. Every refusal is BadInput: it happens at plan time, before anything is touched.
 */
import { BadInput } from '../kernel/errors';
import type { Environment } from '../model/environment';
import type { Harm } from './fault';

/** requireNodesInScope: every named node must be in scope.nodes; `what` says who asks ("osd.3", "a fault on node-1"). */
export function requireNodesInScope(env: Environment, nodes: readonly string[], what: string): void {
  for (const node of nodes) {
    if (env.scope.nodes.includes(node)) continue;
    throw new BadInput(
      `${what}: node ${node} is out of scope for environment ${env.name}: faults may only touch ${env.scope.nodes.join(', ')}`,
      undefined,
      `add ${node} to scope.nodes in ${env.sourcePath} if it may be harmed, or pick another node`,
    );
  }
}

/** requireBlastRadius: at most scope.maxNodesAtOnce distinct nodes harmed at the same time. */
export function requireBlastRadius(env: Environment, nodes: readonly string[], what: string): void {
  const distinct = [...new Set(nodes)];
  if (distinct.length <= env.scope.maxNodesAtOnce) return;
  throw new BadInput(
    `${what} picks ${distinct.length} nodes (${distinct.join(', ')}), more than scope.maxNodesAtOnce = ${env.scope.maxNodesAtOnce} of environment ${env.name}`,
    undefined,
    `select at most ${env.scope.maxNodesAtOnce}, or raise scope.maxNodesAtOnce in ${env.sourcePath} if that blast radius is intended`,
  );
}

/** checkHarms: scope and blast radius of faults that act at the same time. */
export function checkHarms(env: Environment, harms: readonly Harm[], what: string): void {
  const nodes = harms.filter((harm) => harm.unit === 'node').map((harm) => harm.name);
  requireNodesInScope(env, nodes, what);
  requireBlastRadius(env, nodes, what);
}
