/**
 * Cloud credentials as every OpenStack tool finds them (openstacksdk's rules): the cloud named in the environment
 * file or by OS_CLOUD, from the first clouds.yaml of OS_CLIENT_CONFIG_FILE, ./clouds.yaml,
 * ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml, with secure.yaml (OS_CLIENT_SECURE_FILE or the same
 * directories) merged over it, so secrets can live in a separate file. Password and application-credential auth
 * (Keystone v3). Every secret read here is registered for redaction at once: it never reaches a log or report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { BadInput } from '../../../kernel/errors';
import { registerSecret } from '../../../kernel/secrets';

/** CloudAuth: how to get a token — a user's password (scoped to a project) or an application credential. */
export type CloudAuth =
  | {
      readonly method: 'password';
      readonly user: { readonly id?: string; readonly name?: string; readonly domainId?: string; readonly domainName?: string };
      readonly password: string;
      readonly project: { readonly id?: string; readonly name?: string; readonly domainId?: string; readonly domainName?: string };
    }
  | { readonly method: 'application_credential'; readonly id?: string; readonly name?: string; readonly userName?: string; readonly userDomainName?: string; readonly secret: string };

/** CloudConfig: one cloud of clouds.yaml, resolved (which file it came from is kept for messages). */
export interface CloudConfig {
  readonly name: string;
  readonly file: string;
  readonly authUrl: string;
  readonly auth: CloudAuth;
  readonly region?: string;
  /** Catalogue interface: public (default), internal or admin. */
  readonly interface: 'public' | 'internal' | 'admin';
}

type Raw = Record<string, unknown>;

const asMap = (value: unknown): Raw => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});
const str = (map: Raw, key: string): string | undefined => (typeof map[key] === 'string' && map[key] !== '' ? (map[key] as string) : undefined);

/** cloudsYamlCandidates: where clouds.yaml (or secure.yaml) is looked for, in openstacksdk's order. */
export function configCandidates(file: 'clouds.yaml' | 'secure.yaml', explicit: string | undefined): string[] {
  const variable = file === 'clouds.yaml' ? process.env.OS_CLIENT_CONFIG_FILE : process.env.OS_CLIENT_SECURE_FILE;
  const dirs = [process.cwd(), join(homedir(), '.config', 'openstack'), '/etc/openstack'];
  return [explicit, variable, ...dirs.map((dir) => join(dir, file))].filter((p): p is string => typeof p === 'string' && p !== '');
}

/** deepMerge: secure.yaml's values over clouds.yaml's, key by key. */
function deepMerge(base: Raw, over: Raw): Raw {
  const merged: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = merged[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' ? deepMerge(asMap(existing), asMap(value)) : value;
  }
  return merged;
}

function readYaml(file: string): Raw {
  try {
    return asMap(parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new BadInput(`cannot read ${file}: ${(error as Error).message}`, { file }, 'check that the file exists, is readable and is valid YAML');
  }
}

/** readCloud: cloud `name` (default $OS_CLOUD) from clouds.yaml (+ secure.yaml); BadInput naming the file and the fix. */
export function readCloud(name: string | undefined, cloudsYaml?: string): CloudConfig {
  const cloudName = name ?? process.env.OS_CLOUD;
  if (!cloudName) throw new BadInput('no OpenStack cloud is named', undefined, 'set openstack.cloud in the environment file, or export OS_CLOUD=<cloud of clouds.yaml>');
  const file = configCandidates('clouds.yaml', cloudsYaml && resolve(cloudsYaml)).find((candidate) => existsSync(candidate));
  if (!file) throw new BadInput(`no clouds.yaml found for cloud ${cloudName} (looked at ${configCandidates('clouds.yaml', cloudsYaml).join(', ')})`, undefined, 'set openstack.cloudsYaml in the environment file or OS_CLIENT_CONFIG_FILE');
  const secureFile = configCandidates('secure.yaml', undefined).find((candidate) => existsSync(candidate));
  const clouds = asMap(readYaml(file).clouds);
  const secure = secureFile ? asMap(asMap(readYaml(secureFile).clouds)[cloudName]) : {};
  if (!(cloudName in clouds)) throw new BadInput(`cloud ${cloudName} is not in ${file} (it has: ${Object.keys(clouds).join(', ') || 'none'})`, { file }, 'name one of its clouds in openstack.cloud or OS_CLOUD');
  const cloud = deepMerge(asMap(clouds[cloudName]), secure);
  return cloudFromEntry(cloudName, file, cloud);
}

/** cloudFromEntry: one parsed clouds.yaml entry as a CloudConfig; its secrets are registered for redaction. */
export function cloudFromEntry(name: string, file: string, cloud: Raw): CloudConfig {
  const auth = asMap(cloud.auth);
  const fail = (what: string): never => {
    throw new BadInput(`cloud ${name} in ${file}: ${what}`, { file }, 'see https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html');
  };
  const authUrl = str(auth, 'auth_url') ?? fail('auth.auth_url is missing');
  const version = cloud.identity_api_version;
  if (version !== undefined && String(version) !== '3') fail(`identity_api_version ${String(version)} is not supported (Keystone v3 only)`);
  const type = str(cloud, 'auth_type') ?? (str(auth, 'application_credential_secret') ? 'v3applicationcredential' : 'password');
  const iface = (str(cloud, 'interface') ?? 'public').replace(/URL$/, '');
  if (!['public', 'internal', 'admin'].includes(iface)) fail(`interface ${iface} is not public, internal or admin`);
  let parsed: CloudAuth;
  if (type === 'v3applicationcredential') {
    const secret = str(auth, 'application_credential_secret') ?? fail('auth.application_credential_secret is missing (in clouds.yaml or secure.yaml)');
    if (!str(auth, 'application_credential_id') && !str(auth, 'application_credential_name')) fail('auth.application_credential_id (or _name with username) is missing');
    registerSecret(secret);
    parsed = { method: 'application_credential', secret, ...opt('id', str(auth, 'application_credential_id')), ...opt('name', str(auth, 'application_credential_name')), ...opt('userName', str(auth, 'username')), ...opt('userDomainName', str(auth, 'user_domain_name')) };
  } else if (type === 'password' || type === 'v3password') {
    const password = str(auth, 'password') ?? fail('auth.password is missing (in clouds.yaml or secure.yaml)');
    if (!str(auth, 'username') && !str(auth, 'user_id')) fail('auth.username (or user_id) is missing');
    if (password.length >= 4) registerSecret(password);
    const domainName = str(auth, 'domain_name');
    parsed = {
      method: 'password',
      password,
      user: { ...opt('id', str(auth, 'user_id')), ...opt('name', str(auth, 'username')), ...opt('domainId', str(auth, 'user_domain_id')), ...opt('domainName', str(auth, 'user_domain_name') ?? domainName) },
      project: { ...opt('id', str(auth, 'project_id')), ...opt('name', str(auth, 'project_name')), ...opt('domainId', str(auth, 'project_domain_id')), ...opt('domainName', str(auth, 'project_domain_name') ?? domainName) },
    };
  } else {
    return fail(`auth_type ${type} is not supported (password or v3applicationcredential)`);
  }
  return { name, file, authUrl: authUrl.replace(/\/$/, ''), auth: parsed, interface: iface as CloudConfig['interface'], ...opt('region', str(cloud, 'region_name')) };
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
