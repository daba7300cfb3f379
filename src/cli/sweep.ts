/**
 * `scs-chaos sweep [--env FILE]`: removes every scs-chaos artefact found on the environment's nodes — without
 * any journal (src/revert/shell-markers.ts) — and resumes service processes left stopped (SIGSTOP). For the runner
 * that died with its journal, or faults injected from another machine.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { labControlNode } from '../kinds/ceph/client/from-environment';
import type { Environment, NodeSpec } from '../model/environment';
import { loadEnvironment } from '../environment/load';
import { executorFor } from '../executors';
import { sweepScript } from '../revert/shell-markers';
import { processState } from '../kinds/hosts/process/find-process';
import { nodesOfService } from '../environment/inventory';
import { DEFAULT_ENV, parseFlags } from './flags';

export async function sweepCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, { env: { type: 'string' } });
  const env = loadEnvironment(resolve(values.env ?? DEFAULT_ENV));
  const results = await Promise.all(artefactHosts(env).map((node) => sweepNode(env, node)));
  let failed = 0;
  for (const { node, lines, error } of results) {
    if (error) {
      failed++;
      log(`${node}: could not sweep: ${error}`);
    } else {
      log(`${node}: ${lines.length ? lines.join('; ') : 'clean'}`);
    }
    failed += lines.filter((line) => line.startsWith('FAILED')).length;
  }
  return failed ? 3 : 0;
}

/**
 * artefactHosts: the environment's nodes, and the runner's own host under the name "local" when the Ceph CLI runs
 * there (`ceph.executorNode: local`): cluster-wide Ceph faults (OSD out, flags) keep their marker and expiry timer
 * on the host that runs the CLI.
 */
export function artefactHosts(env: Environment): NodeSpec[] {
  const local: NodeSpec = { name: 'local', address: '127.0.0.1', roles: [], executor: { kind: 'local' } };
  // The lab's control namespace, where monitor and manager faults keep theirs (named like the namespace); it
  // exists only while the lab runs Ceph (`ip netns` keeps its namespaces in /run/netns).
  const node = labControlNode(env);
  const control = node?.executor.kind === 'netns' && existsSync(`/run/netns/${node.executor.namespace}`) ? node : null;
  return [...env.nodes, ...(env.ceph?.executorNode === 'local' ? [local] : []), ...(control ? [control] : [])];
}

/** sweepNode: runs the sweep script on one node and resumes its stopped service processes. */
export async function sweepNode(env: Environment, node: NodeSpec): Promise<{ node: string; lines: string[]; error?: string }> {
  const exec = executorFor(node.executor);
  try {
    const result = await exec.runScript(sweepScript(node.name), { timeoutMs: 30_000 });
    const lines = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const service of Object.values(env.services)) {
      if (!service.processMatch || !nodesOfService(env, service).includes(node)) continue;
      const found = await exec.run(['pgrep', '-f', service.processMatch.replaceAll('{node}', node.name)], { timeoutMs: 5000 });
      for (const pid of found.stdout.split(/\s+/).filter(Boolean).map(Number)) {
        if ((await processState(exec, pid)) !== 'T') continue;
        await exec.run(['kill', '-CONT', String(pid)], { timeoutMs: 5000 });
        lines.push(`resumed stopped ${service.name} process ${pid}`);
      }
    }
    return { node: node.name, lines };
  } catch (error) {
    return { node: node.name, lines: [], error: (error as Error).message };
  }
}
