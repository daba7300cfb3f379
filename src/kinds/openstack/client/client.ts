/**
 * OpenStackClient: the framework's OpenStack client on axios (docs/decisions/0120). One per cloud and process: a
 * Keystone v3 token that is reused until shortly before it expires and renewed once when an API says 401, the
 * service catalogue looked up by interface and region, the compute microversion on every Nova call, lists in pages
 * (limit/marker, following the `<key>_links` "next" link), a timeout on every request, retries only for idempotent
 * calls (GET, PUT, DELETE: network errors, 500 and 502/503/504 — a busy SQLite-backed lab answers 500 for a
 * "database is locked" deadlock the project did not retry itself), and errors that name the cloud and the call.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosInstance } from 'axios';
import { registerSecret } from '../../../kernel/secrets';
import type { CloudConfig } from './clouds';
import { detailOf, OpenStackApiError, OpenStackAuthError, OpenStackUnreachable } from './errors';
import { authRequest, CatalogEntry, endpointOf, TokenBody } from './keystone';

export type ServiceType = 'compute' | 'network' | 'load-balancer' | 'identity' | 'placement' | 'image';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** ApiCall: one call against a service of the catalogue; `path` starts with "/" below the service's versioned root. */
export interface ApiCall {
  readonly service: ServiceType;
  readonly method: Method;
  readonly path: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number>>;
  /** A shorter timeout than the client's (probes: a slow answer is a measurement problem, not a long wait). */
  readonly timeoutMs?: number;
}

/** ApiReply: status, parsed body (null when empty), and the request id the service stamped the call with. */
export interface ApiReply<T> {
  status: number;
  body: T;
  requestId: string | null;
}

export interface ClientOptions {
  timeoutMs: number;
  /** The compute API microversion sent with every Nova call (tags need 2.26, instance-action updated_at 2.58). */
  computeMicroversion: string;
}

/** A token is renewed this long before Keystone says it expires (clock skew, a slow call). */
const TOKEN_MARGIN_MS = 60_000;
/** Retries of an idempotent call, and the pause before each (doubling). */
const RETRIES = 3;
const RETRY_PAUSE_MS = 200;
const MAX_PAGES = 1000;
const IDEMPOTENT: readonly Method[] = ['GET', 'PUT', 'DELETE'];
/** The versioned root below each catalogue URL (Neutron's and Octavia's catalogue entries name the bare service). */
const VERSION_ROOT: Partial<Record<ServiceType, string>> = { network: '/v2.0', 'load-balancer': '/v2' };

interface Session {
  token: string;
  expiresAt: number;
  catalog: CatalogEntry[];
  projectId: string | null;
  userId: string;
}

export class OpenStackClient {
  private session: Promise<Session> | null = null;
  private readonly http: AxiosInstance;

  constructor(
    readonly cloud: CloudConfig,
    readonly options: ClientOptions,
  ) {
    this.http = axios.create({
      timeout: options.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      maxRedirects: 0,
    });
  }

  get name(): string {
    return this.cloud.name;
  }

  /** login: a token now (reused while valid); throws OpenStackAuthError when Keystone refuses the credentials. */
  async login(): Promise<Session> {
    const current = this.session;
    if (current) {
      const session = await current.catch(() => null);
      if (session && session.expiresAt - TOKEN_MARGIN_MS > Date.now()) return session;
      if (this.session === current) this.session = null;
    }
    this.session ??= this.newToken();
    const pending = this.session;
    pending.catch(() => {
      if (this.session === pending) this.session = null;
    });
    return pending;
  }

  /** projectId: the project the token is scoped to. */
  async projectId(): Promise<string | null> {
    return (await this.login()).projectId;
  }

  /** endpoint: the versioned root URL of a service from the catalogue; names the cloud when it has none. */
  async endpoint(service: ServiceType): Promise<string> {
    const { catalog } = await this.login();
    const url = endpointOf(catalog, service, this.cloud);
    if (!url) throw new OpenStackApiError(this.name, `catalogue lookup of ${service}`, 0, `no ${this.cloud.interface} ${service} endpoint${this.cloud.region ? ` in region ${this.cloud.region}` : ''}`);
    const root = VERSION_ROOT[service];
    return root && !url.endsWith(root) ? `${url}${root}` : url;
  }

