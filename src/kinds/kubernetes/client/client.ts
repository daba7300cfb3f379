/**
 * KubeClient: the Kubernetes kind's way to a cluster — the environment's `kubernetes:` section turned into a
 * connection (connection.ts), JSON requests (rest.ts), paginated lists (list.ts) and resumable watches (watch.ts).
 */
import { BadInput } from '../../../kernel/errors';
import type { Environment } from '../../../model/environment';
import type { KubernetesSpec } from '../environment';
import { connectKube, KubeConnection } from './connection';
import type { RequestSubject } from './errors';
import { KubeList, KubeObject, listAll } from './list';
import { KubeRest, Query, RequestSpec } from './rest';
import { KubeWatch, WatchOptions } from './watch';

export class KubeClient {
  private constructor(
    readonly spec: KubernetesSpec,
    readonly rest: KubeRest,
  ) {}

  /** connect: the cluster of the environment's kubernetes: section; BadInput when there is none or it is wrong. */
  static async connect(env: Environment): Promise<KubeClient> {
    const spec = env.sections.kubernetes;
    if (!spec) {
      throw new BadInput(
        `environment ${env.name} has no kubernetes: section, so Kubernetes steps cannot reach a cluster`,
        { file: env.sourcePath },
        'add kubernetes: { kubeconfig: <file>, context: <name>, namespaces: [<namespaces faults may touch>] }',
      );
    }
    try {
      return KubeClient.withConnection(spec, await connectKube(spec, env.sourcePath));
    } catch (error) {
      // In the lab the kubeconfig exists only while the lab runs its cluster.
      if (error instanceof BadInput && env.lab && spec.kubeconfig?.startsWith(env.lab.runDir)) {
        throw new BadInput(error.message.split('\n  fix: ')[0] ?? error.message, error.location, 'bring the lab up with its cluster: scs-chaos lab up --with kubernetes');
      }
      throw error;
    }
  }

  static withConnection(spec: KubernetesSpec, connection: KubeConnection): KubeClient {
    return new KubeClient(spec, new KubeRest(connection, spec.requestTimeoutMs));
  }

  get connection(): KubeConnection {
    return this.rest.connection;
  }

  /** version: the server's version (a cheap reachability check). */
  version(): Promise<{ gitVersion: string }> {
    return this.rest.json({ method: 'GET', path: '/version', subject: { verb: 'get', resource: 'version' } });
  }

  get<T extends KubeObject>(path: string, subject: Omit<RequestSubject, 'verb'>): Promise<T> {
    return this.rest.json<T>({ method: 'GET', path, subject: { ...subject, verb: 'get' } });
  }

  list<T extends KubeObject>(path: string, query: Query, subject: Omit<RequestSubject, 'verb'>, limit?: number): Promise<KubeList<T>> {
    return listAll<T>(this.rest, path, query, { ...subject, verb: 'list' }, limit);
  }

  watch<T extends KubeObject>(options: WatchOptions<T>): KubeWatch<T> {
    return new KubeWatch<T>(this.rest, options);
  }

  /** send: any other request (create, patch, delete, eviction); never retried here. */
  send<T>(spec: RequestSpec): Promise<T> {
    return this.rest.json<T>(spec);
  }

  close(): void {
    this.connection.close();
  }
}
