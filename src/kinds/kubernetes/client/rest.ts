/**
 * KubeRest: JSON requests to the API server over HTTPS with a deadline per request, errors that name the cluster,
 * verb and resource (errors.ts), and line-by-line streams for watches. Retries are the caller's business: only
 * idempotent reads may be retried, and the caller knows which ones are.
 */
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { ApiStatus, KubeApiError, KubeUnreachable, RequestSubject } from './errors';
import type { KubeConnection } from './connection';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** Content type of a PATCH body. */
  patchType?: 'merge' | 'strategic' | 'json';
  subject: RequestSubject;
  timeoutMs?: number;
}

const PATCH_TYPES = { merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json' } as const;

export function queryString(query: Query = {}): string {
  const parts = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export class KubeRest {
  constructor(
    readonly connection: KubeConnection,
    readonly defaultTimeoutMs: number,
  ) {}

  /** json: one request; resolves with the parsed body of a 2xx answer, rejects with KubeApiError / KubeUnreachable. */
  async json<T>(spec: RequestSpec): Promise<T> {
    const response = await this.open(spec, spec.timeoutMs ?? this.defaultTimeoutMs);
    const text = await readAll(response);
    if ((response.statusCode ?? 0) >= 300) throw this.apiError(spec.subject, response.statusCode ?? 0, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * stream: opens a streaming GET (a watch) and hands every line to `onLine`; resolves when the server ends the
   * stream, rejects on errors; `signal` ends it from our side. No deadline applies once the answer started.
   */
  async stream(spec: RequestSpec, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const response = await this.open(spec, spec.timeoutMs ?? this.defaultTimeoutMs, signal);
    if ((response.statusCode ?? 0) >= 300) throw this.apiError(spec.subject, response.statusCode ?? 0, await readAll(response));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      const onAbort = (): void => {
        response.destroy();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onLine(line);
        }
      });
      response.on('end', () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      response.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
    });
  }

  private async open(spec: RequestSpec, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
    const { connection } = this;
    const options = await connection.requestOptions();
    const url = new URL(`${connection.server}${spec.path}${queryString(spec.query)}`);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { ...(options.headers as Record<string, string>), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = spec.method === 'PATCH' ? PATCH_TYPES[spec.patchType ?? 'merge'] : 'application/json';
      // Node frames a DELETE's body neither by length nor chunked: without Content-Length the server reads the body
      // as the next request on the kept-alive connection (and answers that one 400).
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpsRequest(url, { ...options, method: spec.method, headers, ...(signal ? { signal } : {}) }, (response) => {
        clearTimeout(deadline);
        resolve(response);
      });
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
      request.on('error', (error) => {
        clearTimeout(deadline);
        reject(new KubeUnreachable(connection.cluster, connection.server, spec.subject, error.message));
      });
      request.end(body);
    });
  }

  private apiError(subject: RequestSubject, status: number, text: string): KubeApiError {
    let api: ApiStatus = {};
    try {
      api = JSON.parse(text) as ApiStatus;
    } catch {
      api = { message: text.slice(0, 300) };
    }
    return new KubeApiError(this.connection.cluster, subject, status, api, this.connection.user);
  }
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => resolve(text));
    response.on('error', reject);
  });
}
