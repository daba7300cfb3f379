/**
 * What a Kubernetes fault can leave behind, found without a journal: recipes in the channel's marker directory on
 * the runner's host (a runner died before its revert), expiry processes, and objects labelled scs-chaos/injection
 * in the cluster. `sweep` replays the markers, stops the processes and undoes the labelled objects.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../../model/environment';
import type { PreflightFindings, SweepOutcome } from '../../core/kinds';
import { LocalExecutor } from '../../executors/local';
import { errorMessage } from '../../kernel/errors';
import { clientFor } from './clients';
import type { KubeObject } from './client/list';
import { INJECTION_LABEL, uncordonCall } from './faults/cordon';
import { KubeRecipe, readRecipe, replayRecipe } from './recipe';
import { KUBERNETES_MARKER_DIR } from './revert-channel';

function markers(): string[] {
  try {
    return readdirSync(KUBERNETES_MARKER_DIR).filter((f) => f.endsWith('.json')).map((f) => join(KUBERNETES_MARKER_DIR, f));
  } catch {
    return [];
  }
}

/** labelledNodes: nodes a fault labelled; an unreachable cluster has none to report (a step that needs it fails at plan time). */
async function labelledNodes(env: Environment): Promise<KubeObject[] | null> {
  if (!env.sections.kubernetes) return [];
  try {
    const client = await clientFor(env);
    return (await client.list<KubeObject>('/api/v1/nodes', { labelSelector: INJECTION_LABEL }, { resource: 'nodes' })).items;
  } catch {
    return null;
  }
}

export async function kubernetesPreflight(env: Environment): Promise<PreflightFindings> {
  const leftovers = markers().map((file) => `kubernetes: leftover of an earlier run: revert recipe ${file}`);
  for (const node of (await labelledNodes(env)) ?? []) leftovers.push(`kubernetes: leftover of an earlier run: node ${node.metadata.name} labelled ${INJECTION_LABEL}=${node.metadata.labels?.[INJECTION_LABEL]}`);
  return { unreachable: [], leftovers };
}

export async function kubernetesSweep(env: Environment): Promise<SweepOutcome[]> {
  const lines: string[] = [];
  for (const file of markers()) {
    try {
      await replayRecipe(readRecipe(file));
      rmSync(file, { force: true });
      lines.push(`replayed and removed ${file}`);
    } catch (error) {
      lines.push(`FAILED: ${file}: ${errorMessage(error)}`);
    }
  }
  await new LocalExecutor().runScript(`pkill -TERM -f '${KUBERNETES_MARKER_DIR}/'; true`, { timeoutMs: 5000 });
  const nodes = await labelledNodes(env);
  if (nodes === null) return [{ where: 'kubernetes', lines }];
  const client = nodes.length ? await clientFor(env) : null;
  for (const node of nodes) {
    await client?.send(uncordonCall(node.metadata.name));
    lines.push(`uncordoned node ${node.metadata.name} (${INJECTION_LABEL}=${node.metadata.labels?.[INJECTION_LABEL]})`);
  }
  return [{ where: 'kubernetes', lines }];
}

/**
 * forgetRecipesOf: the cluster reached through a kubeconfig below `kubeconfigDir` is being torn down (`lab down`):
 * its pending undo recipes and their expiry processes go with it — there is nothing left to undo, and a recipe
 * that can never be replayed would otherwise refuse every later run's preflight. Returns the files removed.
 */
export async function forgetRecipesOf(kubeconfigDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const file of markers()) {
    let recipe: KubeRecipe;
    try {
      recipe = readRecipe(file);
    } catch {
      continue;
    }
    if (!recipe.kubeconfig?.startsWith(`${kubeconfigDir}/`)) continue;
    await new LocalExecutor().runScript(`pkill -TERM -f '${file}'; true`, { timeoutMs: 5000 });
    rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}
