/**
 * Bounded HTTP(S) calls for lab readiness checks and tests: a fresh connection per request (no keep-alive, no
 * proxy), and a hard timeout, so a silently dropped packet costs at most `timeoutMs`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** HttpAnswer: status code and body of one call. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** HttpCallOptions: what one call sends; `tls` holds the CA and client certificate of an https URL. */
export interface HttpCallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
}

/** httpCall: one request to `url` (http or https); rejects on network errors or after `timeoutMs` (default 1 s). */
export function httpCall(url: string | URL, options: HttpCallOptions = {}): Promise<HttpAnswer> {
  const method = options.method ?? 'GET';
  const timeoutMs = options.timeoutMs ?? 1000;
  const headers: Record<string, string> = { Connection: 'close', ...options.headers };
  if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  const request = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers, ...options.tls }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${String(url)} timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end(options.body);
  });
}

/** httpGet fetches `url` (http only) and rejects on network errors or after `timeoutMs`. */
export function httpGet(url: string, timeoutMs = 1000): Promise<HttpAnswer> {
  return httpCall(url, { timeoutMs });
}
