/**
 * A TEST DOUBLE (listed in README's doubles): a "neutered" Kubernetes API in front of a real API server
 * (kube-apiserver.ts). Reads pass through; every change (POST, PATCH, PUT, DELETE) is answered 200 with the object
 * as it is — the API answers, but nothing changes. What a fault must never call success: its observed-check reads
 * the cluster back and the scenario ends compromised. It serves with the real server's certificate, so a
 * kubeconfig that differs only in the server URL reaches it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestApiServer } from './kube-apiserver';

export interface NeuteredApi {
  kubeconfig: string;
  /** Changes swallowed so far ("PATCH /api/v1/nodes/x"). */
  swallowed: string[];
  stop(): Promise<void>;
}

/** The object a change names: the request path without its subresource (…/scale, …/eviction) for a GET. */
function objectPathOf(method: string, path: string): string {
  const bare = path.split('?')[0] as string;
  if (method === 'POST') return bare.replace(/\/(eviction|binding)$/, '');
  return bare.replace(/\/(scale|status)$/, '');
}

export async function startNeuteredApi(server: TestApiServer): Promise<NeuteredApi> {
  const upstream = new URL(server.url);
  const swallowed: string[] = [];
  const forward = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer | null, answer: (status: number, headers: Record<string, string | string[] | undefined>, body: Buffer) => void): void => {
    const out = request({ hostname: upstream.hostname, port: upstream.port, path, method, headers: { ...headers, host: upstream.host }, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => answer(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)));
    });
    out.on('error', () => answer(502, {}, Buffer.from('upstream unreachable')));
    out.end(body ?? undefined);
  };
  const https: Server = createServer({ key: readFileSync(join(server.dir, 'tls.key')), cert: readFileSync(join(server.dir, 'tls.crt')) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      // The GET that answers a swallowed change carries the caller's credentials, but no body headers.
      const headers = { ...req.headers };
      delete headers.host;
      delete headers['content-length'];
      delete headers['content-type'];
      const reply = (status: number, replyHeaders: Record<string, string | string[] | undefined>, body: Buffer): void => {
        res.writeHead(status, { 'content-type': String(replyHeaders['content-type'] ?? 'application/json'), 'content-length': body.length });
        res.end(body);
      };
      if (method === 'GET' || method === 'HEAD') {
        forward(method, path, req.headers, null, reply);
        return;
      }
      swallowed.push(`${method} ${path}`);
      // The change is swallowed: answer with the object as it is (a "successful" no-op).
      forward('GET', objectPathOf(method, path), { ...headers, accept: 'application/json' }, null, (status, replyHeaders, body) => reply(status === 200 ? (method === 'POST' ? 201 : 200) : status, replyHeaders, body));
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const port = (https.address() as AddressInfo).port;
  const kubeconfig = join(server.dir, 'neutered.kubeconfig');
  writeFileSync(kubeconfig, readFileSync(server.kubeconfig, 'utf8').replace(server.url, `https://127.0.0.1:${port}`));
  return {
    kubeconfig,
    swallowed,
    stop: () =>
      new Promise<void>((resolve) => {
        https.close(() => resolve());
        https.closeAllConnections();
      }),
  };
}
