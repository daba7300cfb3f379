/**
 * HttpProbe: requests one URL at a fixed rate and records one Sample per request, stamped with its start on
 * the monotonic clock. No keep-alive: every sample opens its own connection, so a dead backend cannot hide
 * behind a pooled one.
 */
import http from 'node:http';
import net from 'node:net';
import axios, { AxiosError } from 'axios';
import { now } from '../kernel/clock';
import { leanHttpGet } from './lean-http';
import { Measurement, PeriodicSampler, Probe } from './probe';
import type { Sample } from '../model/sample';

export interface HttpProbeOptions {
  name: string;
  url: string;
  rateHz: number;
  timeoutMs: number;
  /** Statuses that count as good. Default: 200-399. */
  isGoodStatus?: (status: number) => boolean;
  /** When set, a good sample also needs this text in the body (the first 64 KiB); otherwise error "body". */
  bodyIncludes?: string;
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

export class HttpProbe implements Probe {
  readonly description: string;
  private readonly agent = new http.Agent({ keepAlive: false });
  private readonly sampler: PeriodicSampler;
  /** The URL when it is plain http to an IP address: measured with the lean client (src/probes/lean-http.ts). */
  private readonly plainHttp: URL | null;

  constructor(private readonly options: HttpProbeOptions) {
    this.description = `GET ${options.url} at ${options.rateHz} Hz`;
    const parsed = new URL(options.url);
    // Names go through axios, so DNS failures keep their own error class (a measurement problem).
    this.plainHttp = parsed.protocol === 'http:' && net.isIP(parsed.hostname) !== 0 ? parsed : null;
    const sampler: ConstructorParameters<typeof PeriodicSampler>[0] = {
      name: options.name,
      rateHz: options.rateHz,
      timeoutMs: options.timeoutMs,
      measure: (t) => this.measure(t),
      onSample: options.onSample,
    };
    if (options.maxDurationMs !== undefined) sampler.maxDurationMs = options.maxDurationMs;
    this.sampler = new PeriodicSampler(sampler);
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.sampler.start();
  }

  async stop(): Promise<void> {
    await this.sampler.stop();
    this.agent.destroy();
  }

  private async measure(t: number): Promise<Measurement> {
    const { timeoutMs, url } = this.options;
    const isGood = this.options.isGoodStatus ?? ((status: number) => status >= 200 && status < 400);
    const judged = (status: number, body: string | undefined, latencyMs: number): Measurement => {
      if (!isGood(status)) return { ok: false, latencyMs, status, error: 'status' };
      const wanted = this.options.bodyIncludes;
      if (wanted !== undefined && !(body ?? '').includes(wanted)) return { ok: false, latencyMs, status, error: 'body' };
      return { ok: true, latencyMs, status };
    };
    try {
      const wanted = this.options.bodyIncludes;
      if (this.plainHttp) {
        const answer = await leanHttpGet(this.plainHttp, timeoutMs, wanted !== undefined);
        return judged(answer.status, answer.body, now() - t);
      }
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
      return judged(response.status, typeof response.data === 'string' ? response.data : '', now() - t);
    } catch (error) {
      const { error: errorClass, measurementProblem } = classifyError(error);
      const elapsed = now() - t;
      return {
        ok: false,
        latencyMs: errorClass === 'timeout' ? Math.max(elapsed, timeoutMs) : elapsed,
        error: errorClass,
        ...(measurementProblem ? { measurementProblem } : {}),
      };
    }
  }
}
