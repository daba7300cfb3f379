/**
 * The simulated cluster of bench:k8s: how many nodes and pods, their names and labels, the query the benchmark
 * resolves over them and what that query must find — one place, so the population, the resolver's check and the
 * smoke test agree.
 *
 *   node i  kwok-node-<i>, labels type=kwok, scs-chaos.bench/pool=pool-<i mod pools>, annotation kwok.x-k8s.io/node=fake
 *   pod i   pod-<i> in namespace bench-<i mod namespaces>, label app=app-<(i div namespaces) mod apps>,
 *           bound to kwok-node-<i mod nodes> (spec.nodeName: no scheduler is needed)
 */
import type { ResolveQuery } from './resolve';

export interface Population {
  nodes: number;
  pods: number;
  namespaces: number;
  apps: number;
  pools: number;
}

export const FULL_POPULATION: Population = { nodes: 2000, pods: 20000, namespaces: 5, apps: 10, pools: 10 };

const POOL_LABEL = 'scs-chaos.bench/pool';

export const nodeName = (i: number): string => `kwok-node-${i}`;
export const namespaceName = (i: number): string => `bench-${i}`;
const podNamespace = (p: Population, i: number): number => i % p.namespaces;
const podApp = (p: Population, i: number): number => Math.floor(i / p.namespaces) % p.apps;

/**
 * BENCH_QUERY: pods of one namespace with half the apps (2,000 of 20,000), 50 of them chosen (at most half the
 * matches in a small population: the selector refuses taking every pod); the nodes of one pool.
 */
export function benchQuery(p: Population): ResolveQuery {
  const apps = Array.from({ length: Math.ceil(p.apps / 2) }, (_, a) => `app-${a}`);
  return {
    pods: { namespace: namespaceName(0), labelSelector: `app in (${apps.join(',')})`, count: Math.min(50, Math.max(1, Math.floor(expectedMatches(p).pods / 2))) },
    nodes: { labelSelector: `${POOL_LABEL}=pool-3,type=kwok` },
  };
}

/** expectedMatches: what benchQuery must find in population p, counted from the population's own rules. */
export function expectedMatches(p: Population): { pods: number; nodes: number } {
  const half = Math.ceil(p.apps / 2);
  let pods = 0;
  for (let i = 0; i < p.pods; i++) if (podNamespace(p, i) === 0 && podApp(p, i) < half) pods++;
  let nodes = 0;
  for (let i = 0; i < p.nodes; i++) if (i % p.pools === 3) nodes++;
  return { pods, nodes };
}

export interface Creation {
  path: string;
  body: unknown;
  resource: string;
  namespace?: string;
}

export function* namespaceObjects(p: Population): Generator<Creation> {
  for (let i = 0; i < p.namespaces; i++) yield { path: '/api/v1/namespaces', resource: 'namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName(i) } } };
}

export function* nodeObjects(p: Population): Generator<Creation> {
  for (let i = 0; i < p.nodes; i++) {
    const name = nodeName(i);
    yield {
      path: '/api/v1/nodes',
      resource: 'nodes',
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok', [POOL_LABEL]: `pool-${i % p.pools}`, 'kubernetes.io/hostname': name } },
      },
    };
  }
}

export function* podObjects(p: Population): Generator<Creation> {
  for (let i = 0; i < p.pods; i++) {
    const namespace = namespaceName(podNamespace(p, i));
    yield {
      path: `/api/v1/namespaces/${namespace}/pods`,
      resource: 'pods',
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod-${i}`, namespace, labels: { app: `app-${podApp(p, i)}` } },
        spec: { nodeName: nodeName(i % p.nodes), containers: [{ name: 'c', image: 'fake' }] },
      },
    };
  }
}
