/** clientFor: one KubeClient per environment and process (connections are reused across a run's steps). */
import { BadInput } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import { KubeClient } from './client/client';
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