  /** request: one call; rejects with OpenStackApiError on an error status, OpenStackUnreachable without an answer. */
  async request<T>(call: ApiCall): Promise<ApiReply<T>> {
    const what = `${call.method} ${call.service} ${call.path}`;
    const retries = IDEMPOTENT.includes(call.method) ? RETRIES : 0;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const session = await this.login();
      const url = `${await this.endpoint(call.service)}${call.path}`;
      let reply;
      try {
        reply = await this.http.request<string>({ method: call.method, url, params: call.query, headers: this.headers(call, session.token), ...(call.timeoutMs ? { timeout: call.timeoutMs } : {}), data: call.body === undefined ? undefined : JSON.stringify(call.body) });
      } catch (error) {
        if (attempt < retries) {
          await pause(attempt);
          continue;
        }
        throw new OpenStackUnreachable(this.name, what, reasonOf(error, call.timeoutMs ?? this.options.timeoutMs));
      }
      // A token revoked or expired early: renew once; the call was not processed, so any method may be repeated.
      if (reply.status === 401 && !renewed) {
        renewed = true;
        this.session = null;
        continue;
      }
      if ([500, 502, 503, 504].includes(reply.status) && attempt < retries) {
        await pause(attempt);
        continue;
      }
      if (reply.status >= 400) throw new OpenStackApiError(this.name, what, reply.status, detailOf(reply.data ?? ''));
      const text = reply.data ?? '';
      const header = reply.headers['x-openstack-request-id'] ?? reply.headers['x-compute-request-id'];
      return { status: reply.status, body: (text.trim() === '' ? null : JSON.parse(text)) as T, requestId: typeof header === 'string' ? header : null };
    }
  }

  /** get: the parsed body of a GET. */
  async get<T>(service: ServiceType, path: string, query?: Record<string, string | number>, timeoutMs?: number): Promise<T> {
    return (await this.request<T>({ service, method: 'GET', path, ...(query ? { query } : {}), ...(timeoutMs ? { timeoutMs } : {}) })).body;
  }

  /**
   * list: every item of a collection (`key` is the body's list key, "servers", "ports", "members"), page by page:
   * each page asks for `pageSize` items and the next starts after the last id (marker), until a page has no "next"
   * link in `<key>_links` and is shorter than asked.
   */
  async list<T extends { id: string }>(service: ServiceType, path: string, key: string, query: Record<string, string | number> = {}, pageSize = 500): Promise<T[]> {
    const items: T[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get<Record<string, unknown>>(service, path, { ...query, limit: pageSize, ...(marker ? { marker } : {}) });
      const batch = (body[key] ?? []) as T[];
      items.push(...batch);
      const links = (body[`${key}_links`] ?? []) as Array<{ rel: string }>;
      const hasNext = links.some((l) => l.rel === 'next');
      if (batch.length === 0 || (!hasNext && batch.length < pageSize)) return items;
      marker = batch[batch.length - 1]?.id;
    }
    throw new OpenStackApiError(this.name, `GET ${service} ${path}`, 0, `more than ${MAX_PAGES} pages`);
  }

  /** close: ends the keep-alive connections (a process that exits does not need it). */
  close(): void {
    (this.http.defaults.httpAgent as http.Agent).destroy();
    (this.http.defaults.httpsAgent as https.Agent).destroy();
  }

  private headers(call: ApiCall, token: string): Record<string, string> {
    const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'application/json' };
    // Nova answers 415 to a PUT without a JSON content type even when it has no body (PUT .../tags/{tag}).
    if (call.method === 'POST' || call.method === 'PUT') headers['Content-Type'] = 'application/json';
    if (call.service === 'compute') {
      headers['OpenStack-API-Version'] = `compute ${this.options.computeMicroversion}`;
      headers['X-OpenStack-Nova-API-Version'] = this.options.computeMicroversion;
    }
    return headers;
  }

  private async newToken(): Promise<Session> {
    const what = `POST identity ${this.cloud.authUrl}/auth/tokens`;
    let reply;
    try {
      reply = await this.http.post<string>(`${this.cloud.authUrl}/auth/tokens`, JSON.stringify(authRequest(this.cloud.auth)), { headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    } catch (error) {
      throw new OpenStackUnreachable(this.name, what, reasonOf(error, this.options.timeoutMs));
    }
    if (reply.status === 401 || reply.status === 400 || reply.status === 404) throw new OpenStackAuthError(this.name, this.cloud.file, `${reply.status} ${detailOf(reply.data ?? '')}`);
    if (reply.status !== 201) throw new OpenStackApiError(this.name, what, reply.status, detailOf(reply.data ?? ''));
    const token = reply.headers['x-subject-token'];
    if (typeof token !== 'string' || token === '') throw new OpenStackApiError(this.name, what, reply.status, 'no X-Subject-Token in the answer');
    registerSecret(token);
    const body = JSON.parse(reply.data) as TokenBody;
    return { token, expiresAt: Date.parse(body.token.expires_at), catalog: body.token.catalog ?? [], projectId: body.token.project?.id ?? null, userId: body.token.user.id };
  }
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * 2 ** attempt));
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return `timed out after ${timeoutMs} ms`;
    return error.code ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
