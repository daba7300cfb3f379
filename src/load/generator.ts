/**
 * The built-in open-model HTTP load generator: used beside the probes wherever no k6 binary is installed.
 *
 * Contract (docs/decisions/0030-load-generator.md):
 * 1. Arrivals come at a constant rate; arrival i is due at start + i × 1000 / rate, computed from the start,
 *    so timer lateness never accumulates into drift.
 * 2. Open model: an arrival never waits for the system. If `maxInFlight` requests are already open it is
 *    counted as `dropped` (and recorded as a measurement-problem sample), never queued.
 * 3. Bounded twice: at most `maxRequests` arrivals, all due within `maxDurationMs` of the start; every request
 *    ends by its own `timeoutMs`. So `done` settles within maxDurationMs + timeoutMs (plus event-loop stalls).
 * 4. Every request becomes one Sample (`probe` = the load's name, `t` = its start on the monotonic clock), so
 *    src/slo judges load samples unchanged; latencies also go into a fixed-memory histogram for the report.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { now } from '../kernel/clock';
import { BadInput } from '../kernel/errors';
import { classifyError } from '../probes/http-probe';
import { LeanHttpError, leanHttpGet } from '../probes/lean-http';
import type { Sample } from '../model/sample';
import { LatencyHistogram } from './latency-histogram';
import type { BuiltinLoadReport } from '../model/load';
import { boundedDelay } from '../kernel/duration';

/** LoadOptions: one constant-rate load against one URL (GET). */
export interface LoadOptions {
  /** Names the load in reports; every sample's `probe`. */
  name: string;
  /** http:// or https:// URL requested with GET. */
  url: string;
  /** Arrival rate, requests per second (> 0). */
  ratePerSecond: number;
  /** Most arrivals offered (> 0, finite). Required: a load without a count bound is refused. */
  maxRequests: number;
  /** Arrivals are only due within this many ms of the start (> 0, finite). Required, like maxRequests. */
  maxDurationMs: number;
  /** Per-request limit, connection to last byte of the body (> 0). */
  timeoutMs: number;
  /** Most requests open at once; further arrivals are dropped. Default: one timeout's worth, at most 1024. */
  maxInFlight?: number;
  /** Reuse connections. Default false: each request opens its own, so a dead backend cannot hide behind a pool. */
  keepAlive?: boolean;
  /** Statuses that count as ok. Default 200-399, like HttpProbe and k6's expected statuses. */
  isGoodStatus?: (status: number) => boolean;
  /** Called once per request (and per dropped arrival) as it ends; keep it cheap, it is on the hot path. */
  onSample?: (sample: Sample) => void;
}

/** LoadRun: a running load. `done` settles once, with the same report `stop()` resolves to. */
export interface LoadRun {
  readonly name: string;
  /** Arrivals the schedule holds: min(maxRequests, arrivals due within maxDurationMs). */
  readonly planned: number;
  /** stop: offers no further arrivals; resolves when the open requests have finished (each within its timeout). */
  stop(): Promise<BuiltinLoadReport>;
  readonly done: Promise<BuiltinLoadReport>;
}

/** LOAD_DROPPED: the error class of the sample recorded for a dropped arrival. */
export const LOAD_DROPPED = 'load-dropped';

/**
 * Default cap on requests in flight: every request of one timeout period fits, as in HttpProbe, so only a
 * stalled generator or a hung system drops arrivals; never above 1024 sockets, far below the file limit.
 */
const DEFAULT_MAX_IN_FLIGHT_CEILING = 1024;

/** startLoad: validates `options` (BadInput when unbounded or malformed) and starts the load at once. */
export function startLoad(options: LoadOptions): LoadRun {
  const generator = new LoadGenerator(validateLoadOptions(options));
  generator.start();
  return generator;
}

/** plannedArrivals: min(maxRequests, number of i ≥ 0 with i × 1000 / rate < maxDurationMs). */
export function plannedArrivals(ratePerSecond: number, maxRequests: number, maxDurationMs: number): number {
  // The relative epsilon keeps 1000 ms × 0.3/s at 300 arrivals instead of 301 from binary noise.
  const dueWithin = Math.ceil(((maxDurationMs * ratePerSecond) / 1000) * (1 - 1e-12));
  return Math.max(0, Math.min(Math.floor(maxRequests), dueWithin));
}

