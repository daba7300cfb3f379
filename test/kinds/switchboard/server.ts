/**
 * SwitchboardServer: a small HTTP API on 127.0.0.1 that the test-only "switchboard" target kind acts on — a stand-in
 * for an API-driven system (a cloud, a cluster) with no shell anywhere. Switches are on or off and carry labels;
 * expiries are the server's own "survives the runner's death" mechanism: a registered list of calls the server
 * replays at a deadline, the way a controller acts on an expiry annotation.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Switch {
  name: string;
  on: boolean;
  labels: Record<string, string>;
}

export interface ApiCall {
  method: 'POST' | 'DELETE';
  path: string;
}

export class SwitchboardServer {
  readonly switches = new Map<string, Switch>();
  readonly expiries = new Map<string, NodeJS.Timeout>();
  /** Every request, "METHOD path", in order. */
  readonly requests: string[] = [];
  private server: Server | null = null;
  url = '';

  constructor(names: readonly string[]) {
    for (const name of names) this.switches.set(name, { name, on: true, labels: {} });
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** apply: one API call as the server itself performs it (also what an expiry replays). */
  apply(call: ApiCall, body: Record<string, unknown> = {}): number {
    const [, what, name, action] = call.path.split('/');
    if (what === 'switches' && name && (action === 'off' || action === 'on')) {
      const target = this.switches.get(name);
      if (!target) return 404;
      target.on = action === 'on';
      if (action === 'off' && typeof body.injection === 'string') target.labels['scs-chaos/injection'] = body.injection;
      if (action === 'on') delete target.labels['scs-chaos/injection'];
      return 200;
    }
    if (what === 'expiries' && name && call.method === 'DELETE') {
      clearTimeout(this.expiries.get(name));
      this.expiries.delete(name);
      return 200;
    }
    return 404;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    this.requests.push(`${method} ${path}`);
    const reply = (status: number, value: unknown = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (method === 'GET' && path === '/switches') return reply(200, [...this.switches.values()]);
    if (method === 'GET' && path === '/expiries') return reply(200, [...this.expiries.keys()]);
    if (method === 'POST' && path === '/expiries') {
      const { injectionId, ttlMs, calls } = body as { injectionId: string; ttlMs: number; calls: ApiCall[] };
      clearTimeout(this.expiries.get(injectionId));
      this.expiries.set(injectionId, setTimeout(() => {
        for (const call of calls) this.apply(call);
        this.expiries.delete(injectionId);
      }, ttlMs));
      return reply(201);
    }
    if (method === 'POST' || method === 'DELETE') return reply(this.apply({ method, path }, body));
    return reply(404);
  }
}
