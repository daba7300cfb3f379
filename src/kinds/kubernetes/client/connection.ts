/**
 * KubeConnection: one cluster reached through a kubeconfig — the file the environment names, "in-cluster" (the
 * pod's service account), or the default ($KUBECONFIG, ~/.kube/config) — with the context the environment names.
 * @kubernetes/client-node parses the kubeconfig and applies its credentials (certificates, tokens, exec plugins);
 * it is loaded only when a Kubernetes step runs, so commands that never touch a cluster do not pay for it.
 * Every problem is BadInput naming the file, the context and what exists.
 */
import { Agent, RequestOptions } from 'node:https';
import { existsSync } from 'node:fs';
import { BadInput } from '../../../kernel/errors';
import type { KubernetesSpec } from '../environment';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeConnection {
  /** The cluster's name in the kubeconfig (messages say "cluster <name>"). */
  readonly cluster: string;
  readonly server: string;
  readonly user: string;
  readonly context: string;
  /** Where the configuration came from, for messages. */
  readonly source: string;
  /** The loaded kubeconfig, for @kubernetes/client-node's own streams (exec over WebSocket). */
  readonly kubeConfig: KubeConfig;
  /** requestOptions: TLS material, credentials and the shared keep-alive agent for one request. */
  requestOptions(): Promise<RequestOptions>;
  close(): void;
}

type ClientNode = typeof import('@kubernetes/client-node');

/** connectKube: loads the kubeconfig and picks the context; BadInput when either is wrong. */
export async function connectKube(spec: Pick<KubernetesSpec, 'kubeconfig' | 'context'>, environmentFile: string): Promise<KubeConnection> {
  const k8s: ClientNode = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  const source = spec.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
  try {
    if (spec.kubeconfig === 'in-cluster') kc.loadFromCluster();
    else if (spec.kubeconfig !== undefined) {
      if (!existsSync(spec.kubeconfig)) throw new Error(`no such file ${spec.kubeconfig}`);
      kc.loadFromFile(spec.kubeconfig);
    } else kc.loadFromDefault();
  } catch (error) {
    throw new BadInput(`cannot read the kubeconfig ${source}: ${(error as Error).message}`, { file: environmentFile }, 'set kubernetes.kubeconfig in the environment file to a readable kubeconfig (or "in-cluster" inside a pod)');
  }
  if (spec.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(spec.context)) {
      throw new BadInput(`kubeconfig ${source} has no context "${spec.context}"`, { file: environmentFile }, `set kubernetes.context to one of: ${names.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(spec.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new BadInput(`kubeconfig ${source}: context "${kc.getCurrentContext()}" names no cluster`, { file: environmentFile }, 'fix the context in the kubeconfig, or pick another with kubernetes.context');
  const base: RequestOptions = {};
  await kc.applyToHTTPSOptions(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ...(base.ca ? { ca: base.ca } : {}), ...(base.cert ? { cert: base.cert } : {}), ...(base.key ? { key: base.key } : {}), ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}) });
  return {
    cluster: cluster.name,
    server: cluster.server.replace(/\/+$/, ''),
    user: kc.getCurrentUser()?.name ?? '(unknown user)',
    context: kc.getCurrentContext(),
    source,
    kubeConfig: kc,
    async requestOptions() {
      // Credentials are applied per request: exec plugins and OIDC tokens renew themselves.
      const options: RequestOptions = {};
      await kc.applyToHTTPSOptions(options);
      return { headers: options.headers ?? {}, ...(options.auth ? { auth: options.auth } : {}), agent };
    },
    close: () => agent.destroy(),
  };
}
