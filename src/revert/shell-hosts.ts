/**
 * Leftovers and sweeping on shell hosts: what the shell channel (and the nft faults) leave on a node, found and
 * removed by name without a journal (src/revert/shell-markers.ts). The hosts kind runs these on the environment's
 * nodes, the Ceph kind on the hosts its cluster-wide faults act through (the ceph CLI's host, the lab's control
 * namespace).
 */
import type { NodeSpec } from '../model/environment';
import { executorFor } from '../executors';
import type { SweepOutcome } from '../core/kinds';
import { listArtefactsScript, sweepScript } from './shell-markers';

/** Reach: whether a host answered, and the leftover lines it listed. */
export interface HostListing {
  host: string;
  /** Set when the host could not be asked. */
  unreachable?: string;
  leftovers: string[];
}

/** listHostArtefacts: the shell artefacts on one host, one line each ("nft table: …", "revert marker: …"). */
export async function listHostArtefacts(host: NodeSpec): Promise<HostListing> {
  const exec = executorFor(host.executor);
  let listed;
  try {
    listed = await exec.runScript(listArtefactsScript(host.name), { timeoutMs: 10_000 });
  } catch (error) {
    return { host: host.name, unreachable: `cannot run commands through ${exec.description}: ${(error as Error).message}`, leftovers: [] };
  }
  if (listed.code !== 0) return { host: host.name, unreachable: `cannot run commands through ${exec.description} (${listed.stderr.trim() || `exit ${listed.code}`})`, leftovers: [] };
  return { host: host.name, leftovers: listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
}

/** sweepHost: runs every revert marker, removes nft tables and stops expiry timers on one host. */
export async function sweepHost(host: NodeSpec): Promise<SweepOutcome> {
  try {
    const result = await executorFor(host.executor).runScript(sweepScript(host.name), { timeoutMs: 30_000 });
    return { where: host.name, lines: result.stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
  } catch (error) {
    return { where: host.name, lines: [], error: (error as Error).message };
  }
}
