/**
 * The Kubernetes expiry process (started detached by revert-channel.ts before the harm): sleeps until the
 * injection's deadline, then replays its recipe and removes its marker — so a cordon, taint or scale ends at its
 * TTL even when the runner was SIGKILLed. Usage: replay-main.ts MARKER_JSON DELAY_MS. A SIGTERM (the runner's own
 * revert) ends it without replaying.
 */
import { rmSync } from 'node:fs';
import { readRecipe, replayRecipe } from './recipe';

async function main(): Promise<void> {
  const [marker = '', delay = '0'] = process.argv.slice(2);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(Number(delay), 2 ** 31 - 1))));
  await replayRecipe(readRecipe(marker));
  rmSync(marker, { force: true });
}

process.on('SIGTERM', () => process.exit(0));
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`scs-chaos kubernetes expiry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
