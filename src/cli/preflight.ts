/**
 * preflight: before anything is injected, every in-scope node must be reachable and carry no scs-chaos
 * artefact from an earlier run (an nft table scs_chaos_*, a stopped service process, an expiry timer).
 * Problems are returned as text lines; the caller refuses to start when there is any.
 */
import type { Environment } from '../model/environment';
import { executorFor } from '../executors';
import { listArtefactsScript } from '../revert/shell-markers';
import { artefactHosts } from './sweep';
import { processState } from '../kinds/hosts/process/find-process';
import { nodesOfService } from '../environment/inventory';

export interface PreflightResult {
  /** Nodes that cannot be reached: nothing can be injected or reverted there. */
  unreachable: string[];
  /** Artefacts of earlier runs still on the nodes. */
  leftovers: string[];
}

export async function preflight(env: Environment): Promise<PreflightResult> {
  const unreachable: string[] = [];
  const leftovers: string[] = [];
  await Promise.all(
    [...env.scope.nodes].sort().map(async (name) => {
      const node = env.nodes.find((n) => n.name === name);
      if (!node) return;
      const exec = executorFor(node.executor);
      let tables;
      try {
        tables = await exec.run(['nft', 'list', 'tables'], { timeoutMs: 10_000 });
      } catch (error) {
        unreachable.push(`${name}: cannot run commands through ${exec.description}: ${(error as Error).message}`);
        return;
      }
      if (tables.code !== 0) {
        unreachable.push(
          `${name}: cannot run commands through ${exec.description} (${tables.stderr.trim() || `exit ${tables.code}`})` +
            (env.lab ? '. Is the lab up? Run `scs-chaos lab up` (as root).' : ''),
        );
        return;
      }
      const listed = await exec.runScript(listArtefactsScript(name), { timeoutMs: 10_000 });
      for (const line of listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
        leftovers.push(`${name}: leftover of an earlier run: ${line}`);
      }
      for (const service of Object.values(env.services)) {
        if (!service.processMatch || !nodesOfService(env, service).includes(node)) continue;
        const pattern = service.processMatch.replaceAll('{node}', node.name);
        const found = await exec.run(['pgrep', '-f', pattern], { timeoutMs: 5000 });
        for (const pid of found.stdout.split(/\s+/).filter(Boolean)) {
          if ((await processState(exec, Number(pid))) === 'T') leftovers.push(`${name}: the ${service.name} process (pid ${pid}) is stopped (SIGSTOP) by an earlier run`);
        }
      }
    }),
  );
  // Cluster-wide Ceph faults run through the runner's host ("local"), monitor and manager faults of the lab in its
  // control namespace: their markers and timers live there.
  const extraHosts = artefactHosts(env).filter((host) => !env.nodes.some((node) => node.name === host.name));
  for (const host of extraHosts) {
    let listed;
    try {
      listed = await executorFor(host.executor).runScript(listArtefactsScript(host.name), { timeoutMs: 10_000 });
    } catch {
      continue; // the lab's control namespace exists only while the lab runs Ceph
    }
    if (listed.code !== 0) continue;
    for (const line of listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
      // Host-wide artefacts (expiry timers) show on every lab node already; list each once.
      if (!leftovers.some((entry) => entry.endsWith(`: leftover of an earlier run: ${line}`))) leftovers.push(`${host.name}: leftover of an earlier run: ${line}`);
    }
  }
  const byName = (a: string, b: string): number => a.localeCompare(b);
  return { unreachable: unreachable.sort(byName), leftovers: leftovers.sort(byName) };
}