function validateLoadOptions(options: LoadOptions): Required<Omit<LoadOptions, 'onSample'>> & Pick<LoadOptions, 'onSample'> {
  const fix = 'give startLoad a positive, finite ratePerSecond, maxRequests, maxDurationMs and timeoutMs';
  const positive = (field: keyof LoadOptions): number => {
    const value = options[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new BadInput(`load "${options.name}": ${field} must be a positive finite number, got ${String(value)}`, undefined, fix);
    }
    return value;
  };
  const ratePerSecond = positive('ratePerSecond');
  // Both bounds are required: a load left running by mistake must still end on its own.
  const maxRequests = positive('maxRequests');
  const maxDurationMs = positive('maxDurationMs');
  const timeoutMs = positive('timeoutMs');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new BadInput(`load "${options.name}": "${options.url}" is not a URL`, undefined, 'write it as http://HOST[:PORT]/PATH');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInput(`load "${options.name}": ${url.protocol} is not supported`, undefined, 'use an http:// or https:// URL');
  }
  const defaultInFlight = Math.min(DEFAULT_MAX_IN_FLIGHT_CEILING, Math.ceil((ratePerSecond * timeoutMs) / 1000) + 2);
  const maxInFlight = options.maxInFlight ?? defaultInFlight;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new BadInput(`load "${options.name}": maxInFlight must be a positive integer, got ${String(maxInFlight)}`);
  }
  return {
    name: options.name,
    url: options.url,
    ratePerSecond,
    maxRequests,
    maxDurationMs,
    timeoutMs,
    maxInFlight,
    keepAlive: options.keepAlive ?? false,
    isGoodStatus: options.isGoodStatus ?? ((status: number) => status >= 200 && status < 400),
    onSample: options.onSample,
  };
}

/** The error a request is destroyed with at its timeout; classifyError turns ETIMEDOUT into "timeout". */
class RequestTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

class LoadGenerator implements LoadRun {
  readonly name: string;
  readonly planned: number;
  readonly done: Promise<BuiltinLoadReport>;

  private readonly periodMs: number;
  private readonly transport: typeof http | typeof https;
  /** Set for plain http to an IP address without keep-alive: requests go through leanHttpGet. */
  private readonly leanUrl: URL | null;
  private readonly agent: http.Agent | null;
  private readonly requestOptions: http.RequestOptions;
  private readonly histogram: LatencyHistogram;
  private readonly errorClasses = new Map<string, number>();
  private resolveDone!: (report: BuiltinLoadReport) => void;

  private startedAt = 0;
  private offerEndedAt: number | null = null;
  private lastOfferAt = 0;
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished: BuiltinLoadReport | null = null;
  private inFlight = 0;
  private sent = 0;
  private completed = 0;
  private ok = 0;
  private failed = 0;
  private dropped = 0;
  private lagSumMs = 0;
  private lagMaxMs = 0;

