/**
 * Detached expiry for API-driven faults (faults whose undo is a list of API calls run from the runner's host, not a
 * script on a node): before the harm, the recipe is written as a marker file (0600) in the kind's marker directory
 * and a detached process in its own session (named by expiryTimerName) sleeps until the TTL, replays the recipe
 * and removes the marker — so the fault ends even when the runner is SIGKILLed. The runner's own revert stops the
 * process and removes the marker. `runExpiryMain` is the body of that process's script.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalExecutor } from '../executors/local';
import { shellQuote } from '../executors/executor';
import { expiryTimerName } from './shell-channel';

const REPO = resolve(__dirname, '..', '..');

/** markerPath: where the marker of an injection lives in a marker directory. */
export function markerPath(dir: string, injectionId: string): string {
  return join(dir, `${injectionId}.json`);
}

/** markerFiles: every marker file in a directory (none when it does not exist). */
export function markerFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** readMarker: the recipe a marker holds; throws when unreadable. */
export function readMarker<R>(file: string): R {
  return JSON.parse(readFileSync(file, 'utf8')) as R;
}

/**
 * armDetachedExpiry: writes the marker and, with a TTL, starts `script` (a TypeScript file of the repository, run
 * with ts-node) detached with the marker path and the delay as arguments. The marker's path in the command line
 * ties the process to the injection (disarm finds it by that path).
 */
export async function armDetachedExpiry(dir: string, injectionId: string, recipe: unknown, ttlMs: number | null, script: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const marker = markerPath(dir, injectionId);
  writeFileSync(marker, `${JSON.stringify(recipe)}\n`, { mode: 0o600 });
  if (ttlMs === null) return;
  const argv = [process.execPath, '--require', 'ts-node/register', resolve(REPO, script), marker, String(ttlMs)];
  // TS_NODE_TRANSPILE_ONLY keeps the process's start short (no type check of the repository).
  await new LocalExecutor().spawnDetached(`cd ${shellQuote(REPO)} && TS_NODE_TRANSPILE_ONLY=true exec ${argv.map(shellQuote).join(' ')}`, expiryTimerName(injectionId));
}

/** stopExpiryProcess: ends the expiry process that holds `marker` (if any) without it replaying. */
export async function stopExpiryProcess(marker: string): Promise<void> {
  await new LocalExecutor().runScript(`pkill -TERM -f ${shellQuote(marker)}; true`, { timeoutMs: 5000 });
}

/** disarmDetachedExpiry: stops the injection's expiry process and removes its marker. */
export async function disarmDetachedExpiry(dir: string, injectionId: string): Promise<void> {
  const marker = markerPath(dir, injectionId);
  await stopExpiryProcess(marker);
  rmSync(marker, { force: true });
}

/**
 * runExpiryMain: the expiry process (argv: MARKER DELAY_MS): sleeps, replays the marker's recipe, removes the
 * marker, exits 0; a SIGTERM (the runner's own revert) ends it without replaying. `label` names it in errors.
 */
export function runExpiryMain(label: string, replay: (marker: string) => Promise<void>): void {
  const [marker = '', delay = '0'] = process.argv.slice(2);
  process.on('SIGTERM', () => process.exit(0));
  new Promise((done) => setTimeout(done, Math.max(0, Math.min(Number(delay), 2 ** 31 - 1))))
    .then(() => replay(marker))
    .then(() => {
      rmSync(marker, { force: true });
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`scs-chaos ${label} expiry: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
