/**
 * The shell revert channel: the undo of a fault is a POSIX script run on a node through its executor — how every
 * host and Ceph fault is undone. It survives the runner's death in two ways, both armed before the harm:
 *  - a revert marker /run/scs-chaos/<node>/<id>.revert holding the script (what `sweep` runs without a journal);
 *  - a detached expiry timer on the node (`scs-chaos-ttl-<id>`, its own session) that runs the script at the TTL
 *    and removes the marker (docs/decisions/0003).
 */
import type { ExecutorSpec } from '../model/environment';
import { ExperimentCompromised } from '../kernel/errors';
import { executorFor } from '../executors';
import type { RevertChannel, RevertRecipe } from '../core/revert-channel';
import { revertMarkerPath } from './shell-markers';

export const SHELL_CHANNEL = 'shell';

/** ShellRecipe: run `script` with `sh -c` on node `where` through `executor`. */
export interface ShellRecipe extends RevertRecipe {
  readonly channel: typeof SHELL_CHANNEL;
  readonly executor: ExecutorSpec;
  readonly script: string;
}

/** expiryTimerName: the $0 of an injection's expiry timer on the node, how it is found and stopped. */
export function expiryTimerName(injectionId: string): string {
  return `scs-chaos-ttl-${injectionId}`;
}

/** timerPattern: a `pgrep -f` pattern for the injection's timer that does not match the pgrep (or a shell) itself. */
export function timerPattern(injectionId: string): string {
  const name = expiryTimerName(injectionId);
  return `[${name.charAt(0)}]${name.slice(1)}`;
}

/** expiryTimerScript: sleeps for the TTL, then runs the revert; a SIGTERM (normal revert) stops it quietly. */
export function expiryTimerScript(ttlMs: number, revertScript: string): string {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return `trap 'kill $s 2>/dev/null; exit 0' TERM; sleep ${seconds} & s=$!; wait $s && { ${revertScript}; }`;
}

/** shellRecipe: the recipe of a script on a node. */
export function shellRecipe(node: string, executor: ExecutorSpec, script: string): ShellRecipe {
  return { channel: SHELL_CHANNEL, where: node, executor, script };
}

export const shellChannel: RevertChannel<ShellRecipe> = {
  name: SHELL_CHANNEL,
  survivesRunnerDeath: 'a detached timer on the node runs the revert script at the TTL; the revert marker lets `sweep` run it without a journal',

  async arm(recipe, injectionId, ttlMs) {
    // Marker and timer come before the harm: a crash between them and it leaves nothing that the timer,
    // `sweep` (which runs the markers) or `rollback` (the journal) will not undo.
    const exec = executorFor(recipe.executor);
    const marker = revertMarkerPath(recipe.where, injectionId);
    const wrote = await exec.run(['sh', '-c', `mkdir -p "$(dirname ${marker})" && cat > ${marker}`], { input: `${recipe.script}\n`, timeoutMs: 10_000 });
    if (wrote.code !== 0) throw new ExperimentCompromised(`cannot write the revert marker ${marker} on ${recipe.where}: ${wrote.stderr.trim()}`);
    if (ttlMs !== null) await exec.spawnDetached(expiryTimerScript(ttlMs, `${recipe.script}; rm -f ${marker}`), expiryTimerName(injectionId));
  },

  async replay(recipe) {
    const result = await executorFor(recipe.executor).runScript(recipe.script, { timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`revert script exited ${result.code}: ${result.stderr.trim()}`);
  },

  async disarm(recipe, injectionId) {
    // The timer and the marker have nothing left to do; no process or file of ours outlives the fault.
    await executorFor(recipe.executor).runScript(`pkill -TERM -f '${timerPattern(injectionId)}'; rm -f ${revertMarkerPath(recipe.where, injectionId)}`, { timeoutMs: 5000 });
  },
};
