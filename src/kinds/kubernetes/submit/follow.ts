/**
 * followShards: watches the pods of a submitted Indexed Job until every shard is accounted for (docs/decisions/0158)
 * — collected (its run directory is here) or lost (its pod failed, could not start, or the Job ended first). It
 * polls every POLL_MS: the pods by label, each running pod's exit-code file, the Job's conditions; it prints every
 * shard pod's log lines as they come ("[shard 1] ...") and a line on the shards every PROGRESS_MS. It returns when
 * all shards are settled, when `signal` aborts (the caller deletes the Job), or at `deadlineAt`.
 */
import { errorMessage } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import { now, sleep } from '../../../kernel/clock';
import type { KubeClient } from '../client/client';
import type { KubeObject } from '../client/list';
import { podStart, type JobPod } from '../node-pods/pod-start';
import { collectRunDirectory, runExitCode, type ShardPod } from './collect';
import { SUBMIT_LABEL } from './objects';

const POLL_MS = 2_000;
const EXIT_CHECK_MS = 4_000;
const PROGRESS_MS = 30_000;
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

export interface ShardFiles {
  container: string;
  runsDir: string;
  exitCodeFile: string;
  collectedFile: string;
}

export interface FollowOptions {
  client: KubeClient;
  namespace: string;
  job: string;
  submitId: string;
  shardCount: number;
  files: ShardFiles;
  /** The local directory shard `index`'s run directory is unpacked into. */
  into: (index: number) => string;
  log: (line: string) => void;
  signal: AbortSignal;
  deadlineAt: number;
}

export type ShardOutcome = { index: number; state: 'collected'; exitCode: number; pod: string; node: string } | { index: number; state: 'lost'; why: string; pod?: string };

interface ShardJobPod extends JobPod {
  metadata: KubeObject['metadata'] & { annotations?: Record<string, string> };
  spec?: { nodeName?: string };
}

interface JobStatus extends KubeObject {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** jobEnded: why the Job ended without us (deadline, failure), or undefined while it runs or completed normally. */
function jobEnded(job: JobStatus): string | undefined {
  const failed = job.status?.conditions?.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  if (!failed || failed.reason === 'FailedIndexes') return undefined;
  return `Job ended: ${failed.reason ?? 'Failed'}${failed.message ? ` (${failed.message})` : ''}`;
}

export async function followShards(options: FollowOptions): Promise<ShardOutcome[]> {
  const { client, namespace, files, log } = options;
  const outcomes = new Map<number, ShardOutcome>();
  const logStreams = new AbortController();
  const following = new Set<string>();
  const lastChecked = new Map<string, number>();
  const started = now();
  let lastProgress = started;
  let lastState = '';
  const settleRest = (why: string): void => {
    for (let index = 0; index < options.shardCount; index++) if (!outcomes.has(index)) outcomes.set(index, { index, state: 'lost', why });
  };
  const follow = (pod: string, index: number): void => {
    if (following.has(pod)) return;
    following.add(pod);
    client.rest
      .stream({ method: 'GET', path: `/api/v1/namespaces/${namespace}/pods/${pod}/log`, query: { follow: true, container: files.container }, subject: { verb: 'get', resource: 'pods/log', namespace, name: pod }, timeoutMs: 30_000 }, (line) => log(`  [shard ${index}] ${line}`), logStreams.signal)
      .catch((error: unknown) => log(`  [shard ${index}] (its log could not be followed: ${errorMessage(error)})`));
  };
  try {
    while (outcomes.size < options.shardCount && !options.signal.aborted) {
      if (now() > options.deadlineAt) {
        settleRest(`the submit's deadline passed after ${formatDuration(now() - started)}`);
        break;
      }
      const pods = (await client.list<ShardJobPod>(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: `${SUBMIT_LABEL}=${options.submitId}` }, { resource: 'pods', namespace })).items;
      const running: string[] = [];
      for (const pod of pods) {
        const index = Number(pod.metadata.annotations?.[INDEX_ANNOTATION]);
        if (!Number.isInteger(index) || outcomes.has(index)) continue;
        const name = pod.metadata.name;
        const start = podStart(pod);
        if (start.state === 'running') {
          running.push(`${index} on ${pod.spec?.nodeName ?? '?'}`);
          follow(name, index);
          if (now() - (lastChecked.get(name) ?? 0) < EXIT_CHECK_MS) continue;
          lastChecked.set(name, now());
          const shardPod: ShardPod = { connection: client.connection, namespace, pod: name, container: files.container };
          const exitCode = await runExitCode(shardPod, files.exitCodeFile).catch(() => undefined);
          if (exitCode === undefined) continue;
          const collected = await collectRunDirectory(shardPod, files.runsDir, options.into(index), files.collectedFile).catch((error: unknown) => ({ ok: false as const, why: errorMessage(error) }));
          if (collected.ok) {
            outcomes.set(index, { index, state: 'collected', exitCode, pod: name, node: pod.spec?.nodeName ?? '?' });
            log(`shard ${index}: run exit ${exitCode}; run directory collected (${(collected.bytes / 1024).toFixed(0)} KiB) from pod ${name}`);
          } else {
            outcomes.set(index, { index, state: 'lost', why: `run exit ${exitCode}, no run directory: ${collected.why}`, pod: name });
            log(`shard ${index}: run exit ${exitCode}, but no run directory to collect: ${collected.why}`);
          }
        } else if (start.state === 'failed' || start.state === 'ended') {
          const why = start.state === 'failed' ? start.why : `pod ${name} ended before its run directory was collected`;
          outcomes.set(index, { index, state: 'lost', why, pod: name });
          log(`shard ${index}: ${why}`);
          // A pod that can never start (no image, bad config) says the same for every shard: stop waiting for them.
          if (pod.status?.phase === 'Pending') {
            settleRest(`not run: ${why}`);
            break;
          }
        }
      }
      const job = await client.get<JobStatus>(`/apis/batch/v1/namespaces/${namespace}/jobs/${options.job}`, { resource: 'jobs.batch', namespace, name: options.job }).catch(() => undefined);
      const ended = job ? jobEnded(job) : 'the Job is gone';
      if (ended && outcomes.size < options.shardCount) {
        log(`${ended}: the shards not yet collected count as not run`);
        settleRest(ended);
        break;
      }
      const state = `shards: ${[...outcomes.values()].filter((o) => o.state === 'collected').length} collected, ${[...outcomes.values()].filter((o) => o.state === 'lost').length} lost, running ${running.length ? running.join(', ') : 'none'}`;
      if (state !== lastState || now() - lastProgress >= PROGRESS_MS) {
        if (outcomes.size < options.shardCount) log(`${state} (${formatDuration(now() - started)})`);
        lastState = state;
        lastProgress = now();
      }
      // An abort ends the pause early; the loop's condition then ends the following.
      if (outcomes.size < options.shardCount) await sleep(POLL_MS, options.signal).catch(() => undefined);
    }
  } finally {
    logStreams.abort();
  }
  return [...outcomes.values()].sort((a, b) => a.index - b.index);
}
