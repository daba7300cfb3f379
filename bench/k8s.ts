/**
 * bench:k8s — selectors and watches at scale: a real kube-apiserver and etcd on 127.0.0.1 (the lab's build,
 * watch cache on as in a real cluster) with kwok playing the kubelet of 2,000 nodes running 20,000 pods.
 * Measures, in this process (the runner): the time to resolve a selector over them (bench/k8s/resolve.ts: pods
 * by namespace + label selector with a count, nodes by label), and the time a watch over every node takes to show a
 * node NotReady after its Ready condition changes (bench/k8s/detect.ts); the runner's peak RSS over all of it.
 * The 22,000 objects are created by a child process (bench/k8s/populate-main.ts) so they never count as the
 * runner's memory. Targets: resolve < 2 s, detect < 1 s, runner RSS < 300 MB.
 *   usage: npm run bench:k8s [-- --nodes N --pods N --reps N --concurrency N]
 * Needs lab/kubernetes/build.sh to have run; builds kwok (bench/k8s/build-kwok.sh) when the cache lacks it.
 * Prints figures and phase times and, last, one JSON line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { now } from '../src/kernel/clock';
import { KubeClient } from '../src/kinds/kubernetes/client/client';
import { connectKube } from '../src/kinds/kubernetes/client/connection';
import { missingApiServer, startApiServer, TestApiServer } from '../test/support/kube-apiserver';
import { measureDetect } from './k8s/detect';
import { ensureKwok, KWOK_VERSION, RunningKwok, startKwok } from './k8s/kwok';
import { benchQuery, expectedMatches, FULL_POPULATION, nodeName, Population } from './k8s/population';
import { resolveTargets } from './k8s/resolve';
import { DEFAULT_RUNTIME_SOCKET } from '../src/kinds/kubernetes/environment';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : NaN;
};
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const rssOfPid = (pid: number | undefined): number | null => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round((Number(kb) * 1024) / 1e6) : null;
  } catch {
    return null;
  }
};

/** populate: the child process that creates every object and waits for kwok; resolves with its phase times. */
function populate(kubeconfig: string, population: Population, concurrency: number): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--require', 'ts-node/register', join(__dirname, 'k8s', 'populate-main.ts'), kubeconfig, JSON.stringify(population), String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as Record<string, number>);
      else reject(new Error(`populating the cluster failed (exit ${code})`));
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: String(FULL_POPULATION.nodes) },
      pods: { type: 'string', default: String(FULL_POPULATION.pods) },
      reps: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const population: Population = { ...FULL_POPULATION, nodes: Number(values.nodes), pods: Number(values.pods) };
  const reps = Number(values.reps);
  const concurrency = Number(values.concurrency);
  for (const [name, n] of Object.entries({ nodes: population.nodes, pods: population.pods, reps, concurrency })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${n} is not a whole number >= 1`);
  }
  if (population.nodes < population.pools) throw new Error(`--nodes must be at least ${population.pools} (one per pool)`);
  const missing = missingApiServer();
  if (missing) throw new Error(`bench:k8s needs the lab's kube-apiserver and etcd: ${missing}`);
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, act: () => Promise<T> | T): Promise<T> => {
    const started = now();
    const result = await act();
    phases[name] = round((now() - started) / 1000, 2);
    console.log(`phase ${name}: ${phases[name]} s`);
    return result;
  };

  await phase('kwokBuild', () => ensureKwok());
  let api: TestApiServer | undefined;
  let kwok: RunningKwok | undefined;
  let client: KubeClient | undefined;
  const cleanup = async (): Promise<void> => {
    client?.close();
    await kwok?.stop();
    await api?.stop();
  };
  const onSignal = (): void => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    api = await phase('apiServerStart', () => startApiServer({ watchCache: true, compactionInterval: '5m' }));
    const server = api;
    kwok = startKwok(server.kubeconfig, server.dir);
    const created = await phase('populate', () => populate(server.kubeconfig, population, concurrency));
    console.log(`population: ${population.nodes} nodes created in ${created.nodesCreatedSeconds} s, all Ready ${created.nodesReadySeconds} s; ${population.pods} pods created in ${created.podsCreatedSeconds} s (${created.createsPerSecond}/s, ${concurrency} at a time), all Running ${created.podsRunningSeconds} s`);

    client = await phase('connect', async () => KubeClient.withConnection({ kubeconfig: server.kubeconfig, namespaces: ['bench-0'], requestTimeoutMs: 30_000, runtimeSocket: DEFAULT_RUNTIME_SOCKET }, await connectKube({ kubeconfig: server.kubeconfig }, server.kubeconfig)));
    const runner = client;
    const connectedRssMB = Math.round(process.memoryUsage().rss / 1e6);
    const query = benchQuery(population);
    const expected = expectedMatches(population);
    const resolveTimes: number[] = [];
    let requests = 0;
    for (let rep = 0; rep < reps; rep++) {
      const started = now();
      const resolution = await resolveTargets(runner, query, rep + 1);
      resolveTimes.push((now() - started) / 1000);
      requests = resolution.requests;
      const wanted = Math.min(query.pods.count, expected.pods);
      if (resolution.podsMatched !== expected.pods || resolution.pods.length !== wanted || new Set(resolution.pods).size !== wanted || resolution.nodes.length !== expected.nodes) {
        throw new Error(`the resolver is wrong: ${resolution.podsMatched} pods matched (expected ${expected.pods}), ${resolution.pods.length} chosen (expected ${wanted}), ${resolution.nodes.length} nodes (expected ${expected.nodes})`);
      }
    }
    console.log(`resolve (pods in ${query.pods.namespace} with "${query.pods.labelSelector}": ${expected.pods} matched, ${Math.min(query.pods.count, expected.pods)} chosen; nodes "${query.nodes.labelSelector}": ${expected.nodes}; ${requests} list requests): first ${round(resolveTimes[0] as number)} s, median ${round(median(resolveTimes))} s, max ${round(Math.max(...resolveTimes))} s over ${reps}`);

    const probeNodes = Array.from({ length: reps }, (_, i) => nodeName((i * 7919) % population.nodes));
    const detect = await phase('detect', () => measureDetect(runner, probeNodes));
    console.log(`detect (watch over ${population.nodes} nodes, synced in ${round(detect.syncSeconds)} s): NotReady seen after median ${round(median(detect.detectSeconds))} s, max ${round(Math.max(...detect.detectSeconds))} s; kwok set Ready again after median ${round(median(detect.restoreSeconds))} s`);

    const runnerPeakMB = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
    const others = { apiserverMB: rssOfPid(server.pids.apiserver), etcdMB: rssOfPid(server.pids.etcd), kwokMB: rssOfPid(kwok.pid) };
    console.log(`memory: runner peak RSS ${runnerPeakMB} MB (${connectedRssMB} MB once connected, before resolving: the runtime, ts-node and client-node); kube-apiserver ${others.apiserverMB} MB, etcd ${others.etcdMB} MB, kwok ${others.kwokMB} MB`);
    const figures = {
      benchmark: 'k8s',
      kwokVersion: KWOK_VERSION,
      nodes: population.nodes,
      pods: population.pods,
      reps,
      resolveSeconds: round(median(resolveTimes)),
      resolveFirstSeconds: round(resolveTimes[0] as number),
      resolveMaxSeconds: round(Math.max(...resolveTimes)),
      podsMatched: expected.pods,
      nodesMatched: expected.nodes,
      detectSeconds: round(median(detect.detectSeconds)),
      detectMaxSeconds: round(Math.max(...detect.detectSeconds)),
      watchSyncSeconds: round(detect.syncSeconds),
      rssMB: runnerPeakMB,
      rssConnectedMB: connectedRssMB,
      ...others,
      phases: { ...phases, ...created },
      targets: { resolveSeconds: 2, detectSeconds: 1, rssMB: 300 },
    };
    await cleanup();
    console.log(JSON.stringify(figures));
  } catch (error) {
    await cleanup();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`bench:k8s: ${(error as Error).message}`);
  process.exit(1);
});
