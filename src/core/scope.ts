/**
 * Scope and blast radius (DESIGN.md section 7) — the one rule every kind's selectors and the Experiment apply:
 * a fault may harm only nodes the environment lists in scope.nodes, and never more than scope.maxNodesAtOnce of
 * them at the same time. Every refusal is BadInput: it happens at plan time, before anything is touched.
 */
import { BadInput } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
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

/**
 * checkFaultTime: a fault is held for more than nothing and at most scope.maxFaultDuration; its TTL (the on-target
 * expiry) is at least the duration and at most scope.maxFaultDuration + defaults.faultTtlGrace. Both are fixed at
 * plan time, so no later timer, on the runner or on a node, is armed with an unbounded value.
 */
export function checkFaultTime(env: Environment, durationMs: number, ttlMs: number, what: string): void {
  const max = env.scope.maxFaultDurationMs;
  if (!(durationMs >= 1)) {
    throw new BadInput(`${what}: a fault held for ${formatDuration(durationMs)} is no fault`, undefined, 'give a duration of at least 1ms, e.g. for 5s; for a one-shot fault use a step without a duration');
  }
  if (durationMs > max) {
    throw new BadInput(
      `${what}: the fault would be held for ${formatDuration(durationMs)}, longer than scope.maxFaultDuration = ${formatDuration(max)} of environment ${env.name}`,
      undefined,
      `hold it for at most ${formatDuration(max)}, or raise scope.maxFaultDuration in ${env.sourcePath} (at most 24h) if so long a fault is intended`,
    );
  }
  if (ttlMs < durationMs) {
    throw new BadInput(`the TTL ${formatDuration(ttlMs)} is shorter than the fault's duration ${formatDuration(durationMs)}`, undefined, 'give a TTL longer than the duration, or leave it out (default: duration + faultTtlGrace)');
  }
  const maxTtl = max + env.defaults.faultTtlGraceMs;
  if (ttlMs > maxTtl) {
    throw new BadInput(
      `${what}: the TTL ${formatDuration(ttlMs)} is longer than scope.maxFaultDuration + defaults.faultTtlGrace = ${formatDuration(maxTtl)} of environment ${env.name}`,
      undefined,
      `give a TTL of at most ${formatDuration(maxTtl)}, or leave it out (default: duration + faultTtlGrace)`,
    );
  }
}

/** checkObserveTime: keeping a scenario observing is bounded like a fault: at most scope.maxFaultDuration. */
export function checkObserveTime(env: Environment, durationMs: number): void {
  if (durationMs <= env.scope.maxFaultDurationMs) return;
  throw new BadInput(
    `observing for ${formatDuration(durationMs)} is longer than scope.maxFaultDuration = ${formatDuration(env.scope.maxFaultDurationMs)} of environment ${env.name}`,
    undefined,
    `observe for at most ${formatDuration(env.scope.maxFaultDurationMs)}, or raise scope.maxFaultDuration in ${env.sourcePath}`,
  );
}

/** checkHarms: scope and blast radius of faults that act at the same time. */
export function checkHarms(env: Environment, harms: readonly Harm[], what: string): void {
  const nodes = harms.filter((harm) => harm.unit === 'node').map((harm) => harm.name);
  requireNodesInScope(env, nodes, what);
  requireBlastRadius(env, nodes, what);
}
