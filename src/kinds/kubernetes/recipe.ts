/**
 * KubeRecipe: the undo of a Kubernetes fault as data — API calls against the cluster the environment names (its
 * kubeconfig and context), replayed in order by the kubernetes-api revert channel (revert-channel.ts), by the
 * expiry process after a runner's death (replay-main.ts) and by `rollback`. "Not found" counts as undone.
 */
import { readFileSync } from 'node:fs';
import type { RevertRecipe } from '../../core/revert-channel';
import type { RequestSpec } from './client/rest';
import { DEFAULT_RUNTIME_SOCKET, KubernetesSpec } from './environment';
import { KubeClient } from './client/client';
import { connectKube } from './client/connection';
import { KubeApiError } from './client/errors';
import { removeTaint } from './taints';

export const KUBERNETES_CHANNEL = 'kubernetes-api';

export type KubeCall = Pick<RequestSpec, 'method' | 'path' | 'body' | 'patchType' | 'subject'>;

/**
 * RemoveTaint: an undo that cannot be one static call — taints are a list that the node lifecycle controller changes
 * while a fault lasts (not-ready, unreachable), so the undo reads the node and writes its taints back without ours,
 * guarded by the resourceVersion it read (a conflict is read again).
 */
export interface RemoveTaint {
  /** `unmark`: the same write removes the injection's label and annotation (journals written before it have a separate unmark call). */
  readonly removeTaint: { readonly node: string; readonly key: string; readonly effect: string; readonly unmark?: boolean };
}

/** KubeStep: one step of an undo: an API call, or an operation that reads before it writes. */
export type KubeStep = KubeCall | RemoveTaint;

export interface KubeRecipe extends RevertRecipe {
  readonly channel: typeof KUBERNETES_CHANNEL;
  /** How to reach the cluster without the environment file: the kubeconfig ("in-cluster", a path, or the default) and context. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly calls: readonly KubeStep[];
}

export function kubeRecipe(spec: KubernetesSpec, where: string, calls: readonly KubeStep[]): KubeRecipe {
  return { channel: KUBERNETES_CHANNEL, where, ...(spec.kubeconfig ? { kubeconfig: spec.kubeconfig } : {}), ...(spec.context ? { context: spec.context } : {}), calls };
}

/** readRecipe: a recipe written by the channel (revert-channel.ts) to its marker file; throws when unreadable. */
export function readRecipe(file: string): KubeRecipe {
  return JSON.parse(readFileSync(file, 'utf8')) as KubeRecipe;
}

/** replayRecipe: performs the calls; a call on something gone (404) is already undone. */
export async function replayRecipe(recipe: KubeRecipe, timeoutMs = 15_000): Promise<void> {
  const spec: KubernetesSpec = { namespaces: [], requestTimeoutMs: timeoutMs, runtimeSocket: DEFAULT_RUNTIME_SOCKET, ...(recipe.kubeconfig ? { kubeconfig: recipe.kubeconfig } : {}), ...(recipe.context ? { context: recipe.context } : {}) };
  const client = KubeClient.withConnection(spec, await connectKube(spec, '(journal)'));
  try {
    for (const step of recipe.calls) {
      try {
        await performStep(client, step);
      } catch (error) {
        if (!(error instanceof KubeApiError && error.notFound)) throw error;
      }
    }
  } finally {
    client.close();
  }
}

/** performStep: one undo step against the cluster. */
export async function performStep(client: KubeClient, step: KubeStep): Promise<void> {
  if ('removeTaint' in step) await removeTaint(client, step.removeTaint.node, step.removeTaint.key, step.removeTaint.effect, step.removeTaint.unmark === true);
  else await client.send(step);
}
