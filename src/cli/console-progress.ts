/**
 * ConsoleProgress: the run's progress on stderr. On a terminal it keeps one live status line at the bottom
 * ("[2/5 0:42] fault active: isolate node-1 … 4s left"), redrawn twice a second and cleared before every log
 * line. Elsewhere (CI logs, files) it never uses carriage returns or colours: it prints a heartbeat line only
 * while a wait runs longer than HEARTBEAT_MS, once per HEARTBEAT_MS, so a 10-minute recovery wait shows that the
 * run is alive without flooding the log.
 */
import { now } from '../kernel/clock';
import { formatDuration } from '../kernel/duration';
import type { ProgressPhase, RunProgress } from '../core/progress';

/** HEARTBEAT_MS: how often a plain-text heartbeat is printed during a long wait. */
export const HEARTBEAT_MS = 15_000;
const REDRAW_MS = 500;

interface Waiting {
  phase: ProgressPhase;
  what: string;
  untilMs?: number;
  startedAt: number;
}

export interface ConsoleProgressOptions {
  /** Where log lines and heartbeats go (one line each, no newline). */
  log: (line: string) => void;
  /** Live status line on a terminal: raw text written to the same terminal (stderr). Without it: heartbeats. */
  live?: (text: string) => void;
  /** How many scenarios the run has (from the plan). */
  total: number;
  heartbeatMs?: number;
}

export class ConsoleProgress implements RunProgress {
  private position = 0;
  private scenarioStartedAt = 0;
  private current: Waiting | null = null;
  private statusShown = false;
  private timer: NodeJS.Timeout | null = null;
  private lastHeartbeat = 0;
  private readonly heartbeatMs: number;

  constructor(private readonly options: ConsoleProgressOptions) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** log: one line for people; on a terminal the status line is cleared first and drawn again below it. */
  log(line: string): void {
    this.clearStatus();
    this.options.log(line);
    this.drawStatus();
  }

  scenarioStarted(position: number): void {
    this.position = position;
    this.scenarioStartedAt = now();
    this.start();
  }

  waiting(phase: ProgressPhase, what: string, untilMs?: number): () => void {
    const waiting: Waiting = { phase, what, startedAt: now(), ...(untilMs !== undefined ? { untilMs } : {}) };
    this.current = waiting;
    this.lastHeartbeat = waiting.startedAt;
    this.drawStatus();
    return () => {
      if (this.current === waiting) this.current = null;
      this.drawStatus();
    };
  }

  scenarioFinished(): void {
    this.current = null;
    this.clearStatus();
  }

  /** stop: ends the redraw timer and clears the status line (end of the run). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clearStatus();
  }

  /** statusText: the status as one line, e.g. "[2/5 0:42] fault active: isolate node-1 (4s left)". */
  statusText(at: number = now()): string | null {
    if (!this.current || this.position === 0) return null;
    const { phase, what, untilMs, startedAt } = this.current;
    const left = untilMs !== undefined ? `${formatDuration(Math.max(0, untilMs - at))} left` : `${formatDuration(at - startedAt)} so far`;
    return `[${this.position}/${this.options.total} ${clock(at - this.scenarioStartedAt)}] ${phase}: ${what} (${left})`;
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.live ? REDRAW_MS : 1000);
    this.timer.unref();
  }

  private tick(): void {
    if (this.options.live) {
      this.drawStatus();
      return;
    }
    const at = now();
    if (this.current && at - this.lastHeartbeat >= this.heartbeatMs) {
      this.lastHeartbeat = at;
      const text = this.statusText(at);
      if (text) this.options.log(`  … ${text}`);
    }
  }

  private drawStatus(): void {
    const live = this.options.live;
    if (!live) return;
    const text = this.statusText();
    if (!text) {
      this.clearStatus();
      return;
    }
    live(`\r\x1b[2K${text}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.options.live || !this.statusShown) return;
    this.options.live('\r\x1b[2K');
    this.statusShown = false;
  }
}

/** clock: elapsed time as m:ss (h:mm:ss past an hour) — a scenario's age at a glance. */
export function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