  constructor(private readonly options: ReturnType<typeof validateLoadOptions>) {
    this.name = options.name;
    this.planned = plannedArrivals(options.ratePerSecond, options.maxRequests, options.maxDurationMs);
    this.periodMs = 1000 / options.ratePerSecond;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const url = new URL(options.url);
    const secure = url.protocol === 'https:';
    this.leanUrl = !secure && !options.keepAlive && net.isIP(url.hostname) !== 0 ? url : null;
    this.transport = secure ? https : http;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (secure ? 443 : 80));
    this.requestOptions = {
      protocol: url.protocol,
      hostname: host,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { 'user-agent': 'scs-chaos-load' },
    };
    if (options.keepAlive) {
      // maxSockets = maxInFlight: the agent never queues a request behind our back (that would hide a
      // closed model inside the open one).
      const AgentClass = secure ? https.Agent : http.Agent;
      this.agent = new AgentClass({ keepAlive: true, maxSockets: options.maxInFlight });
      this.requestOptions.agent = this.agent;
    } else {
      // No agent at all: each request dials its own connection and sends "Connection: close", so the server
      // closes first and holds TIME_WAIT, not our ephemeral ports. (An http.Agent with keepAlive false but a
      // finite maxSockets still sends "Connection: keep-alive"; skipping it also saves its bookkeeping.)
      this.agent = null;
      this.requestOptions.createConnection = secure
        ? () => tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : () => net.connect(port, host);
    }
    // Latencies above the timeout only come from a stalled event loop; a minute of headroom covers that.
    this.histogram = new LatencyHistogram(options.timeoutMs + 60_000);
  }

  start(): void {
    this.startedAt = now();
    this.pump();
  }

  stop(): Promise<BuiltinLoadReport> {
    this.endOffering(now());
    return this.done;
  }

  /** Offers every arrival that has come due (late ones too: a busy loop delays, never thins, the schedule). */
  private readonly pump = (): void => {
    this.timer = null;
    if (this.offerEndedAt !== null) return;
    const rate = this.options.ratePerSecond;
    let t = now();
    while (this.next < this.planned && this.startedAt + (this.next * 1000) / rate <= t) {
      const due = this.startedAt + (this.next * 1000) / rate;
      this.next += 1;
      this.offer(due);
      t = now();
    }
    if (this.next >= this.planned) {
      this.endOffering(this.planned === 0 ? t : this.lastOfferAt + this.periodMs);
      return;
    }
    const nextDue = this.startedAt + (this.next * 1000) / rate;
    // Node truncates timer delays to whole ms; rounding up means a wake-up is never too early to offer.
    this.timer = setTimeout(this.pump, boundedDelay(Math.ceil(nextDue - t)));
  };

  private offer(due: number): void {
    const t = now();
    this.lastOfferAt = t;
    const lag = t - due;
    this.lagSumMs += lag;
    if (lag > this.lagMaxMs) this.lagMaxMs = lag;
    if (this.inFlight >= this.options.maxInFlight) {
      this.dropped += 1;
      this.options.onSample?.({ probe: this.name, t, ok: false, error: LOAD_DROPPED, measurementProblem: true });
      return;
    }
    this.inFlight += 1;
    this.sent += 1;
    this.send(t);
  }

  private send(t: number): void {
    if (this.leanUrl) {
      // Plain http without keep-alive: the lean client costs a third of Node's (src/probes/lean-http.ts).
      leanHttpGet(this.leanUrl, this.options.timeoutMs).then(
        (answer) => this.record(t, answer.status, undefined),
        (error: LeanHttpError) => this.record(t, undefined, error), // its code (ETIMEDOUT, ECONNREFUSED ...) classifies it
      );
      return;
    }
    let settled = false;
    let timeout: NodeJS.Timeout | undefined;
    const settle = (status: number | undefined, error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      this.record(t, status, error);
    };
    try {
      const request = this.transport.request(this.requestOptions, (response) => {
        response.on('end', () => settle(response.statusCode, undefined));
        // A response cut off before its end is a reset, whatever the socket reports afterwards.
        response.on('close', () => settle(undefined, { code: 'ECONNRESET' }));
        response.on('error', () => settle(undefined, { code: 'ECONNRESET' }));
        response.resume();
      });
      request.on('error', (error) => settle(undefined, error));
      timeout = setTimeout(() => {
        settle(undefined, new RequestTimeout('request timed out'));
        request.destroy();
      }, this.options.timeoutMs);
      request.end();
    } catch (error) {
      // Settled on a later tick, so record() never runs inside the schedule loop that offered the request.
      setImmediate(() => settle(undefined, error));
    }
  }

  private record(t: number, status: number | undefined, error: unknown): void {
    const end = now();
    this.inFlight -= 1;
    let sample: Sample;
    if (status !== undefined) {
      this.completed += 1;
      const latencyMs = end - t;
      this.histogram.record(latencyMs);
      const ok = this.options.isGoodStatus(status);
      if (ok) this.ok += 1;
      else this.countFailure('status');
      sample = ok ? { probe: this.name, t, ok, latencyMs, status } : { probe: this.name, t, ok, latencyMs, status, error: 'status' };
    } else {
      const { error: errorClass, measurementProblem } = classifyError(error);
      // A timed-out request stands for at least its timeout (docs/decisions/0020-slo-and-recovery-math.md).
      const latencyMs = errorClass === 'timeout' ? Math.max(end - t, this.options.timeoutMs) : end - t;
      this.histogram.record(latencyMs);
      this.countFailure(errorClass);
      sample = { probe: this.name, t, ok: false, latencyMs, error: errorClass };
      if (measurementProblem) sample.measurementProblem = true;
    }
    this.options.onSample?.(sample);
    this.finishIfIdle();
  }

  private countFailure(errorClass: string): void {
    this.failed += 1;
    this.errorClasses.set(errorClass, (this.errorClasses.get(errorClass) ?? 0) + 1);
  }

  private endOffering(at: number): void {
    if (this.offerEndedAt !== null) return;
    this.offerEndedAt = at;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.finishIfIdle();
  }

  private finishIfIdle(): void {
    if (this.offerEndedAt === null || this.inFlight > 0 || this.finished) return;
    this.agent?.destroy();
    const windowMs = this.offerEndedAt - this.startedAt;
    this.finished = {
      name: this.name,
      engine: 'builtin',
      ratePerSecond: this.options.ratePerSecond,
      offered: this.sent + this.dropped,
      sent: this.sent,
      completed: this.completed,
      ok: this.ok,
      failed: this.failed,
      dropped: this.dropped,
      errorClasses: Object.fromEntries(this.errorClasses),
      achievedRatePerSecond: windowMs > 0 ? (this.sent * 1000) / windowMs : 0,
      latencyMs: this.histogram.summary(),
      durationMs: now() - this.startedAt,
      scheduleLagMs: { mean: this.sent + this.dropped > 0 ? this.lagSumMs / (this.sent + this.dropped) : 0, max: this.lagMaxMs },
    };
    this.resolveDone(this.finished);
  }
}
