/**
 * Keystone's content for the lab, registered over its REST API while the bootstrap's Keystone runs: the service
 * project with one user per service, the catalogue (public, internal and admin endpoints of every service on the
 * control address), the load-balancer roles Octavia's policies name, and the scenario user with its project and
 * application credential. Runs once per lab (the bootstrap starts afresh when it did not finish), so nothing here
 * needs to be idempotent.
 */
import { LabSession } from './api';
import { KEYSTONE_NAMES, LabOpenstackPlan, OpenstackSecrets, REGION, SERVICE_USERS } from './config';

/** RegisteredKeystone: what later steps and clouds.yaml need. */
export interface RegisteredKeystone {
  projectId: string;
  userId: string;
  applicationCredential: { id: string; secret: string };
}

/** registerKeystone fills Keystone (bootstrapped by keystone-manage with the admin user only); see the file comment. */
export async function registerKeystone(plan: LabOpenstackPlan, secrets: OpenstackSecrets): Promise<RegisteredKeystone> {
  const identity = plan.endpoints.identity;
  const admin = await LabSession.login(identity, { user: 'admin', password: secrets.admin, project: 'admin' });
  const create = async (collection: string, key: string, body: Record<string, unknown>): Promise<string> => {
    const reply = await admin.call<Record<string, { id: string }>>('POST', `${identity}/${collection}`, [201], { json: { [key]: body } });
    const created = reply[key];
    if (!created) throw new Error(`POST ${identity}/${collection} answered without "${key}"`);
    return created.id;
  };
  const grant = (projectId: string, userId: string, roleId: string): Promise<unknown> => admin.call('PUT', `${identity}/projects/${projectId}/users/${userId}/roles/${roleId}`, [204]);

  // keystone-manage bootstrap created admin, member and reader; Octavia's policies name the load-balancer roles.
  const { roles } = await admin.call<{ roles: Array<{ id: string; name: string }> }>('GET', `${identity}/roles`, [200]);
  const roleIds = new Map(roles.map((role) => [role.name, role.id]));
  for (const name of KEYSTONE_NAMES.roles) if (!roleIds.has(name)) roleIds.set(name, await create('roles', 'role', { name }));
  const roleId = (name: string): string => {
    const id = roleIds.get(name);
    if (!id) throw new Error(`Keystone has no role ${name}`);
    return id;
  };

  const serviceProject = await create('projects', 'project', { name: KEYSTONE_NAMES.serviceProject, domain_id: 'default', description: 'OpenStack service users (scs-chaos lab)' });
  for (const { user, type } of SERVICE_USERS) {
    const userId = await create('users', 'user', { name: user, password: secrets.service, domain_id: 'default' });
    await grant(serviceProject, userId, roleId('admin'));
    const serviceId = await create('services', 'service', { name: user, type });
    for (const iface of ['public', 'internal', 'admin']) await create('endpoints', 'endpoint', { service_id: serviceId, interface: iface, url: plan.endpoints[type], region_id: REGION });
  }

  const projectId = await create('projects', 'project', { name: KEYSTONE_NAMES.project, domain_id: 'default', description: 'What scs-chaos scenarios act on in the lab' });
  const userId = await create('users', 'user', { name: KEYSTONE_NAMES.user, password: secrets.user, domain_id: 'default', default_project_id: projectId });
  for (const name of KEYSTONE_NAMES.roles) await grant(projectId, userId, roleId(name));

  // An application credential is created by its own user, with a token of that user.
  const user = await LabSession.login(identity, { user: KEYSTONE_NAMES.user, password: secrets.user, project: KEYSTONE_NAMES.project });
  const url = `${identity}/users/${user.userId}/application_credentials`;
  const { application_credential: credential } = await user.call<{ application_credential: { id: string; secret: string } }>('POST', url, [201], {
    json: { application_credential: { name: KEYSTONE_NAMES.applicationCredential, description: 'scs-chaos lab: the application-credential cloud of clouds.yaml' } },
  });
  return { projectId, userId, applicationCredential: { id: credential.id, secret: credential.secret } };
}
