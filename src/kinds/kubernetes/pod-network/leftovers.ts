/**
 * Leftovers of pod-network faults, on every environment node in scope: marker directories
 * /run/scs-chaos/pod-<namespace>-<pod> with the `netns` file target.ts wrote. While the namespace exists, the usual shell listing
 * and sweep run inside it (nsenter); once the pod is gone its namespace — and every nft table and qdisc in it — went
 * with it, so only its expiry timers are stopped and the directory removed, and nothing is run in the node's own
 * namespace.
 */
import { executorFor } from '../../../executors';
import { shellQuote } from '../../../executors/executor';
import { NsenterExecutor } from '../../../executors/nsenter';
import type { Environment, NodeSpec } from '../../../model/environment';
import { listArtefactsScript, MARKER_DIR, sweepScript } from '../../../revert/shell-markers';
import { POD_MARKER_PREFIX } from './target';

interface PodMarker {
  host: NodeSpec;
  name: string;
  netns: string;
  /** The namespace still exists (its /proc path or bind mount is there). */
  alive: boolean;
}

async function podMarkers(env: Environment): Promise<PodMarker[]> {
  const found: PodMarker[] = [];
  for (const host of env.nodes.filter((n) => env.scope.nodes.includes(n.name))) {
    const listed = await executorFor(host.executor)
      .runScript(`for d in ${MARKER_DIR}/${POD_MARKER_PREFIX}*/; do [ -f "$d/netns" ] || continue; n=$(cat "$d/netns"); if [ -e "$n" ]; then a=1; else a=0; fi; echo "$(basename "$d") $a $n"; done; true`, { timeoutMs: 10_000 })
      .catch(() => null);
    for (const line of listed?.stdout.split('\n') ?? []) {
      const [name, alive, netns] = line.trim().split(' ');
      if (name && netns) found.push({ host, name, netns, alive: alive === '1' });
    }
  }
  return found;
}

/** podNetworkLeftovers: one line per leftover artefact of a pod-network fault. */
export async function podNetworkLeftovers(env: Environment): Promise<string[]> {
  const lines: string[] = [];
  for (const marker of await podMarkers(env)) {
    if (!marker.alive) {
      lines.push(`kubernetes: ${marker.host.name}: marker directory ${MARKER_DIR}/${marker.name} of a pod that is gone`);
      continue;
    }
    const listed = await new NsenterExecutor(executorFor(marker.host.executor), marker.netns).runScript(listArtefactsScript(marker.name), { timeoutMs: 10_000 });
    for (const line of listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) lines.push(`kubernetes: ${marker.host.name}: ${marker.name}: leftover of an earlier run: ${line}`);
  }
  return lines;
}

/** sweepPodNetworks: undoes what podNetworkLeftovers finds; removes the marker directories. */
export async function sweepPodNetworks(env: Environment): Promise<string[]> {
  const lines: string[] = [];
  for (const marker of await podMarkers(env)) {
    const host = executorFor(marker.host.executor);
    if (marker.alive) {
      const swept = await new NsenterExecutor(host, marker.netns).runScript(sweepScript(marker.name), { timeoutMs: 30_000 });
      lines.push(...swept.stdout.split('\n').map((l) => `${marker.name}: ${l.trim()}`).filter((l) => !l.endsWith(': ')));
    } else {
      const timers = `pids=$(pgrep -af '[s]cs-chaos-ttl-' 2>/dev/null | grep -F ${shellQuote(`${MARKER_DIR}/${marker.name}/`)} | cut -d' ' -f1); [ -n "$pids" ] && kill -TERM $pids; true`;
      await host.runScript(timers, { timeoutMs: 10_000 });
      lines.push(`${marker.name}: its pod (and network namespace) is gone; stopped its timers`);
    }
    await host.runScript(`rm -rf ${shellQuote(`${MARKER_DIR}/${marker.name}`)}`, { timeoutMs: 10_000 });
  }
  return lines;
}
