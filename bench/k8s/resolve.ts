/**
 * The resolve step bench:k8s times, as one function so the Kubernetes kind's own selectors can replace its body
 * without touching the benchmark.
 *
 * Contract (what bench/k8s.ts relies on):
 *   resolveTargets(client, query, seed) → Resolution
 *   - pods: the pods of `query.pods.namespace` that match `query.pods.labelSelector` (Kubernetes label-selector
 *     syntax, evaluated by the API server), of which `count` are chosen by `seed` (same seed, same pods);
 *   - nodes: every node that matches `query.nodes.labelSelector`;
 *   - it reads through the KubeClient only (paginated lists), changes nothing, and reports how many requests it made.
 * The benchmark checks the result (every pod matched, `count` chosen, the node count) so a faster but wrong
 * resolver cannot pass.
 */
import type { KubeClient } from '../../src/kinds/kubernetes/client/client';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';
import type { Environment } from '../../src/model/environment';
import { selectPods } from '../../src/kinds/kubernetes/select/pods';

export interface PodQuery {
  namespace: string;
  labelSelector: string;
  /** How many of the matching pods become targets (at most all of them). */
  count: number;
}

export interface NodeQuery {
  labelSelector: string;
}

export interface ResolveQuery {
  pods: PodQuery;
  nodes: NodeQuery;
}

export interface Resolution {
  /** Names of the chosen pods. */
  pods: string[];
  /** How many pods matched before `count` chose among them. */
  podsMatched: number;
  /** Names of the matching nodes. */
  nodes: string[];
  /** API requests made (list pages). */
  requests: number;
}

export type Resolver = (client: KubeClient, query: ResolveQuery, seed: number) => Promise<Resolution>;

/**
 * resolveTargets: the Kubernetes kind's own pod selector (src/kinds/kubernetes/select/pods.ts: running, not
 * terminating, namespace allow-list, seeded pick) and a node list by label.
 */
export const resolveTargets: Resolver = async (client, query, seed) => {
  const env = { name: 'bench', sourcePath: 'bench/k8s.ts' } as Environment;
  const [selection, nodes] = await Promise.all([
    selectPods({ env, client, destructive: false }, query.pods.namespace, query.pods.labelSelector, { count: query.pods.count }, seed, 'bench:k8s'),
    client.list<KubeObject>('/api/v1/nodes', { labelSelector: query.nodes.labelSelector }, { resource: 'nodes' }),
  ]);
  return { pods: selection.pods.map((p) => p.metadata.name), podsMatched: selection.candidates, nodes: nodes.items.map((n) => n.metadata.name), requests: selection.pages + nodes.pages };
};
