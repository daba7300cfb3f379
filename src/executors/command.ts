/**
 * runCommand: runs one program (no shell) with a timeout and collects its output. The building block of
 * every executor; it never throws for a non-zero exit, only for "could not start" or a timeout.
 */
import { spawn } from 'node:child_process';
import { boundedDelay } from '../kernel/duration';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Kill the program (SIGKILL) after this long and reject. Default 30 s. */
  timeoutMs?: number;
  /** Text written to the program's standard input. */
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export class CommandTimeout extends Error {
  override readonly name = 'CommandTimeout';
}

export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new Error('runCommand: empty command'));
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CommandTimeout(`${argv.join(' ')} did not finish within ${timeoutMs}ms`));
    }, boundedDelay(timeoutMs));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command and throws, with its stderr, when it exits non-zero. */
export async function runChecked(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
