/**
 * Keystone's content for the lab: what python/keystone-setup.py creates in one Python start (database, bootstrap
 * admin, the service project with one user per service, the catalogue with every service's public, internal and
 * admin endpoint on the control address, the load-balancer roles Octavia's policies name, and the scenario user
 * with its project and application credential). This file builds its request and reads its answer.
 */
import { randomBytes } from 'node:crypto';
import { KEYSTONE_NAMES, LabOpenstackPlan, OpenstackSecrets, REGION, SERVICE_USERS } from './config';

/** RegisteredKeystone: what clouds.yaml needs from the setup. */
export interface RegisteredKeystone {
  projectId: string;
  userId: string;
  applicationCredential: { id: string; secret: string };
}

/** keystoneSetupRequest: the JSON keystone-setup.py reads on its standard input (it holds secrets: never on argv). */
export function keystoneSetupRequest(plan: LabOpenstackPlan, secrets: OpenstackSecrets): string {
  return JSON.stringify({
    adminPassword: secrets.admin,
    servicePassword: secrets.service,
    userPassword: secrets.user,
    applicationCredentialSecret: randomBytes(32).toString('base64url'),
    region: REGION,
    identityUrl: plan.endpoints.identity,
    roles: KEYSTONE_NAMES.roles,
    serviceProject: KEYSTONE_NAMES.serviceProject,
    project: KEYSTONE_NAMES.project,
    user: KEYSTONE_NAMES.user,
    applicationCredential: KEYSTONE_NAMES.applicationCredential,
    services: SERVICE_USERS.map(({ user, type }) => ({ user, type, url: plan.endpoints[type] })),
  });
}

/** parseKeystoneSetup reads keystone-setup.py's result, the last line of its output; throws when it has none. */
export function parseKeystoneSetup(stdout: string): RegisteredKeystone {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: Partial<RegisteredKeystone>;
  try {
    parsed = JSON.parse(last) as Partial<RegisteredKeystone>;
  } catch {
    throw new Error(`keystone-setup.py printed no result (last line: ${last.slice(0, 200)})`);
  }
  const { projectId, userId, applicationCredential } = parsed;
  if (!projectId || !userId || !applicationCredential?.id || !applicationCredential.secret) throw new Error(`keystone-setup.py's result lacks ids: ${last.slice(0, 200)}`);
  return { projectId, userId, applicationCredential };
}
