/**
 * HttpProbe: requests one URL at a fixed rate (open model: a new request starts on schedule whether or not
 * the last one finished) and records one Sample per request, stamped with its start on the monotonic clock.
 * Bounded: at most `maxInFlight` requests at once and never longer than `maxDurationMs`.
 */
import http from 'node:http';
import axios, { AxiosError } from 'axios';
import { now } from '../core/clock';
import type { Sample } from './sample';

export interface HttpProbeOptions {
  name: string;
  url: string;
  rateHz: number;
  timeoutMs: number;
  /** Statuses that count as good. Default: 200-399. */
  isGoodStatus?: (status: number) => boolean;
  /** Hard stop, so a forgotten probe cannot run forever. Default 1 h. */
  maxDurationMs?: number;
  onSample: (sample: Sample) => void;
}

/** classifyError: the error class of a failed request; DNS failures are the probe's problem, not the system's. */
export function classifyError(error: unknown): { error: string; measurementProblem: boolean } {
  const code = (error as AxiosError | undefined)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return { error: 'refused', measurementProblem: false };
    case 'ECONNRESET':
    case 'EPIPE':
      return { error: 'reset', measurementProblem: false };
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
    case 'ERR_CANCELED':
      return { error: 'timeout', measurementProblem: false };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { error: 'unreachable', measurementProblem: false };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { error: 'dns', measurementProblem: true };
    default:
      return { error: code ? code.toLowerCase() : 'error', measurementProblem: false };
  }
}

export class HttpProbe {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private tick = 0;
  private startedAt = 0;
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();
  // No keep-alive: every sample opens its own connection, so a dead backend cannot hide behind a pooled one.
  private readonly agent = new http.Agent({ keepAlive: false });
  private readonly maxInFlight: number;

  constructor(private readonly options: HttpProbeOptions) {
    // Enough room for every request of one timeout period, plus slack.
    this.maxInFlight = Math.ceil((options.rateHz * options.timeoutMs) / 1000) + 2;
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.startedAt = now();
    this.schedule();
  }

  /** stop: no new requests; resolves when the ones in flight have finished (each is bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.pending]);
    this.agent.destroy();
  }

  private schedule(): void {
    if (this.stopped) return;
    const periodMs = 1000 / this.options.rateHz;
    const due = this.startedAt + this.tick * periodMs;
    this.timer = setTimeout(() => {
      this.tick++;
      if (now() - this.startedAt > (this.options.maxDurationMs ?? 3_600_000)) {
        this.stopped = true;
        return;
      }
      this.fire();
      this.schedule();
    }, Math.max(0, due - now()));
  }

  private fire(): void {
    const t = now();
    if (this.inFlight >= this.maxInFlight) {
      this.options.onSample({ probe: this.name, t, ok: false, error: 'probe-saturated', measurementProblem: true });
      return;
    }
    this.inFlight++;
    const request = this.measure(t).finally(() => {
      this.inFlight--;
      this.pending.delete(request);
    });
    this.pending.add(request);
  }

  private async measure(t: number): Promise<void> {
    const { timeoutMs, url } = this.options;
    const isGood = this.options.isGoodStatus ?? ((status: number) => status >= 200 && status < 400);
    try {
      const response = await axios.get(url, {
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        httpAgent: this.agent,
        proxy: false,
        responseType: 'text',
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxRedirects: 0,
      });
      const ok = isGood(response.status);
      this.options.onSample({
        probe: this.name,
        t,
        ok,
        latencyMs: now() - t,
        status: response.status,
        ...(ok ? {} : { error: 'status' }),
      });
    } catch (error) {
      const { error: errorClass, measurementProblem } = classifyError(error);
      const elapsed = now() - t;
      this.options.onSample({
        probe: this.name,
        t,
        ok: false,
        latencyMs: errorClass === 'timeout' ? Math.max(elapsed, timeoutMs) : elapsed,
        error: errorClass,
        ...(measurementProblem ? { measurementProblem } : {}),
      });
    }
  }
}
