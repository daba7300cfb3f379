/**
 * The hosts target kind: the environment's nodes (Linux hosts reached through local, netns or ssh executors), their
 * network, processes, services and disks. Faults are shell faults (src/revert/shell-fault.ts), undone through the
 * shell channel, which survives the runner's death with a detached expiry timer on the node. Leftovers: nft tables,
 * revert markers, expiry timers, and service processes left stopped (SIGSTOP).
 */
import type { Environment, NodeSpec } from '../../model/environment';
import type { PreflightFindings, SweepOutcome, TargetKind } from '../../core/kinds';
import { executorFor } from '../../executors';
import { processState } from '../../executors/process-state';
import { nodesOfService } from '../../environment/inventory';
import { shellChannel } from '../../revert/shell-channel';
import { listHostArtefacts, sweepHost } from '../../revert/shell-hosts';

/** nodesInScope: the environment's nodes that scope.nodes lists, by name. */
function nodesInScope(env: Environment): NodeSpec[] {
  return [...env.scope.nodes].sort().flatMap((name) => env.nodes.filter((node) => node.name === name));
}

/** stoppedServicePids: service processes on the node in state T (SIGSTOP), e.g. from a killed runner's pause. */
async function stoppedServicePids(env: Environment, node: NodeSpec): Promise<Array<{ service: string; pid: number }>> {
  const exec = executorFor(node.executor);
  const stopped: Array<{ service: string; pid: number }> = [];
  for (const service of Object.values(env.services)) {
    if (!service.processMatch || !nodesOfService(env, service).includes(node)) continue;
    const found = await exec.run(['pgrep', '-f', service.processMatch.replaceAll('{node}', node.name)], { timeoutMs: 5000 });
    for (const pid of found.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      if ((await processState(exec, pid)) === 'T') stopped.push({ service: service.name, pid });
    }
  }
  return stopped;
}

async function preflight(env: Environment): Promise<PreflightFindings> {
  const findings: PreflightFindings = { unreachable: [], leftovers: [] };
  await Promise.all(
    nodesInScope(env).map(async (node) => {
      const listing = await listHostArtefacts(node);
      if (listing.unreachable) {
        // Nodes reached through helper pods need the lab's cluster; the others only the lab.
        const labHint = node.executor.kind === 'kube-node' ? '. Is the lab up with its cluster? Run `scs-chaos lab up --with kubernetes` (as root).' : '. Is the lab up? Run `scs-chaos lab up` (as root).';
        findings.unreachable.push(`${node.name}: ${listing.unreachable}` + (env.lab ? labHint : ''));
        return;
      }
      for (const line of listing.leftovers) findings.leftovers.push(`${node.name}: leftover of an earlier run: ${line}`);
      for (const { service, pid } of await stoppedServicePids(env, node)) findings.leftovers.push(`${node.name}: the ${service} process (pid ${pid}) is stopped (SIGSTOP) by an earlier run`);
    }),
  );
  return findings;
}

async function sweep(env: Environment): Promise<SweepOutcome[]> {
  return Promise.all(
    env.nodes.map(async (node) => {
      const outcome = await sweepHost(node);
      if (outcome.error) return outcome;
      const exec = executorFor(node.executor);
      for (const { service, pid } of await stoppedServicePids(env, node)) {
        await exec.run(['kill', '-CONT', String(pid)], { timeoutMs: 5000 });
        outcome.lines.push(`resumed stopped ${service} process ${pid}`);
      }
      return outcome;
    }),
  );
}

export const hostsKind: TargetKind = { name: 'hosts', channels: [shellChannel], preflight, sweep };
