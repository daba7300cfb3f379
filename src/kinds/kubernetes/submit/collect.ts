/**
 * Taking a shard's run directory out of its pod (docs/decisions/0158): the pod writes its run's exit code to a file
 * when the run ends and then waits; `runExitCode` reads that file over exec, `collectRunDirectory` streams the run
 * directory out as a gzipped tar over exec and unpacks it locally, then touches the file that lets the pod end.
 * Every exec is bounded; a pod that is gone or a run that left no directory is an answer, not a hang.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../../executors/command';
import type { KubeConnection } from '../client/connection';
import { execInPod, execInPodBinary } from '../node-pods/exec';

const CHECK_TIMEOUT_MS = 15_000;
/** A run directory is a few MiB; the exec streams it at the API server's pace. */
const COLLECT_TIMEOUT_MS = 180_000;

export interface ShardPod {
  connection: KubeConnection;
  namespace: string;
  pod: string;
  container: string;
}

/** runExitCode: the shard's run exit code once its run has ended, else undefined. */
export async function runExitCode(pod: ShardPod, exitCodeFile: string): Promise<number | undefined> {
  const read = await execInPod(pod.connection, pod.namespace, pod.pod, pod.container, ['cat', exitCodeFile], CHECK_TIMEOUT_MS);
  if (read.code !== 0) return undefined;
  const code = Number(read.stdout.trim());
  return Number.isInteger(code) ? code : undefined;
}

export type Collected = { ok: true; bytes: number } | { ok: false; why: string };

/**
 * collectRunDirectory: the pod's `runDir` (its `latest` run) unpacked into `into` (created); then `collectedFile` is
 * touched in the pod, which ends it. A run that wrote no directory (bad input in the pod: exit 2) is not ok.
 */
export async function collectRunDirectory(pod: ShardPod, runsDir: string, into: string, collectedFile: string): Promise<Collected> {
  const latest = `${runsDir}/latest`;
  const archive = await execInPodBinary(pod.connection, pod.namespace, pod.pod, pod.container, ['sh', '-c', `test -d ${latest} || { echo "no run directory in ${runsDir}" >&2; exit 3; }; tar -C ${latest} -czf - .`], COLLECT_TIMEOUT_MS);
  let collected: Collected;
  if (archive.code !== 0) {
    collected = { ok: false, why: archive.stderr.trim() || `tar exit ${archive.code}` };
  } else {
    mkdirSync(into, { recursive: true });
    const file = join(into, '..', `.${pod.pod}.tar.gz`);
    writeFileSync(file, archive.stdout);
    try {
      const unpacked = await runCommand(['tar', '-xzf', file, '-C', into, '--no-same-owner'], { timeoutMs: 60_000 });
      collected = unpacked.code === 0 ? { ok: true, bytes: archive.stdout.length } : { ok: false, why: `unpacking the run directory failed: ${unpacked.stderr.trim()}` };
    } finally {
      rmSync(file, { force: true });
    }
  }
  await execInPod(pod.connection, pod.namespace, pod.pod, pod.container, ['touch', collectedFile], CHECK_TIMEOUT_MS);
  return collected;
}
