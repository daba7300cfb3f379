/**
 * RadosSession: one long-lived librados connection on the Ceph client node (rados-session.py under Debian's
 * /usr/bin/python3), spoken to through the node's executor. A command costs milliseconds instead of the ~0.4 s
 * of CPU a `ceph` CLI start costs, so the cluster probe can read monitor and manager several times a second and
 * pinpoint events by Ceph's own stamps (docs/decisions/0093). Where python3-rados is missing, start() fails with
 * the reason and callers fall back to the CLI.
 * Contract: answers are matched by id; a request not answered within its timeout rejects (the session stays
 * usable: the worker of that daemon type may still be waiting, later requests of the other type are unaffected).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandTimeout } from '../../../executors/command';
import type { Executor } from '../../../executors/executor';
import type { LineProcess } from '../../../executors/line-process';
import type { CephAccess } from './client';

/** The interpreter with Debian's python3-rados (a pyenv python3 earlier on PATH would not have it). */
export const SESSION_PYTHON = '/usr/bin/python3';
const SCRIPT = readFileSync(join(__dirname, 'rados-session.py'), 'utf8');

export type CephDaemonType = 'mon' | 'mgr';

/** CephAnswer: one answer; `sentAtMs`/`answeredAtMs` are the client node's wall clock (epoch ms). */
export interface CephAnswer {
  ret: number;
  out: string;
  outs: string;
  sentAtMs: number;
  answeredAtMs: number;
}

/** CephCommandRejected: the daemon answered with an error code (e.g. -2 ENOENT for a trimmed OSD map epoch). */
export class CephCommandRejected extends Error {
  override readonly name = 'CephCommandRejected';
  constructor(
    readonly command: string,
    readonly ret: number,
    readonly outs: string,
  ) {
    super(`ceph ${command} answered ${ret}: ${outs || 'no message'}`);
  }
}

interface RawAnswer {
  id: number;
  ready?: boolean;
  error?: string;
  ret?: number;
  out?: string;
  outs?: string;
  sentAt?: number;
  answeredAt?: number;
}

export class RadosSession {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: RawAnswer) => void>();
  private reading: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly process: LineProcess,
    readonly description: string,
  ) {}

  /**
   * start: starts the session and waits until it is connected (at most `connectTimeoutMs`); rejects with the
   * reason (python3-rados missing, no monitor reachable, a long-running program not possible on this executor).
   */
  static async start(executor: Executor, access: CephAccess, maxSeconds: number, connectTimeoutMs = 15_000): Promise<RadosSession> {
    const name = access.user ? (access.user.includes('.') ? access.user : `client.${access.user}`) : '';
    const argv = [SESSION_PYTHON, '-u', '-c', SCRIPT, access.conf ?? '', access.keyring ?? '', name, access.cluster ?? '', String(Math.ceil(maxSeconds))];
    const process = executor.startLineProcess(argv);
    const description = `librados session on ${executor.description}`;
    try {
      const first = JSON.parse(await process.nextLine(connectTimeoutMs)) as RawAnswer;
      if (!first.ready) throw new Error(first.error ?? 'no ready line');
    } catch (error) {
      await process.stop();
      const why = error instanceof CommandTimeout ? `not connected within ${connectTimeoutMs}ms` : error instanceof Error ? error.message : String(error);
      throw new Error(`${description} did not start: ${why}`);
    }
    const session = new RadosSession(process, description);
    session.reading = session.readAnswers();
    return session;
  }

  /** command: sends `cmd` (a Ceph command as JSON, "format": "json" added) to the monitors or the manager. */
  async command(to: CephDaemonType, cmd: Record<string, unknown>, timeoutMs: number): Promise<CephAnswer> {
    if (this.closed || this.process.exited) throw new Error(`${this.description} has ended`);
    const id = this.nextId++;
    const what = String(cmd.prefix ?? '?');
    const answered = new Promise<RawAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CommandTimeout(`${this.description}: ${what} (${to}) gave no answer within ${timeoutMs}ms`));
      }, timeoutMs);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
    this.process.write(`${JSON.stringify({ id, to, cmd: { format: 'json', ...cmd } })}\n`);
    const raw = await answered;
    if (raw.error) throw new Error(`${this.description}: ${raw.error}`);
    const answer: CephAnswer = { ret: raw.ret ?? -1, out: raw.out ?? '', outs: raw.outs ?? '', sentAtMs: (raw.sentAt ?? NaN) * 1000, answeredAtMs: (raw.answeredAt ?? NaN) * 1000 };
    if (answer.ret !== 0) throw new CephCommandRejected(what, answer.ret, answer.outs);
    return answer;
  }

  /** ended: the session's process is gone (it crashed, or its lifetime ran out); commands fail until a new one starts. */
  get ended(): boolean {
    return this.closed || this.process.exited;
  }

  /** json: the answer's output, for a parser. */
  async json(to: CephDaemonType, cmd: Record<string, unknown>, timeoutMs: number): Promise<string> {
    return (await this.command(to, cmd, timeoutMs)).out;
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.process.stop();
    await this.reading;
  }

  private async readAnswers(): Promise<void> {
    while (!this.closed && !this.process.exited) {
      let line: string;
      try {
        line = await this.process.nextLine(1000);
      } catch {
        continue; // a quiet second, or the end (the loop condition decides)
      }
      let raw: RawAnswer;
      try {
        raw = JSON.parse(line) as RawAnswer;
      } catch {
        continue; // not ours (a library's stray print); answers are one JSON object per line
      }
      const resolve = this.pending.get(raw.id);
      this.pending.delete(raw.id);
      resolve?.(raw);
    }
    for (const [id, resolve] of this.pending) resolve({ id, error: `${this.description} ended: ${this.process.stderrTail().trim().split('\n').slice(-2).join(' | ') || 'no message'}` });
    this.pending.clear();
  }
}
