/**
 * The population step of bench:k8s, in a process of its own so the 22,000 creations never count in the memory of
 * the runner that resolves and watches: creates the namespaces, the nodes (bounded parallel creates through the
 * client layer), waits until kwok made every node Ready, creates the pods, waits until kwok made every pod Running
 * (both seen through watches), then prints one JSON line with the phase times.
 *   usage: node -r ts-node/register bench/k8s/populate-main.ts KUBECONFIG POPULATION_JSON CONCURRENCY
 */
import { now } from '../../src/kernel/clock';
import { forEachBounded } from '../../src/kernel/bounded';
import { KubeClient } from '../../src/kinds/kubernetes/client/client';
import { connectKube } from '../../src/kinds/kubernetes/client/connection';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';
import type { KubeWatch } from '../../src/kinds/kubernetes/client/watch';
import { Creation, namespaceObjects, nodeObjects, podObjects, Population } from './population';
import { DEFAULT_RUNTIME_SOCKET } from '../../src/kinds/kubernetes/environment';

/** A progress line on stderr this often while creating and waiting. */
const PROGRESS_MS = 10_000;

/** No progress for this long while waiting for kwok means kwok is not working: fail instead of hanging. */
const STALL_MS = 60_000;

interface Tally {
  /** Resolves once `target` names were counted; rejects when the count stalls for STALL_MS. */
  reached: Promise<void>;
  watch: KubeWatch<KubeObject>;
}

/** tally: watches `path` and counts the names for which `counts` holds, until `target` are counted. */
function tally(client: KubeClient, path: string, query: Record<string, string>, resource: string, target: number, counts: (o: KubeObject) => boolean): Tally {
  const names = new Set<string>();
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const reached = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let lastProgress = now();
  const note = (o: KubeObject, deleted = false): void => {
    const before = names.size;
    if (!deleted && counts(o)) names.add(o.metadata.name);
    else names.delete(o.metadata.name);
    if (names.size !== before) lastProgress = now();
    if (names.size >= target) settle.resolve();
  };
  let lastLine = now();
  const stall = setInterval(() => {
    if (now() - lastLine > PROGRESS_MS) {
      lastLine = now();
      process.stderr.write(`  populate: ${names.size} of ${target} ${resource} ${resource === 'nodes' ? 'Ready' : 'Running'}\n`);
    }
    if (now() - lastProgress > STALL_MS) settle.reject(new Error(`${resource}: ${names.size} of ${target} after no progress for ${STALL_MS / 1000}s (is kwok running? see its log)`));
  }, 1000);
  void reached.finally(() => clearInterval(stall)).catch(() => undefined);
  const watch = client.watch<KubeObject>({
    path,
    query,
    subject: { resource },
    onSync: (items) => items.forEach((o) => note(o)),
    onEvent: (type, o) => note(o, type === 'DELETED'),
  });
  if (target === 0) settle.resolve();
  return { reached, watch };
}

const isReady = (node: KubeObject): boolean => ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function createAll(client: KubeClient, objects: Iterable<Creation>, concurrency: number): Promise<number> {
  let created = 0;
  await forEachBounded(objects, concurrency, async (o) => {
    await client.send({ method: 'POST', path: o.path, body: o.body, subject: { verb: 'create', resource: o.resource, ...(o.namespace ? { namespace: o.namespace } : {}) } });
    created++;
  });
  return created;
}

async function main(): Promise<void> {
  const [kubeconfig, populationJson, concurrencyText] = process.argv.slice(2);
  if (!kubeconfig || !populationJson) throw new Error('usage: populate-main.ts KUBECONFIG POPULATION_JSON CONCURRENCY');
  const population = JSON.parse(populationJson) as Population;
  const concurrency = Number(concurrencyText ?? 16);
  const client = KubeClient.withConnection({ kubeconfig, namespaces: ['bench-0'], requestTimeoutMs: 60_000, runtimeSocket: DEFAULT_RUNTIME_SOCKET }, await connectKube({ kubeconfig }, kubeconfig));
  const seconds = (since: number): number => Number(((now() - since) / 1000).toFixed(2));
  const figures: Record<string, number> = {};
  try {
    await createAll(client, namespaceObjects(population), concurrency);
    let started = now();
    const nodes = tally(client, '/api/v1/nodes', {}, 'nodes', population.nodes, isReady);
    await nodes.watch.ready;
    await createAll(client, nodeObjects(population), concurrency);
    figures.nodesCreatedSeconds = seconds(started);
    await nodes.reached;
    figures.nodesReadySeconds = seconds(started);
    await nodes.watch.stop();
    started = now();
    const pods = tally(client, '/api/v1/pods', { fieldSelector: 'status.phase=Running' }, 'pods', population.pods, () => true);
    await pods.watch.ready;
    await createAll(client, podObjects(population), concurrency);
    figures.podsCreatedSeconds = seconds(started);
    figures.createsPerSecond = Math.round(population.pods / figures.podsCreatedSeconds);
    await pods.reached;
    figures.podsRunningSeconds = seconds(started);
    await pods.watch.stop();
  } finally {
    client.close();
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`populate: ${(error as Error).message}\n`);
  process.exit(1);
});
