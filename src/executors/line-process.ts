/**
 * LineProcess: a long-running program spoken to line by line — commands written to its standard input, answers
 * read as lines of its standard output. For tools with an interactive mode whose start-up costs more than an
 * answer (the `ceph` CLI: ~0.4 s of Python to start, ~20-100 ms per command after that), so a probe can ask
 * often without burning a CPU core on start-ups.
 * Contract: one reader at a time (nextLine is not re-entrant); stop() closes standard input, then SIGTERM, then
 * SIGKILL after `killAfterMs`; the process never outlives stop() or the runner (it is a child of this process).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { CommandTimeout } from './command';

export interface LineProcess {
  /** What runs, for messages. */
  readonly description: string;
  /** True once the program has exited (or could not start). */
  readonly exited: boolean;
  /** write: text to the program's standard input (a newline is not added). */
  write(text: string): void;
  /** nextLine: the next line of standard output; rejects with CommandTimeout after `timeoutMs`, or when the program exits. */
  nextLine(timeoutMs: number): Promise<string>;
  /** stderrTail: the last lines the program wrote to standard error (for error messages). */
  stderrTail(): string;
  stop(): Promise<void>;
}

const STDERR_KEEP = 4000;

/** startLineProcess: spawns argv (no shell) with piped standard streams. */
export function startLineProcess(argv: readonly string[], description = argv.join(' '), killAfterMs = 1000): LineProcess {
  const [program, ...args] = argv;
  if (!program) throw new Error('startLineProcess: empty command');
  const child: ChildProcessWithoutNullStreams = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  let exitReason = '';
  let waiter: (() => void) | null = null;
  const wake = (): void => {
    const w = waiter;
    waiter = null;
    w?.();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (parts.length) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  const closed = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      exited = true;
      exitReason = `exited ${code ?? signal}`;
      wake();
      resolve();
    });
  });
  child.on('error', (error) => {
    exited = true;
    exitReason = `could not start: ${error.message}`;
    wake();
  });
  child.stdin.on('error', () => undefined);

  return {
    description,
    get exited() {
      return exited;
    },
    write(text: string): void {
      if (!exited) child.stdin.write(text);
    },
    async nextLine(timeoutMs: number): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines.shift();
        if (line !== undefined) return line;
        if (exited) throw new Error(`${description} ${exitReason}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new CommandTimeout(`${description} gave no answer within ${timeoutMs}ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            waiter = null;
            resolve();
          }, left);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    stderrTail: () => stderr,
    async stop(): Promise<void> {
      if (exited) return;
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
