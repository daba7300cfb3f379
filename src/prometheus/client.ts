/**
 * A small client for Prometheus' HTTP API (/api/v1/query, /api/v1/query_range, /api/v1/targets).
 * Two kinds of failure, kept apart because they mean different things to an experiment:
 *   - PrometheusUnavailable: Prometheus could not be reached, timed out or answered an error that is not the
 *     query's fault. The measurement failed, not the system under test; probes record a measurement problem.
 *   - BadInput: Prometheus rejected the PromQL itself (HTTP 400, errorType bad_data). Fix the query.
 */
import http from 'node:http';
import axios, { AxiosError } from 'axios';
import { BadInput } from '../kernel/errors';

/** PrometheusUnavailable: Prometheus at `url` could not answer (`reason`); a measurement problem, never an outage. */
export class PrometheusUnavailable extends Error {
  override readonly name = 'PrometheusUnavailable';
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Prometheus at ${url} is unavailable: ${reason}`, options);
  }
}

/** PromLabels: the label set of one series, `__name__` included when the result keeps it. */
export type PromLabels = Record<string, string>;

/** VectorElement: one series of an instant vector; `t` is Prometheus' evaluation time in Unix seconds. */
export interface VectorElement {
  metric: PromLabels;
  value: number;
  t: number;
}

/** InstantResult: what an instant query returns; PromQL strings are refused (no numeric value to judge). */
export type InstantResult =
  | { readonly resultType: 'vector'; readonly vector: VectorElement[] }
  | { readonly resultType: 'scalar'; readonly value: number; readonly t: number };

/** MatrixSeries: one series of a range query, its points in time order (`t` in Unix seconds). */
export interface MatrixSeries {
  metric: PromLabels;
  values: Array<{ t: number; value: number }>;
}

/** TargetHealth: a scrape target's health as Prometheus reports it ("unknown" until its first scrape). */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** ActiveTarget: one active scrape target from /api/v1/targets. */
export interface ActiveTarget {
  job: string;
  instance: string;
  labels: PromLabels;
  scrapeUrl: string;
  health: TargetHealth;
  /** The last scrape's error, "" when it succeeded. */
  lastError: string;
  /** Wall-clock ISO time of the last scrape (Prometheus reports year 1 before the first). */
  lastScrape: string;
}

/** TargetRef: a scrape target by job and instance ("addr:port" unless relabelled), as configured. */
export interface TargetRef {
  job: string;
  instance: string;
}

/** InstantQueryOptions: `time` in Unix seconds (default: Prometheus' now); `timeoutMs` bounds the whole request. */
export interface InstantQueryOptions {
  time?: number;
  timeoutMs: number;
}

/** RangeQueryOptions: the range [startSec, endSec] in Unix seconds with a resolution of `stepSec`. */
export interface RangeQueryOptions {
  startSec: number;
  endSec: number;
  stepSec: number;
  timeoutMs: number;
}

// No keep-alive: a query after Prometheus died must fail on its own connection, not on a pooled one, and an
// idle pooled socket must not keep a test process alive.
const agent = new http.Agent({ keepAlive: false });

/** instantQuery evaluates `promql` at one instant; throws PrometheusUnavailable or BadInput (bad PromQL). */
export async function instantQuery(baseUrl: string, promql: string, options: InstantQueryOptions): Promise<InstantResult> {
  const params: Record<string, string> = { query: promql, timeout: promDuration(options.timeoutMs) };
  if (options.time !== undefined) params.time = String(options.time);
  const data = await call(baseUrl, '/api/v1/query', params, options.timeoutMs, promql);
  return parseInstantData(data, promql);
}

/** rangeQuery evaluates `promql` over a time range; throws PrometheusUnavailable or BadInput (bad PromQL or range). */
export async function rangeQuery(baseUrl: string, promql: string, options: RangeQueryOptions): Promise<MatrixSeries[]> {
  const params = {
    query: promql,
    start: String(options.startSec),
    end: String(options.endSec),
    step: String(options.stepSec),
    timeout: promDuration(options.timeoutMs),
  };
  const data = await call(baseUrl, '/api/v1/query_range', params, options.timeoutMs, promql);
  return parseMatrixData(data, promql);
}

/** targets lists Prometheus' active scrape targets with their health; throws PrometheusUnavailable. */
export async function targets(baseUrl: string, timeoutMs = 2000): Promise<ActiveTarget[]> {
  const data = await call(baseUrl, '/api/v1/targets', { state: 'active' }, timeoutMs, undefined, 'GET');
  return parseTargetsData(data);
}

/**
 * waitForTargetsUp polls /api/v1/targets until every `expected` target is active and "up"; returns them and the
 * time it took. Prometheus not answering yet is part of the wait (call it right after starting Prometheus).
 * Throws an Error naming each target still missing or down (with its last scrape error) after `timeoutMs`.
 * Prometheus 2.42 applies a new target list every 5 s, so from its start expect 5-7 s with a 1 s scrape interval.
 */
export async function waitForTargetsUp(
  baseUrl: string,
  expected: readonly TargetRef[],
  timeoutMs: number,
): Promise<{ targets: ActiveTarget[]; elapsedMs: number }> {
  const started = Date.now();
  let problems: string[] = ['no answer yet'];
  for (;;) {
    const remaining = timeoutMs - (Date.now() - started);
    try {
      const active = await targets(baseUrl, Math.max(200, Math.min(2000, remaining)));
      problems = targetProblems(active, expected);
      if (problems.length === 0) return { targets: active, elapsedMs: Date.now() - started };
    } catch (error) {
      if (!(error instanceof PrometheusUnavailable)) throw error;
      problems = [error.message];
    }
    if (Date.now() - started >= timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Prometheus at ${baseUrl}: targets not up within ${timeoutMs} ms:\n  ${problems.join('\n  ')}\n` +
      '  check that each exporter runs and listens on its address, and Prometheus\' log',
  );
}

