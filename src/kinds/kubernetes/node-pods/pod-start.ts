/**
 * waitForJobPod: watches the pod of a node-pod Job (label job-name=<job>) until its container runs — or, for a
 * timer, has already run to its end — and fails at once when it cannot (an image that cannot be had, a pod that
 * failed), or after `timeoutMs` with what was last seen, so "the helper pod never started" names its cause.
 */
import type { KubeObject } from '../client/list';
import type { KubeRest } from '../client/rest';
import { KubeWatch } from '../client/watch';

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string };
}

export interface JobPod extends KubeObject {
  status?: { phase?: string; reason?: string; message?: string; containerStatuses?: { state?: ContainerState }[] };
}

/** Waiting reasons that no amount of waiting resolves. */
const HOPELESS = new Set(['ErrImageNeverPull', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export type PodStart = { state: 'running' | 'ended'; pod: string } | { state: 'failed'; pod: string; why: string } | { state: 'waiting'; why: string };

/** podStart: where one pod stands on its way to running. */
export function podStart(pod: JobPod): PodStart {
  const name = pod.metadata?.name ?? '(unnamed)';
  const phase = pod.status?.phase;
  const state = pod.status?.containerStatuses?.[0]?.state;
  if (state?.running) return { state: 'running', pod: name };
  if (phase === 'Succeeded') return { state: 'ended', pod: name };
  if (phase === 'Failed') return { state: 'failed', pod: name, why: `pod ${name} failed${pod.status?.reason ? ` (${pod.status.reason})` : ''}${pod.status?.message ? `: ${pod.status.message}` : ''}` };
  const waiting = state?.waiting;
  if (waiting?.reason && HOPELESS.has(waiting.reason)) return { state: 'failed', pod: name, why: `pod ${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  return { state: 'waiting', why: `pod ${name} is ${phase ?? 'not yet placed'}${waiting?.reason ? ` (${waiting.reason})` : ''}` };
}

export async function waitForJobPod(rest: KubeRest, namespace: string, job: string, timeoutMs: number): Promise<{ state: 'running' | 'ended'; pod: string }> {
  let lastSeen = `no pod of Job ${job} yet`;
  let settle!: (outcome: PodStart) => void;
  const settled = new Promise<PodStart>((resolve) => (settle = resolve));
  const look = (pod: JobPod): void => {
    const start = podStart(pod);
    if (start.state === 'waiting') lastSeen = start.why;
    else settle(start);
  };
  const watch = new KubeWatch<JobPod>(rest, {
    path: `/api/v1/namespaces/${namespace}/pods`,
    query: { labelSelector: `job-name=${job}` },
    subject: { resource: 'pods', namespace },
    onSync: (pods) => pods.forEach(look),
    onEvent: (type, pod) => void (type !== 'DELETED' && look(pod)),
    onRetry: (error) => void (lastSeen = error.message),
  });
  const timer = setTimeout(() => settle({ state: 'waiting', why: lastSeen }), timeoutMs);
  try {
    const outcome = await settled;
    if (outcome.state === 'failed' || outcome.state === 'waiting') {
      throw new Error(outcome.state === 'waiting' ? `the pod of Job ${job} did not start within ${Math.round(timeoutMs / 1000)} s: ${outcome.why}` : outcome.why);
    }
    return outcome;
  } finally {
    clearTimeout(timer);
    await watch.stop();
  }
}
