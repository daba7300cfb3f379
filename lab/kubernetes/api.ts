/**
 * A few bounded HTTPS calls to the lab's API server as the admin, for `lab up`'s readiness waits, server-side apply
 * of the lab's workload and `lab status`. Not the framework's Kubernetes client: just enough for the lab to know it
 * is up. A fresh connection per call (no keep-alive), a hard timeout.
 */
import { readFileSync } from 'node:fs';
import { httpCall, HttpAnswer } from '../http-get';
import { certPath, keyPath } from './pki';
import type { LabKubernetesPlan } from './plan';

/** ApiAnswer: status code and body of one call. */
export type ApiAnswer = HttpAnswer;

/** LabApi: calls as the admin to one lab cluster. */
export interface LabApi {
  call(method: string, path: string, options?: { body?: string; contentType?: string; timeoutMs?: number }): Promise<ApiAnswer>;
  /** GET `path` and parse the JSON; throws naming the path on a non-200 answer. */
  get<T>(path: string, timeoutMs?: number): Promise<T>;
}

/** labApi reads the admin's certificate once and returns the calls. */
export function labApi(plan: LabKubernetesPlan): LabApi {
  const ca = readFileSync(certPath(plan.pki, 'ca'));
  const cert = readFileSync(certPath(plan.pki, 'admin'));
  const key = readFileSync(keyPath(plan.pki, 'admin'));
  const call: LabApi['call'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    return httpCall(new URL(path, plan.apiServerUrl), { method, headers, ...(options.body !== undefined ? { body: options.body } : {}), timeoutMs: options.timeoutMs ?? 5000, tls: { ca, cert, key } });
  };
  return {
    call,
    async get<T>(path: string, timeoutMs?: number): Promise<T> {
      const answer = await call('GET', path, timeoutMs === undefined ? {} : { timeoutMs });
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      return JSON.parse(answer.body) as T;
    },
  };
}

/** NodeList / DeploymentStatus: the fields the lab reads. */
export interface NodeList {
  items: Array<{ metadata: { name: string }; spec?: { taints?: Array<{ key: string; effect: string }> }; status?: { conditions?: Array<{ type: string; status: string }>; nodeInfo?: { kubeletVersion?: string } } }>;
}
export interface Deployment {
  spec?: { replicas?: number };
  status?: { availableReplicas?: number; readyReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
  metadata: { generation?: number };
}

/** nodeReady: a node's Ready condition ("True", "False", "Unknown"), or "absent" when it has none yet. */
export function nodeReady(node: NodeList['items'][number]): string {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'absent';
}