/** targetProblems lists, one line each, the `expected` targets that are not active and up in `active`. */
export function targetProblems(active: readonly ActiveTarget[], expected: readonly TargetRef[]): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const found = active.find((t) => t.job === want.job && t.instance === want.instance);
    if (!found) problems.push(`${want.job}/${want.instance}: not among the active targets (yet)`);
    else if (found.health !== 'up') {
      problems.push(`${want.job}/${want.instance}: ${found.health}${found.lastError ? ` (${found.lastError})` : ''}`);
    }
  }
  return problems;
}

/**
 * Sends one API request and returns its `data`, or throws PrometheusUnavailable / BadInput. Queries go as POST
 * with a form body (no URL length limit for long PromQL); /api/v1/targets answers GET only.
 */
async function call(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  timeoutMs: number,
  promql: string | undefined,
  method: 'GET' | 'POST' = 'POST',
): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  let response;
  try {
    response = await axios.request({
      method,
      url,
      ...(method === 'POST' ? { data: new URLSearchParams(params) } : { params }),
      timeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      httpAgent: agent,
      proxy: false,
      responseType: 'text',
      transformResponse: (body: unknown) => body,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  } catch (error) {
    throw new PrometheusUnavailable(baseUrl, transportReason(error, timeoutMs), { cause: error });
  }
  return parseApiResponse(baseUrl, response.status, String(response.data ?? ''), promql);
}

/** The reason a request failed on the way, in words a person can act on. */
function transportReason(error: unknown, timeoutMs: number): string {
  const code = (error as AxiosError | undefined)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is Prometheus running and listening on this address?)';
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
    case 'ERR_CANCELED':
      return `no answer within ${timeoutMs} ms`;
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not resolved';
    default:
      return error instanceof Error ? `${code ? `${code}: ` : ''}${error.message}` : String(error);
  }
}

/**
 * parseApiResponse turns an API answer into its `data`: "success" → data; HTTP 400 with errorType bad_data
 * when a query was sent → BadInput naming the query; anything else (5xx, timeouts inside Prometheus, execution
 * errors, a body that is not the Prometheus API) → PrometheusUnavailable.
 */
