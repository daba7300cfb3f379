/**
 * clientFor: one OpenStackClient per environment and process (the token and connections are reused across a run's
 * steps); reachableClient: the same, once Keystone gave a token — bad credentials or an unreachable cloud are bad
 * input at plan time (exit 2, nothing touched), naming the cloud and the clouds.yaml.
 */
import { BadInput } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import { OpenStackClient } from './client/client';
import { readCloud } from './client/clouds';
import { OpenStackAuthError, OpenStackUnreachable } from './client/errors';
import { openstackSpecOf, OpenstackSpec } from './environment';

const clients = new WeakMap<Environment, OpenStackClient>();

/** clientOfSpec: a client for the section's cloud (reads clouds.yaml; no call is made yet). */
export function clientOfSpec(spec: Pick<OpenstackSpec, 'cloud' | 'cloudsYaml' | 'requestTimeoutMs' | 'computeMicroversion'>): OpenStackClient {
  return new OpenStackClient(readCloud(spec.cloud, spec.cloudsYaml), { timeoutMs: spec.requestTimeoutMs, computeMicroversion: spec.computeMicroversion });
}

export function clientFor(env: Environment): OpenStackClient {
  let client = clients.get(env);
  if (!client) {
    client = clientOfSpec(openstackSpecOf(env));
    clients.set(env, client);
  }
  return client;
}

export async function reachableClient(env: Environment): Promise<OpenStackClient> {
  let client: OpenStackClient;
  try {
    client = clientFor(env);
  } catch (error) {
    // The lab writes its clouds.yaml at `lab up --with openstack`: missing there means the lab's OpenStack is not up.
    if (error instanceof BadInput && env.lab && /no clouds\.yaml found/.test(error.message)) throw new BadInput(error.message.split('\n')[0] ?? error.message, error.location, 'bring the lab up with its OpenStack: scs-chaos lab up --with openstack');
    throw error;
  }
  try {
    await client.login();
  } catch (error) {
    if (error instanceof OpenStackAuthError) throw new BadInput(error.message, { file: client.cloud.file }, `fix the credentials of cloud ${client.name} in ${client.cloud.file} (or secure.yaml), or name another cloud in openstack.cloud of ${env.sourcePath}`);
    if (error instanceof OpenStackUnreachable) throw new BadInput(error.message, { file: env.sourcePath }, env.lab ? 'bring the lab up with its OpenStack: scs-chaos lab up --with openstack' : `check auth_url of cloud ${client.name} in ${client.cloud.file}, and that the cloud is up`);
    throw error;
  }
  return client;
}
