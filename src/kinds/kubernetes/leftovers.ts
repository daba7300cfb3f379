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
import { shellQuote } from '../../executors/executor';
import { errorMessage } from '../../kernel/errors';
import { clientFor } from './clients';
import type { KubeObject } from './client/list';
import { uncordonCall } from './faults/cordon';
import { INJECTION_LABEL, markOf, undoOf, unmarkCall } from './artefacts';
import type { KubeClient } from './client/client';
import type { RequestSubject } from './client/errors';
import { KubeRecipe, performStep, readRecipe, replayRecipe } from './recipe';
import { describeWorkload, WORKLOAD_KINDS, workloadPath } from './select/workloads';
import { nodePath } from './taints';
import { budgetsPath } from './setup/disruption-budget';
import { podNetworkLeftovers, sweepPodNetworks } from './pod-network/leftovers';
import { KUBERNETES_MARKER_DIR } from './revert-channel';
import { KubeNeed, need } from './rbac/needs';
import { KubeApiError } from './client/errors';
import { sweepSubmits } from './submit/objects';

function allMarkers(): string[] {
  try {
    return readdirSync(KUBERNETES_MARKER_DIR).filter((f) => f.endsWith('.json')).map((f) => join(KUBERNETES_MARKER_DIR, f));
  } catch {
    return [];
  }
}

/** alive: whether a process with this pid runs (the owner of a marker: a live run is no leftover). */
function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * markers: this environment's leftover recipes — of its cluster (same kubeconfig and context), whose run is gone.
 * Recipes of other clusters on this machine, and of runs still alive, are not this environment's to report or replay.
 */
function markers(env: Environment): string[] {
  const spec = env.sections.kubernetes;
  if (!spec) return [];
  return allMarkers().filter((file) => {
    try {
      const recipe = readRecipe(file) as KubeRecipe & { ownerPid?: number };
      return recipe.kubeconfig === spec.kubeconfig && recipe.context === spec.context && !alive(recipe.ownerPid);
    } catch {
      return true;
    }
  });
}

/**
 * preflightNeeds: what every run's preflight lists to find labelled leftovers — nodes, and PodDisruptionBudgets,
 * Deployments and StatefulSets in each allowed namespace. (Sweep's patches and deletes are not a run's: sweep is run
 * by a person, with their own rights.)
 */
export function preflightNeeds(namespaces: readonly string[]): KubeNeed[] {
  return [
    need('', 'nodes', ['list']),
    ...namespaces.flatMap((ns) => [need('policy', 'poddisruptionbudgets', ['list'], ns), need('apps', 'deployments', ['list'], ns), need('apps', 'statefulsets', ['list'], ns)]),
  ];
}

/** A labelled object with where it lives, for preflight lines and sweep. */
interface Labelled {
  object: KubeObject;
  path: string;
  what: string;
  subject: RequestSubject;
}

/**
 * labelledObjects: nodes, and Deployments/StatefulSets/PodDisruptionBudgets in the allowed namespaces, that a fault labelled; null when the
 * cluster is unreachable (a step that needs it fails at plan time).
 */
async function labelledObjects(env: Environment): Promise<Labelled[] | null> {
  const spec = env.sections.kubernetes;
  if (!spec) return [];
  try {
    const client = await clientFor(env);
    const found: Labelled[] = [];
    for (const node of (await client.list<KubeObject>('/api/v1/nodes', { labelSelector: INJECTION_LABEL }, { resource: 'nodes' })).items) {
      found.push({ object: node, path: nodePath(node.metadata.name), what: `node ${node.metadata.name}`, subject: { verb: 'patch', resource: 'nodes', name: node.metadata.name } });
    }
    for (const namespace of spec.namespaces) {
      for (const budget of (await client.list<KubeObject>(budgetsPath(namespace), { labelSelector: INJECTION_LABEL }, { resource: 'poddisruptionbudgets', namespace })).items) {
        const name = budget.metadata.name;
        found.push({ object: budget, path: `${budgetsPath(namespace)}/${name}`, what: `PodDisruptionBudget ${namespace}/${name}`, subject: { verb: 'delete', resource: 'poddisruptionbudgets', namespace, name } });
      }
      for (const kind of ['Deployment', 'StatefulSet'] as const) {
        const resource = WORKLOAD_KINDS[kind];
        const list = await client.list<KubeObject>(`/apis/apps/v1/namespaces/${namespace}/${resource}`, { labelSelector: INJECTION_LABEL }, { resource, namespace });
        for (const object of list.items) {
          const ref = { kind, namespace, name: object.metadata.name };
          found.push({ object, path: workloadPath(ref), what: describeWorkload(ref), subject: { verb: 'patch', resource, namespace, name: object.metadata.name } });
        }
      }
    }
    return found;
  } catch {
    return null;
  }
}

