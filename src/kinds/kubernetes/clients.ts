/** clientFor: one KubeClient per environment and process (connections are reused across a run's steps). */
import { BadInput } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import { KubeClient } from './client/client';
import { connectKube } from './client/connection';
import { KubeUnreachable } from './client/errors';

const clients = new WeakMap<Environment, Promise<KubeClient>>();

export function clientFor(env: Environment): Promise<KubeClient> {
  let client = clients.get(env);
  if (!client) {
    client = KubeClient.connect(env);
    clients.set(env, client);
    client.catch(() => clients.delete(env));
  }
  return client;
}

/**
 * reachableClient: the environment's client, once the API server has answered; an unreachable cluster is bad input
 * at plan time (nothing was touched), with the lab's command to bring it up.
 */
export async function reachableClient(env: Environment): Promise<KubeClient> {
  const client = await clientFor(env);
  try {
    await client.version();
  } catch (error) {
    if (!(error instanceof KubeUnreachable)) throw error;
    throw new BadInput(error.message, { file: env.sourcePath }, env.lab ? 'bring the lab up with its cluster: scs-chaos lab up --with kubernetes' : 'check kubernetes.kubeconfig and kubernetes.context in the environment file, and that the cluster is up');
  }
  return client;
}

const managementClients = new WeakMap<Environment, Promise<KubeClient>>();

/** clusterApiClientFor: the client of the cluster holding the Machines — kubernetes.clusterApi, else the cluster itself. */
export async function clusterApiClientFor(env: Environment): Promise<KubeClient> {
  const spec = env.sections.kubernetes;
  if (!spec?.clusterApi) return reachableClient(env);
  let client = managementClients.get(env);
  if (!client) {
    const management = { ...spec, kubeconfig: spec.clusterApi.kubeconfig ?? spec.kubeconfig, context: spec.clusterApi.context };
    client = connectKube(management, env.sourcePath).then((connection) => KubeClient.withConnection(management, connection));
    managementClients.set(env, client);
    client.catch(() => managementClients.delete(env));
  }
  return client;
}
