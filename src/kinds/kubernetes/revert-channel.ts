/**
 * The kubernetes-api revert channel. Armed before the harm: the recipe is written as a marker on the runner's host
 * (/run/scs-chaos/kubernetes/<id>.json) and a detached expiry process (replay-main.ts, its own session, named
 * scs-chaos-ttl-<id>) replays it at the TTL — the fault ends even when the runner is SIGKILLed. Objects a fault
 * changes also carry the label scs-chaos/injection=<id>, by which preflight and `sweep` find them without any
 * journal or marker (index.ts). Why a process on the runner's host and not an in-cluster Job:
 * docs/decisions/0111.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RevertChannel } from '../../core/revert-channel';
import { LocalExecutor } from '../../executors/local';
import { shellQuote } from '../../executors/executor';
import { expiryTimerName } from '../../revert/shell-channel';
import { KUBERNETES_CHANNEL, KubeRecipe, replayRecipe } from './recipe';

/** Where the channel's markers live on the runner's host. */
export const KUBERNETES_MARKER_DIR = '/run/scs-chaos/kubernetes';
const REPO = resolve(__dirname, '..', '..', '..');

export function kubeMarkerPath(injectionId: string): string {
  return join(KUBERNETES_MARKER_DIR, `${injectionId}.json`);
}

export const kubernetesChannel: RevertChannel<KubeRecipe> = {
  name: KUBERNETES_CHANNEL,
  survivesRunnerDeath: 'a detached expiry process on the runner host replays the API calls at the TTL; labelled objects are found by preflight and sweep',

  async arm(recipe, injectionId, ttlMs) {
    mkdirSync(KUBERNETES_MARKER_DIR, { recursive: true, mode: 0o700 });
    const marker = kubeMarkerPath(injectionId);
    // ownerPid: preflight and sweep leave a marker alone while the run that armed it is alive (leftovers.ts).
    writeFileSync(marker, `${JSON.stringify({ ...recipe, ownerPid: process.pid })}\n`, { mode: 0o600 });
    if (ttlMs === null) return;
    const argv = [process.execPath, '--require', 'ts-node/register', join(REPO, 'src', 'kinds', 'kubernetes', 'replay-main.ts'), marker, String(ttlMs)];
    // The marker's path in the command line ties the process to this channel; TS_NODE_TRANSPILE_ONLY keeps its start short.
    await new LocalExecutor().spawnDetached(`cd ${shellQuote(REPO)} && TS_NODE_TRANSPILE_ONLY=true exec ${argv.map(shellQuote).join(' ')}`, expiryTimerName(injectionId));
  },

  async replay(recipe) {
    await replayRecipe(recipe);
  },

  async disarm(_recipe, injectionId) {
    await new LocalExecutor().runScript(`pkill -TERM -f ${shellQuote(`${KUBERNETES_MARKER_DIR}/${injectionId}.json`)}; true`, { timeoutMs: 5000 });
    rmSync(kubeMarkerPath(injectionId), { force: true });
  },
};
