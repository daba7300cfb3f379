/**
 * The few OpenStack REST calls the lab's own bootstrap makes (register Keystone's catalogue, create the lab's
 * flavor, image, network, servers and load balancer), over Node's fetch. Deliberately minimal: one project-scoped
 * password token, no refresh, no retries of non-idempotent calls. It is not the framework's OpenStack client (that
 * is issue 14, part 2) and nothing outside lab/openstack/ uses it.
 */

/** HttpReply: status, headers and raw body of one call. */
export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

/** RequestOptions: JSON body or raw bytes, extra headers, and a timeout (default 30 s). */
export interface RequestOptions {
  json?: unknown;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** request makes one HTTP call; rejects on network errors and timeouts, never on a status code. */
export async function request(method: string, url: string, options: RequestOptions = {}): Promise<HttpReply> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.bytes) {
    headers['Content-Type'] = 'application/octet-stream';
    body = options.bytes;
  }
  const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** expectJson checks the status is one of `ok` and parses the body (empty → {}); throws naming the call otherwise. */
export function expectJson<T>(method: string, url: string, reply: HttpReply, ok: number[]): T {
  if (!ok.includes(reply.status)) throw new Error(`${method} ${url} answered ${reply.status}: ${reply.text.slice(0, 400).trim()}`);
  return (reply.text.trim() === '' ? {} : JSON.parse(reply.text)) as T;
}

/** PasswordLogin: a user and the project to scope the token to, in Keystone's Default domain. */
export interface PasswordLogin {
  user: string;
  password: string;
  project: string;
}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region_id: string; url: string }>;
}

/** LabSession: a project-scoped token and the catalogue that came with it. */
export class LabSession {
  private constructor(
    readonly token: string,
    readonly userId: string,
    readonly projectId: string,
    private readonly catalog: CatalogEntry[],
  ) {}

  /** login gets a project-scoped token for `login` from Keystone at `authUrl` (…/v3). */
  static async login(authUrl: string, login: PasswordLogin): Promise<LabSession> {
    const url = `${authUrl}/auth/tokens`;
    const domain = { name: 'Default' };
    const reply = await request('POST', url, {
      json: { auth: { identity: { methods: ['password'], password: { user: { name: login.user, domain, password: login.password } } }, scope: { project: { name: login.project, domain } } } },
    });
    const body = expectJson<{ token: { user: { id: string }; project: { id: string }; catalog?: CatalogEntry[] } }>('POST', url, reply, [201]);
    const token = reply.headers.get('x-subject-token');
    if (!token) throw new Error(`POST ${url} returned no X-Subject-Token`);
    return new LabSession(token, body.token.user.id, body.token.project.id, body.token.catalog ?? []);
  }

  /** endpoint: the public URL of service `type` in `region`; throws when the catalogue has none. */
  endpoint(type: string, region: string): string {
    const found = this.catalog.find((entry) => entry.type === type)?.endpoints.find((e) => e.interface === 'public' && e.region_id === region);
    if (!found) throw new Error(`the token's catalogue has no public ${type} endpoint in ${region}`);
    return found.url.replace(/\/$/, '');
  }

  /** call: `method url` with the token; returns the parsed JSON body when the status is one of `ok`. */
  async call<T>(method: string, url: string, ok: number[], options: RequestOptions = {}): Promise<T> {
    const reply = await request(method, url, { ...options, headers: { 'X-Auth-Token': this.token, ...options.headers } });
    return expectJson<T>(method, url, reply, ok);
  }
}
