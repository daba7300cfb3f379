/**
 * KubeFaultContext: what every Kubernetes fault step needs — the cluster's client, the environment (scope), and
 * whether the scenario may be destructive. The namespace allow-list (kubernetes.namespaces) and the rule that no
 * fault takes every replica of a workload or every node without `@destructive` are checked here, at plan time.
 */
import { BadInput } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import type { KubeClient } from './client/client';
import { reachableClient } from './clients';

export interface KubeFaultContext {
  readonly env: Environment;
  readonly client: KubeClient;
  /** The scenario is tagged @destructive and the environment allows destructive scenarios. */
  readonly destructive: boolean;
}

export async function kubeFaultContext(env: Environment, tags: readonly string[]): Promise<KubeFaultContext> {
  const destructiveTag = tags.includes('@destructive');
  if (destructiveTag && !env.scope.allowDestructive) {
    throw new BadInput(`the scenario is tagged @destructive, but environment ${env.name} does not allow destructive scenarios`, { file: env.sourcePath }, 'set scope.allowDestructive: true in the environment (only for a lab or a cluster that may lose workloads), or remove the tag');
  }
  return { env, client: await reachableClient(env), destructive: destructiveTag && env.scope.allowDestructive };
}

/** requireNamespace: faults touch only namespaces in kubernetes.namespaces (kube-system only when listed). */
export function requireNamespace(context: KubeFaultContext, namespace: string, what: string): void {
  const allowed = context.client.spec.namespaces;
  if (allowed.includes(namespace)) return;
  const system = namespace === 'kube-system' || namespace.startsWith('kube-');
  throw new BadInput(
    `${what}: namespace ${namespace} is not in kubernetes.namespaces of environment ${context.env.name} (${allowed.join(', ')})${system ? '; the cluster\'s own namespaces are refused unless listed' : ''}`,
    { file: context.env.sourcePath },
    system ? `pick a workload in ${allowed.join(', ')}; add ${namespace} to kubernetes.namespaces only if faults on the cluster's own components are intended` : `add ${namespace} to kubernetes.namespaces in ${context.env.sourcePath}, or pick a workload in ${allowed.join(', ')}`,
  );
}

/** requireNotAll: a fault may take `taken` of `total` (replicas, nodes) — every one of them only with @destructive. */
export function requireNotAll(context: KubeFaultContext, taken: number, total: number, what: string): void {
  if (taken < total || context.destructive) return;
  throw new BadInput(
    `${what} would take all ${total} of them at once, which no self-healing can hide`,
    { file: context.env.sourcePath },
    'take fewer (e.g. 50%), or tag the scenario @destructive where the environment allows destructive scenarios (scope.allowDestructive: true)',
  );
}