export async function kubernetesPreflight(env: Environment): Promise<PreflightFindings> {
  const leftovers = markers(env).map((file) => `kubernetes: leftover of an earlier run: revert recipe ${file}`);
  for (const found of (await labelledObjects(env)) ?? []) leftovers.push(`kubernetes: leftover of an earlier run: ${found.what} labelled ${INJECTION_LABEL}=${markOf(found.object)}`);
  if (env.sections.kubernetes) leftovers.push(...(await podNetworkLeftovers(env)));
  return { unreachable: [], leftovers };
}

/** undoLabelled: replays the undo the object carries; a node without one is uncordoned, anything else only unlabelled. */
async function undoLabelled(client: KubeClient, found: Labelled): Promise<string> {
  const steps = undoOf(found.object);
  const mark = `${INJECTION_LABEL}=${markOf(found.object)}`;
  if (steps) {
    for (const step of steps) await performStep(client, step);
    return `undid ${found.what} (${mark}) with the undo it carried`;
  }
  if (found.path.startsWith('/api/v1/nodes/')) {
    await client.send(uncordonCall(found.object.metadata.name));
    return `uncordoned ${found.what} (${mark}; it carried no undo)`;
  }
  await client.send(unmarkCall(found.path, found.subject));
  return `unlabelled ${found.what} (${mark}); it carried no undo, so check it by hand`;
}

export async function kubernetesSweep(env: Environment): Promise<SweepOutcome[]> {
  const lines: string[] = env.sections.kubernetes ? await sweepPodNetworks(env) : [];
  for (const file of markers(env)) {
    try {
      await replayRecipe(readRecipe(file));
      // The expiry process of this marker has nothing left to do.
      await new LocalExecutor().runScript(`pkill -TERM -f ${shellQuote(file)}; true`, { timeoutMs: 5000 });
      rmSync(file, { force: true });
      lines.push(`replayed and removed ${file}`);
    } catch (error) {
      lines.push(`FAILED: ${file}: ${errorMessage(error)}`);
    }
  }
  const found = await labelledObjects(env);
  if (found !== null && found.length > 0) {
    const client = await clientFor(env);
    for (const object of found) {
      try {
        lines.push(await undoLabelled(client, object));
      } catch (error) {
        lines.push(`FAILED: ${object.what}: ${errorMessage(error)}`);
      }
    }
  }
  if (found !== null) lines.push(...(await submitSweep(env)));
  return [{ where: 'kubernetes', lines }];
}

/**
 * submitSweep: the objects `k8s submit` left (submit/objects.ts) in the namespaces its pods can live in: scs-chaos
 * and every kube-node executor's. An identity that may not list them is told so, without failing the sweep.
 */
async function submitSweep(env: Environment): Promise<string[]> {
  if (!env.sections.kubernetes) return [];
  const namespaces = [...new Set(['scs-chaos', ...env.nodes.flatMap((n) => (n.executor.kind === 'kube-node' ? [n.executor.namespace] : []))])];
  try {
    return await sweepSubmits(await clientFor(env), namespaces);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 403) return [`could not look for k8s submit leftovers: ${errorMessage(error)}`];
    return [`FAILED: k8s submit leftovers: ${errorMessage(error)}`];
  }
}

/**
 * forgetRecipesOf: the cluster reached through a kubeconfig below `kubeconfigDir` is being torn down (`lab down`):
 * its pending undo recipes and their expiry processes go with it — there is nothing left to undo, and a recipe
 * that can never be replayed would otherwise refuse every later run's preflight. Returns the files removed.
 */
export async function forgetRecipesOf(kubeconfigDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const file of allMarkers()) {
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
