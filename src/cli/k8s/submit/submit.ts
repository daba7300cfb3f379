/**
 * `scs-chaos k8s submit --shards N [--namespace NS] [--image REF] [--parallelism P] [--deadline D] [--reports DIR]
 * [plan options] [FEATURE...]`: runs the selected scenarios inside the environment's cluster as an Indexed Job, one
 * pod per shard, and makes one run directory of what the pods report (docs/decisions/0158).
 *
 * In order — everything that can be bad input is checked before the cluster is touched:
 *  1. the shard pods' environment (pod-environment.ts) and each shard's share of scope.maxNodesAtOnce;
 *  2. the plan with that share, and its deterministic split (printed as `k8s shards` prints it);
 *  3. the least-privilege RBAC of `k8s rbac`, for a ServiceAccount of this submit alone;
 *  4. the preflight of a run (leftovers of an earlier run refuse the submit), the namespace and the image;
 * then the objects are created, the shards followed and collected (follow.ts), everything deleted again — on every
 * path: pass, fail, error, SIGINT, SIGTERM — and the shards merged (report/merge-runs.ts) into
 * <reports>/<run-id>/, whose exit code is the command's (4 when stopped by a signal).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { BadInput, errorMessage } from '../../../kernel/errors';
import { formatDuration, parseDuration } from '../../../kernel/duration';
import { now, sleep } from '../../../kernel/clock';
import type { Environment } from '../../../model/environment';
import type { K8sIo } from '../command';
import type { KubeClient } from '../../../kinds/kubernetes/client/client';
import type { SubmitObject } from '../../../kinds/kubernetes/submit/objects';
import { takeFlags } from '../take-flags';
import { requireWritableReports } from '../../input-checks';
import { describeShards, parseShardCount, splitIntoShards, type ShardPlan } from '../shards';
import { checkedNamespace, DEFAULT_HELPER_NAMESPACE, deriveRbac } from '../rbac-command';
import { podEnvironment } from './pod-environment';
import { CODE_DIRECTORIES, MAX_CONFIG_BYTES, SHARD_CONTAINER, submitConfigMap, submitJob, submitLabels, submitName, type SubmitManifestOptions } from './manifests';
import { POD_COLLECTED_FILE, POD_EXIT_CODE_FILE, POD_RUNS_DIR } from './pod-script';

const DEFAULT_DEADLINE = '2h';
/** How long a shard pod waits for the submitter to take its run directory. */
const COLLECT_SECONDS = 600;
/** A finished Job (of a submitter that was killed) is deleted by the cluster this long after. */
const TTL_SECONDS = 600;
/** After the Job is deleted its pods get SIGTERM and up to 180 s to revert; this is how long we wait for them. */
const PODS_GONE_TIMEOUT_MS = 240_000;
const EXIT_ABORTED = 4;

