/**
 * preflight: before anything is injected, every registered target kind checks its targets — reachable, and no
 * scs-chaos artefact of an earlier run left (an nft table, a revert marker, an expiry timer, a stopped process,
 * an object labelled with an injection id). Problems are returned as text lines; the caller refuses to start.
 */
import type { Environment } from '../model/environment';
import { targetKinds } from '../core/kinds';

export interface PreflightResult {
  /** Targets that cannot be reached: nothing can be injected or reverted there. */
  unreachable: string[];
  /** Artefacts of earlier runs still there. */
  leftovers: string[];
}

const LEFTOVER = ': leftover of an earlier run: ';

/**
 * refusedByPreflight: logs what a preflight found — `header`, each problem, and `leftoverFix` when an earlier run left
 * something — and says whether the caller must refuse (exit 2). Shared by `run` and `k8s submit`.
 */
export function refusedByPreflight(found: PreflightResult, log: (line: string) => void, header: string, leftoverFix: string): boolean {
  if (found.unreachable.length === 0 && found.leftovers.length === 0) return false;
  log(header);
  for (const problem of [...found.unreachable, ...found.leftovers]) log(`  ${problem}`);
  if (found.leftovers.length) log(`  fix: ${leftoverFix}`);
  return true;
}

export async function preflight(env: Environment): Promise<PreflightResult> {
  const unreachable: string[] = [];
  const leftovers: string[] = [];
  for (const kind of targetKinds()) {
    if (!kind.preflight) continue;
    const findings = await kind.preflight(env);
    unreachable.push(...findings.unreachable);
    for (const line of findings.leftovers) {
      // Host-wide artefacts (expiry timers) of lab namespaces show from every place on the same host; list each once.
      const what = line.includes(LEFTOVER) ? line.slice(line.indexOf(LEFTOVER)) : null;
      if (what && leftovers.some((entry) => entry.endsWith(what))) continue;
      leftovers.push(line);
    }
  }
  const byName = (a: string, b: string): number => a.localeCompare(b);
  return { unreachable: unreachable.sort(byName), leftovers: leftovers.sort(byName) };
}
