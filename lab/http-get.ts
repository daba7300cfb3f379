/**
 * A bounded HTTP GET for lab readiness checks and tests: a fresh connection per request (no keep-alive, no
 * proxy), and a hard timeout, so a silently dropped packet costs at most `timeoutMs`.
 */
import { request } from 'node:http';

/** HttpAnswer: status code and body of one GET. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** httpGet fetches `url` (http only) and rejects on network errors or after `timeoutMs`. */
export function httpGet(url: string, timeoutMs = 1000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers: { Connection: 'close' } }, (response) => {
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
      req.destroy(new Error(`GET ${url} timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end();
  });
}