/** submitId: "20261206-221753-71e4", DNS-safe and sortable; names every object of the submit. */
function newSubmitId(): string {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** parallelismOf: the shards that run at once, and each one's share of scope.maxNodesAtOnce (decision 0158). */
export function parallelismOf(env: Pick<Environment, 'scope' | 'sourcePath'> & { sections: object }, shardCount: number, asked: string | undefined): { parallelism: number; maxNodesPerShard: number } {
  const budget = env.scope.maxNodesAtOnce;
  let parallelism = Math.max(1, Math.min(shardCount, budget));
  if (asked !== undefined) {
    parallelism = Number(asked);
    if (!/^\d+$/.test(asked) || parallelism < 1) throw new BadInput(`--parallelism ${asked} is not a number of pods`, undefined, 'give a whole number from 1, e.g. --parallelism 2');
    parallelism = Math.min(parallelism, shardCount);
  }
  const share = Math.floor(budget / parallelism);
  if (share < 1) {
    throw new BadInput(
      `--parallelism ${parallelism}: scope.maxNodesAtOnce = ${budget} cannot be shared by ${parallelism} shards running at once (each needs at least one node)`,
      { file: env.sourcePath },
      `run at most ${budget} shard(s) at once (--parallelism ${budget}, the default), or raise scope.maxNodesAtOnce if that blast radius is intended`,
    );
  }
  if (parallelism > 1 && 'ceph' in env.sections && (env.sections as { ceph?: unknown }).ceph !== undefined) {
    throw new BadInput(`--parallelism ${parallelism}: the environment has Ceph, whose failure-domain budget one shard cannot share with another`, { file: env.sourcePath }, 'use --parallelism 1: the shards then run one after the other');
  }
  return { parallelism, maxNodesPerShard: share };
}

/**
 * shippedFeatures: the feature files the shards run, relative to the project (the pods mount them at the same paths
 * below the image's project), never in a top directory of code (CODE_DIRECTORIES) or at the top itself.
 */
function shippedFeatures(plan: ShardPlan): Map<string, string> {
  const files = new Map<string, string>();
  let bytes = 0;
  for (const scenario of plan.shards.flatMap((s) => s.scenarios)) {
    if (files.has(scenario.feature)) continue;
    const path = normalize(scenario.feature);
    const top = path.split('/')[0] ?? '';
    const fix = 'keep features in a directory of the project such as features/, or run this one with scs-chaos run';
    if (isAbsolute(path) || path.startsWith('..') || !path.includes('/')) {
      throw new BadInput(`${scenario.feature}: k8s submit mounts feature files at their path in the image's project, and this one is not in a directory of the project`, { file: scenario.feature }, fix);
    }
    if (CODE_DIRECTORIES.includes(top)) throw new BadInput(`${scenario.feature}: k8s submit would mount it over the image's code directory ${top}/`, { file: scenario.feature }, fix);
    const text = readFileSync(path, 'utf8');
    bytes += Buffer.byteLength(text);
    files.set(scenario.feature, text);
  }
  if (bytes > MAX_CONFIG_BYTES) throw new BadInput(`the selected feature files are ${Math.round(bytes / 1024)} KiB, more than a ConfigMap holds (${MAX_CONFIG_BYTES / 1024} KiB)`, undefined, 'submit fewer features at a time');
  return files;
}

export async function submitCommand(args: string[], io: K8sIo): Promise<number> {
  const taken = takeFlags(args, ['shards', 'namespace', 'image', 'parallelism', 'deadline', 'reports']);
  const count = taken.values.get('shards');
  if (count === undefined) throw new BadInput('k8s submit needs --shards N', undefined, 'give the number of shard pods, e.g. scs-chaos k8s submit --shards 3 --env experiments/environments/lab-kube-node.yaml features/kubernetes');
  const shardCount = parseShardCount(count);
  const namespace = checkedNamespace(taken.values.get('namespace') ?? DEFAULT_HELPER_NAMESPACE);
  const deadlineMs = parseDuration(taken.values.get('deadline') ?? DEFAULT_DEADLINE);
  if (deadlineMs < 60_000) throw new BadInput(`--deadline ${taken.values.get('deadline') ?? ''} is shorter than a minute`, undefined, 'give the time the whole Job may take, e.g. --deadline 2h');
  const reportsDir = resolve(taken.values.get('reports') ?? 'reports');
  // Checked now, not after a run of hours whose reports would have nowhere to go.
  requireWritableReports(reportsDir);
  const options = io.planOptions(taken.rest);
  const log = io.log;
  await import('../../../kinds');
  const { loadEnvironment } = await import('../../../environment/load');

  // 1-2: the pods' environment and the plan with each shard's share of the blast radius.
  const env = loadEnvironment(options.envPath);
  const { parallelism, maxNodesPerShard } = parallelismOf(env, shardCount, taken.values.get('parallelism'));
  const environment = podEnvironment({ file: env.sourcePath, text: readFileSync(env.sourcePath, 'utf8'), maxNodesPerShard });
  const { checkedPlan } = await import('../../run');
  const checked = await checkedPlan(options, (loaded) => ({ ...loaded, scope: { ...loaded.scope, maxNodesAtOnce: maxNodesPerShard } }));
  if (typeof checked === 'number') return checked;
  const shardPlan = splitIntoShards(checked.plan.scenarioIds, shardCount);
  const features = shippedFeatures(shardPlan);
  const id = newSubmitId();
  const name = submitName(id);

  // 3: the RBAC of `k8s rbac`, for this submit's own ServiceAccount.
  const rbac = await deriveRbac(options, namespace, name, log);
  if (typeof rbac === 'number') return rbac;
  const labels = submitLabels(id);
  const rbacObjects = parseAllDocuments(rbac).map((doc) => doc.toJS() as SubmitObject).filter((o) => o && typeof o.kind === 'string');
  for (const object of rbacObjects) object.metadata.labels = { ...object.metadata.labels, ...labels };

  // The runners' own preflight, from here: leftovers of an earlier run refuse the submit before anything is created.
  const { preflight, refusedByPreflight } = await import('../../preflight');
  if (refusedByPreflight(await preflight(env), log, 'preflight refused to submit; nothing was created or injected:', `scs-chaos sweep --env ${env.sourcePath} (finds them by name), then submit again; they also expire at their TTL`)) return 2;

  // 4: the image, the cluster and the namespace.
  const image = taken.values.get('image') ?? (await (await import('./image')).defaultImage());
  const client = await (await import('../../../kinds/kubernetes/client/client')).KubeClient.connect(env);
  try {
    await client.get(`/api/v1/namespaces/${namespace}`, { resource: 'namespaces', name: namespace }).catch((error: unknown) => {
      throw new BadInput(`namespace ${namespace} of cluster ${client.connection.cluster}: ${errorMessage(error)}`, undefined, `create it (kubectl create namespace ${namespace}; kube-node helper pods need label pod-security.kubernetes.io/enforce=privileged), or give --namespace`);
    });
    const manifest: SubmitManifestOptions = { id, namespace, image, shardPlan, parallelism, seed: checked.plan.seed, environment, features, deadlineSeconds: Math.ceil(deadlineMs / 1000), collectSeconds: COLLECT_SECONDS, ttlSeconds: TTL_SECONDS };
    const configMap = submitConfigMap(manifest);
    if (Buffer.byteLength(JSON.stringify(configMap)) > MAX_CONFIG_BYTES) throw new BadInput('the environment and feature files are more than a ConfigMap holds', undefined, 'submit fewer features at a time');

    for (const line of describeShards(shardPlan)) log(line);
    log(`submit ${id}: ${shardPlan.shards.length} shard pod(s) in namespace ${namespace} of cluster ${client.connection.cluster}, ${parallelism} at a time (each may harm ${maxNodesPerShard} node(s) at once: scope.maxNodesAtOnce ${env.scope.maxNodesAtOnce} shared); image ${image}; seed ${checked.plan.seed}; deadline ${formatDuration(deadlineMs)}`);
    return await runSubmitted({ client, namespace, id, name, objects: [...rbacObjects, configMap, submitJob(manifest)], shardPlan, env, reportsDir, deadlineMs, log, out: io.out });
  } finally {
    client.close();
  }
}

interface Submitted {
  client: KubeClient;
  namespace: string;
  id: string;
  name: string;
  /** In creation order; the Job last. */
  objects: SubmitObject[];
  shardPlan: ShardPlan;
  env: Environment;
  reportsDir: string;
  deadlineMs: number;
  log: (line: string) => void;
  out: (text: string) => void;
}

/** runSubmitted: creates the objects, follows the shards, deletes everything, merges; the merged run's exit code. */
async function runSubmitted(s: Submitted): Promise<number> {
  const { createObject, deleteObject, deleteObjects, describeObject } = await import('../../../kinds/kubernetes/submit/objects');
  const { followShards } = await import('../../../kinds/kubernetes/submit/follow');
  const { newRunId, createRunDirectory, pointLatestAt } = await import('../../run-directory');
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.signal.aborted) s.log(`${signal}: stopping — the Job is deleted, its pods revert their faults (up to ${PODS_GONE_TIMEOUT_MS / 1000} s), then everything of submit ${s.id} is removed`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const created: SubmitObject[] = [];
  const shardsDir = join(s.reportsDir, `.submit-${s.id}`);
  const started = now();
  let outcomes: Awaited<ReturnType<typeof followShards>> = [];
  try {
    for (const object of s.objects) {
      if (stop.signal.aborted) break;
      await createObject(s.client, object);
      created.push(object);
    }
    s.log(`created ${created.map(describeObject).join(', ')}`);
    if (!stop.signal.aborted) {
      // A cluster that stops answering ends the following, not the submit: what was collected is merged.
      outcomes = await followShards({
        client: s.client,
        namespace: s.namespace,
        job: s.name,
        submitId: s.id,
        shardCount: s.shardPlan.shards.length,
        files: { container: SHARD_CONTAINER, runsDir: POD_RUNS_DIR, exitCodeFile: POD_EXIT_CODE_FILE, collectedFile: POD_COLLECTED_FILE },
        into: (index) => join(shardsDir, `shard-${index}`),
        log: s.log,
        signal: stop.signal,
        deadlineAt: started + s.deadlineMs + 5 * 60_000,
      }).catch((error: unknown) => {
        const why = `following the shards failed: ${errorMessage(error)}`;
        s.log(why);
        return s.shardPlan.shards.map((shard) => (existsSync(join(shardsDir, `shard-${shard.index}`, 'summary.json')) ? { index: shard.index, state: 'collected' as const, exitCode: -1, pod: '?', node: '?' } : { index: shard.index, state: 'lost' as const, why }));
      });
    }
  } finally {
    // The Job first: its pods get SIGTERM and revert while their ServiceAccount still has its rights.
    const job = created.find((o) => o.kind === 'Job');
    const leftBehind: string[] = [];
    if (job) {
      await deleteObject(s.client, job).catch((error: unknown) => void leftBehind.push(`${describeObject(job)}: ${errorMessage(error)}`));
      await waitForPodsGone(s);
    }
    leftBehind.push(...(await deleteObjects(s.client, created.filter((o) => o !== job))));
    if (leftBehind.length) for (const line of leftBehind) s.log(`left in the cluster: ${line} — scs-chaos sweep --env ${s.env.sourcePath} removes it`);
    else if (created.length) s.log(`submit ${s.id}: its Job, pods, ConfigMap, ServiceAccount and RBAC are deleted (${formatDuration(now() - started)})`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const runId = newRunId();
  const runDir = createRunDirectory(s.reportsDir, runId);
  const collected = outcomes.filter((o) => o.state === 'collected');
  const lost = outcomes.flatMap((o) => (o.state === 'lost' ? [`shard ${o.index}: ${o.why}`] : []));
  for (const shard of s.shardPlan.shards) if (!outcomes.some((o) => o.index === shard.index)) lost.push(`shard ${shard.index}: not run (the submit was stopped)`);
  const { mergeRuns } = await import('../../../report/merge-runs');
  const { formatConsoleSummary } = await import('../../../report/console-summary');
  const merged = await mergeRuns({
    runDirs: collected.map((o) => join(shardsDir, `shard-${o.index}`)),
    outDir: runDir,
    runId,
    expected: s.shardPlan.shards.flatMap((shard) => shard.scenarios),
    environment: s.env.name,
    lost,
    log: s.log,
  });
  writeFileSync(join(runDir, 'submit.json'), `${JSON.stringify({ submit: s.id, namespace: s.namespace, cluster: s.client.connection.cluster, shards: s.shardPlan.shards.map((shard) => ({ index: shard.index, args: shard.featureArgs, outcome: outcomes.find((o) => o.index === shard.index) ?? { state: 'not run' } })) }, null, 2)}\n`);
  if (existsSync(shardsDir)) rmSync(shardsDir, { recursive: true, force: true });
  pointLatestAt(s.reportsDir, runId);
  for (const line of lost) s.log(`not collected: ${line}`);
  s.out(`\n${formatConsoleSummary(merged.summary)}\n`);
  s.log(`reports: ${runDir}`);
  return stop.signal.aborted ? EXIT_ABORTED : merged.summary.exitCode;
}

/** waitForPodsGone: until no pod of the submit is left (they revert on SIGTERM first), bounded, with progress. */
async function waitForPodsGone(s: Submitted): Promise<void> {
  const { SUBMIT_LABEL, submitPods } = await import('../../../kinds/kubernetes/submit/objects');
  const until = now() + PODS_GONE_TIMEOUT_MS;
  // A pod that was collected ends by itself within a second or two: only a longer wait is worth a line.
  let lastLog = now() - 10_000;
  for (;;) {
    const pods = await submitPods(s.client, s.namespace, s.id).catch(() => null);
    if (pods !== null && pods.total === 0) return;
    if (now() > until) {
      s.log(`pods of submit ${s.id} are still stopping after ${PODS_GONE_TIMEOUT_MS / 1000} s; their rights are removed now (kubectl -n ${s.namespace} get pods -l ${SUBMIT_LABEL}=${s.id})`);
      return;
    }
    const stopping = pods?.running ?? 0;
    if (now() - lastLog > 15_000 && stopping > 0) {
      s.log(`waiting for ${stopping} pod(s) of submit ${s.id} to stop (a stopped runner reverts its faults first)`);
      lastLog = now();
    }
    await sleep(1000);
  }
}
