/**
 * Keystone v3 tokens (POST /v3/auth/tokens): the request body for password and application-credential auth, and
 * the catalogue that comes with the token, looked up by service type, interface and region.
 */
import type { CloudAuth, CloudConfig } from './clouds';

/** CatalogEntry: one service of the token's catalogue. */
export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: Array<{ interface: string; region?: string; region_id?: string; url: string }>;
}

/** TokenBody: the parts of Keystone's answer the client uses. */
export interface TokenBody {
  token: { expires_at: string; catalog?: CatalogEntry[]; project?: { id: string; name: string }; user: { id: string; name: string } };
}

const domainOf = (id: string | undefined, name: string | undefined): Record<string, unknown> | undefined => (id ? { id } : name ? { name } : undefined);

/** authRequest: the JSON body of POST /v3/auth/tokens for `auth`. */
export function authRequest(auth: CloudAuth): Record<string, unknown> {
  if (auth.method === 'application_credential') {
    const credential: Record<string, unknown> = { secret: auth.secret };
    if (auth.id) credential.id = auth.id;
    else credential.name = auth.name;
    if (!auth.id && auth.userName) credential.user = { name: auth.userName, domain: { name: auth.userDomainName ?? 'Default' } };
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  const user: Record<string, unknown> = auth.user.id ? { id: auth.user.id } : { name: auth.user.name, domain: domainOf(auth.user.domainId, auth.user.domainName) ?? { id: 'default' } };
  const project = auth.project.id ? { id: auth.project.id } : auth.project.name ? { name: auth.project.name, domain: domainOf(auth.project.domainId, auth.project.domainName) ?? { id: 'default' } } : undefined;
  return { auth: { identity: { methods: ['password'], password: { user: { ...user, password: auth.password } } }, ...(project ? { scope: { project } } : {}) } };
}

/**
 * endpointOf: the URL of service `type` for the cloud's interface and region (any region when the cloud names
 * none, as long as there is one); undefined when the catalogue has none.
 */
export function endpointOf(catalog: readonly CatalogEntry[], type: string, cloud: Pick<CloudConfig, 'interface' | 'region'>): string | undefined {
  const entry = catalog.find((e) => e.type === type);
  const matches = (entry?.endpoints ?? []).filter((e) => e.interface === cloud.interface && (!cloud.region || (e.region_id ?? e.region) === cloud.region));
  const url = matches[0]?.url;
  return url?.replace(/\/+$/, '');
}