export function parseApiResponse(baseUrl: string, status: number, body: string, promql: string | undefined): unknown {
  let parsed: { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new PrometheusUnavailable(baseUrl, `HTTP ${status} with a body that is not Prometheus API JSON (is ${baseUrl} a Prometheus?): ${excerpt(body)}`);
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new PrometheusUnavailable(baseUrl, `HTTP ${status} with an answer that is not Prometheus API JSON: ${excerpt(body)}`);
  }
  if (parsed.status === 'success' && status >= 200 && status < 300) return parsed.data;
  const errorType = typeof parsed.errorType === 'string' ? parsed.errorType : 'unknown';
  const message = typeof parsed.error === 'string' ? parsed.error : excerpt(body);
  if (errorType === 'bad_data' && status === 400 && promql !== undefined) {
    throw new BadInput(`Prometheus at ${baseUrl} rejects the PromQL query "${promql}": ${message}`, undefined,
      'check the expression in the Prometheus web UI (Graph tab) or with: promtool query instant URL QUERY');
  }
  throw new PrometheusUnavailable(baseUrl, `HTTP ${status}, ${errorType}: ${message}${promql !== undefined ? ` (query "${promql}")` : ''}`);
}

/** parseInstantData reads the `data` of an instant query; a string result is BadInput (nothing numeric to judge). */
export function parseInstantData(data: unknown, promql: string): InstantResult {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  if (resultType === 'vector' && Array.isArray(result)) {
    return {
      resultType: 'vector',
      vector: result.map((element: { metric?: unknown; value?: unknown }) => {
        const [t, value] = parsePoint(element.value);
        return { metric: parseLabels(element.metric), value, t };
      }),
    };
  }
  if (resultType === 'scalar') {
    const [t, value] = parsePoint(result);
    return { resultType: 'scalar', value, t };
  }
  if (resultType === 'string') {
    throw new BadInput(`the PromQL query "${promql}" returns a string, not a number`, undefined, 'write an expression that returns a scalar or an instant vector');
  }
  throw new Error(`unexpected instant query result type ${String(resultType)} for "${promql}"`);
}

/** parseMatrixData reads the `data` of a range query (resultType "matrix"). */
export function parseMatrixData(data: unknown, promql: string): MatrixSeries[] {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  if (resultType !== 'matrix' || !Array.isArray(result)) {
    throw new Error(`unexpected range query result type ${String(resultType)} for "${promql}" (expected matrix)`);
  }
  return result.map((series: { metric?: unknown; values?: unknown }) => ({
    metric: parseLabels(series.metric),
    values: (Array.isArray(series.values) ? series.values : []).map((point: unknown) => {
      const [t, value] = parsePoint(point);
      return { t, value };
    }),
  }));
}

/** parseTargetsData reads the `data` of /api/v1/targets into ActiveTargets. */
export function parseTargetsData(data: unknown): ActiveTarget[] {
  const active = (data as { activeTargets?: unknown } | undefined)?.activeTargets;
  if (!Array.isArray(active)) throw new Error('unexpected /api/v1/targets answer: no activeTargets list');
  return active.map((raw: Record<string, unknown>) => {
    const labels = parseLabels(raw.labels);
    const health = raw.health === 'up' || raw.health === 'down' ? raw.health : 'unknown';
    return {
      job: labels.job ?? String(raw.scrapePool ?? ''),
      instance: labels.instance ?? '',
      labels,
      scrapeUrl: String(raw.scrapeUrl ?? ''),
      health,
      lastError: String(raw.lastError ?? ''),
      lastScrape: String(raw.lastScrape ?? ''),
    };
  });
}

/**
 * parseSampleValue reads a sample value as Prometheus writes it: a decimal string, or "NaN", "+Inf", "-Inf"
 * (Number() alone would read "+Inf" as NaN).
 */
export function parseSampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (Number.isNaN(value)) throw new Error(`unexpected sample value ${JSON.stringify(text)} from Prometheus`);
  return value;
}

/** A [unixSeconds, "value"] pair. */
function parsePoint(point: unknown): [number, number] {
  if (!Array.isArray(point) || point.length !== 2 || typeof point[0] !== 'number') {
    throw new Error(`unexpected sample ${JSON.stringify(point)} from Prometheus (expected [time, "value"])`);
  }
  return [point[0], parseSampleValue(point[1])];
}

function parseLabels(metric: unknown): PromLabels {
  const labels: PromLabels = {};
  if (metric && typeof metric === 'object') for (const [k, v] of Object.entries(metric)) labels[k] = String(v);
  return labels;
}

/** A Prometheus duration for the server-side query timeout, e.g. "1500ms". */
function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty)';
}
