/**
 * leanHttpGet: a minimal HTTP/1.1 GET over a fresh TCP connection ("Connection: close"), for probes that fire
 * many times a second. Node's http client (and axios on top of it) costs 2-3× more CPU per request on small
 * machines (docs/decisions/0022-lean-http-probe.md); a probe needs only the status line, the body length and the
 * time. Plain http only: https URLs go through axios in HttpProbe.
 */
import net from 'node:net';

export interface LeanAnswer {
  status: number;
  /** Bytes of the body received (after the headers). */
  bodyBytes: number;
  /** The body as text (latin1-safe UTF-8 decode), only when asked for with `withBody`; at most 64 KiB. */
  body?: string;
}

/** Bodies beyond this are not kept for matching: a probe checks a page, it does not download files. */
const MAX_BODY_BYTES = 64 * 1024;

/** LeanHttpError: a failed request, with a Node-style `code` (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...). */
export class LeanHttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** leanHttpGet: GETs an http:// URL; resolves with the status once the whole response is in, or rejects. */
export function leanHttpGet(url: URL, timeoutMs: number, withBody = false): Promise<LeanAnswer> {
  return new Promise((resolve, reject) => {
    const port = Number(url.port || 80);
    // Credentials in the URL (http://user:password@host/) become HTTP Basic auth, as browsers and axios do.
    const auth = url.username || url.password ? `Authorization: Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}\r\n` : '';
    const request = Buffer.from(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${auth}Connection: close\r\nUser-Agent: scs-chaos-probe\r\nAccept: */*\r\n\r\n`,
      'latin1',
    );
    const socket = net.connect({ host: url.hostname, port });
    let received: Buffer = Buffer.alloc(0);
    let headerLength = -1;
    let status = 0;
    let contentLength = -1;
    let chunked = false;
    let settled = false;
    const finish = (error: LeanHttpError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else if (withBody) resolve({ status, bodyBytes: received.length - headerLength, body: received.subarray(headerLength, headerLength + MAX_BODY_BYTES).toString('utf8') });
      else resolve({ status, bodyBytes: received.length - headerLength });
    };
    const timer = setTimeout(() => finish(new LeanHttpError(`no complete answer within ${timeoutMs}ms`, 'ETIMEDOUT')), timeoutMs);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      if (headerLength < 0) {
        const end = received.indexOf(HEADER_END);
        if (end < 0) return;
        headerLength = end + HEADER_END.length;
        const head = received.toString('latin1', 0, end);
        const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        if (!statusMatch) return finish(new LeanHttpError(`not an HTTP response: ${JSON.stringify(head.slice(0, 40))}`, 'EPROTO'));
        status = Number(statusMatch[1]);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        contentLength = length ? Number(length[1]) : -1;
        chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      }
      const body = received.length - headerLength;
      if (contentLength >= 0 && body >= contentLength) finish(null);
      else if (chunked && received.subarray(received.length - CHUNKED_END.length).equals(CHUNKED_END)) finish(null);
    });
    socket.once('end', () => {
      if (headerLength < 0) finish(new LeanHttpError('the connection closed before a response', 'ECONNRESET'));
      else finish(null);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish(new LeanHttpError(error.message, error.code ?? 'ERROR')));
  });
}
