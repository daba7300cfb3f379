/**
 * Executor: how a command reaches a node (DESIGN.md section 9). A fault is written once against this
 * interface and runs the same on a lab namespace, the local host or (later) a real host over SSH.
 */
import type { ExecutorSpec } from '../model/environment';
import type { CommandOptions, CommandResult } from './command';
import type { LineProcess } from './line-process';

export interface Executor {
  /** What the executor reaches, for messages: "netns scs-lab-node-1". */
  readonly description: string;
  /** The serialisable spec, written to the journal so a rollback can reach the node again. */
  readonly spec: ExecutorSpec;
  /** run: runs one program with arguments on the node (no shell). */
  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** runScript: runs a POSIX shell script on the node with `sh -c`. */
  runScript(script: string, options?: CommandOptions): Promise<CommandResult>;
  /**
   * spawnDetached: starts a shell script on the node in a new session that outlives this process and its
   * process group (the on-target expiry timers). `name` becomes the script's $0, so the process can be found
   * by its command line.
   */
  spawnDetached(script: string, name: string): Promise<void>;
  /**
   * startLineProcess: starts a long-running program on the node, spoken to line by line (line-process.ts). It is
   * tied to this process (killed by stop(); over ssh it ends when its standard input closes), never detached.
   */
  startLineProcess(argv: readonly string[]): LineProcess;
}

/** detachedLauncher: the `sh -c` text that starts `script` in its own session with no ties to the caller. */
export function detachedLauncher(script: string, name: string): string {
  return `setsid -f sh -c ${shellQuote(script)} ${shellQuote(name)} </dev/null >/dev/null 2>&1`;
}

/** shellQuote: quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
