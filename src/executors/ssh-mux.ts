/**
 * OpenSSH connection reuse (ControlMaster) for SshExecutor. One background master connection per destination,
 * its socket in a control directory private to this process (mode 700, so no other user can ride on it).
 * Contracts:
 * - Commands pass `ControlMaster=auto`, so a master that died (idle timeout, SIGKILL) is replaced by the next
 *   command: a stale socket is unlinked by ssh itself, never breaks a run.
 * - The first master of a destination is started once (memoised), so concurrent first commands do not race
 *   for the socket.
 * - `ControlPersist` bounds how long an idle master outlives a runner that died without closing it;
 *   closeMaster/closeAllMasters (and a process 'exit' hook) end masters at once with `ssh -O exit`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandResult, runCommand } from './command';

/** Seconds an idle master lives: the backstop that ends masters of a runner that was SIGKILLed. */
export const CONTROL_PERSIST_SECONDS = 30;

/** Unix socket paths are limited to 108 bytes and ssh appends a 17-byte suffix while it creates one. */
const MAX_CONTROL_PATH = 90;

interface Master {
  destination: string;
  start: Promise<CommandResult | null> | null;
  started: boolean;
}

let controlDir: string | null = null;
const masters = new Map<string, Master>();
let exitHookInstalled = false;

/**
 * controlPathFor: the socket path for a connection identity (all ssh options that matter), or null when the
 * path would be too long, or when no control directory exists and `create` is false (nothing to close).
 */
export function controlPathFor(identity: string, create = true): string | null {
  if (!controlDir) {
    if (!create) return null;
    controlDir = mkdtempSync(join(tmpdir(), 'scs-chaos-ssh-'));
    chmodSync(controlDir, 0o700);
  }
  const path = join(controlDir, createHash('sha256').update(identity).digest('hex').slice(0, 16));
  return path.length <= MAX_CONTROL_PATH ? path : null;
}

/** muxOptions: the ssh options that make one command use (or become) the destination's master. */
export function muxOptions(controlPath: string): string[] {
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`, '-o', `ControlPersist=${CONTROL_PERSIST_SECONDS}s`];
}

/**
 * ensureMaster: makes sure a master runs for `controlPath`, starting it with `sshOptions` (everything but the
 * destination) when needed. Resolves null when one already ran, else the result of `ssh -f -N` that started
 * it; a non-zero result (the caller turns exit 255 into NodeUnreachable) leaves nothing memoised, so the
 * next command tries again.
 */
export function ensureMaster(controlPath: string, sshOptions: readonly string[], destination: string): Promise<CommandResult | null> {
  let master = masters.get(controlPath);
  if (!master) {
    master = { destination, start: null, started: false };
    masters.set(controlPath, master);
  }
  if (master.started) return Promise.resolve(null);
  const entry = master;
  if (!entry.start) {
    entry.start = startMaster(controlPath, sshOptions, destination).then(
      (result) => {
        if (result === null || result.code === 0) entry.started = true;
        entry.start = null;
        return result;
      },
      (error: unknown) => {
        entry.start = null;
        throw error;
      },
    );
  }
  return entry.start;
}

async function startMaster(controlPath: string, sshOptions: readonly string[], destination: string): Promise<CommandResult | null> {
  if ((await checkMaster(controlPath, destination)) !== null) return null;
  // A socket without a live master (its master was SIGKILLed) would make ControlMaster=yes refuse to bind.
  if (existsSync(controlPath)) unlinkSync(controlPath);
  installExitHook();
  // -f: ssh goes to the background after authentication and detaches its stdio, so this call returns as soon
  // as the connection is up (and with ssh's own error when it cannot be).
  return runCommand(
    ['ssh', ...sshOptions, '-o', 'ControlMaster=yes', '-o', `ControlPath=${controlPath}`, '-o', `ControlPersist=${CONTROL_PERSIST_SECONDS}s`, '-N', '-f', destination],
    { timeoutMs: 20_000 },
  );
}

/** checkMaster: the pid of the live master behind `controlPath`, or null when none answers. */
export async function checkMaster(controlPath: string, destination: string): Promise<number | null> {
  if (!existsSync(controlPath)) return null;
  const result = await runCommand(['ssh', '-o', `ControlPath=${controlPath}`, '-O', 'check', destination], { timeoutMs: 5000 });
  const pid = /pid=(\d+)/.exec(result.stderr)?.[1];
  return result.code === 0 && pid ? Number(pid) : null;
}

/** closeMaster: ends the master behind `controlPath` (its sessions end with it) and forgets it. */
export async function closeMaster(controlPath: string): Promise<void> {
  const master = masters.get(controlPath);
  if (!master) return;
  if (master.start) await master.start.catch(() => undefined);
  masters.delete(controlPath);
  if (existsSync(controlPath)) {
    await runCommand(['ssh', '-o', `ControlPath=${controlPath}`, '-O', 'exit', master.destination], { timeoutMs: 5000 }).catch(() => undefined);
  }
  if (existsSync(controlPath)) unlinkSync(controlPath);
}

/** closeAllMasters: ends every master of this process and removes the control directory. */
export async function closeAllMasters(): Promise<void> {
  await Promise.all([...masters.keys()].map((path) => closeMaster(path)));
  if (controlDir) rmSync(controlDir, { recursive: true, force: true });
  controlDir = null;
}

/** On a normal exit (process.exit from a signal handler too) no master may stay behind for ControlPersist. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [path, master] of masters) {
      if (existsSync(path)) spawnSync('ssh', ['-o', `ControlPath=${path}`, '-O', 'exit', master.destination], { stdio: 'ignore', timeout: 2000 });
    }
    if (controlDir) rmSync(controlDir, { recursive: true, force: true });
  });
}
