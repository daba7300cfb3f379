/**
 * KubeApiError: an answer of the API server that is not a success, named by cluster, verb and resource
 * ("cluster lab: list pods in namespace web: ...") — and for a 403, which permission the user lacks, as an RBAC
 * rule to grant. The API's own Status (reason, message, code) is kept for callers that branch on it (410 Gone).
 */

/** What a request was about, for messages. */
export interface RequestSubject {
  /** Kubernetes verb: get, list, watch, create, patch, delete, ... */
  verb: string;
  /** Plural resource, e.g. "pods", "nodes", "deployments.apps", "pods/eviction". */
  resource: string;
  namespace?: string;
  name?: string;
}

/** ApiStatus: the fields of a Kubernetes Status object that errors carry. */
export interface ApiStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export function describeSubject(subject: RequestSubject): string {
  const where = subject.namespace ? ` in namespace ${subject.namespace}` : '';
  return `${subject.verb} ${subject.resource}${subject.name ? ` ${subject.name}` : ''}${where}`;
}

export class KubeApiError extends Error {
  constructor(
    readonly cluster: string,
    readonly subject: RequestSubject,
    readonly status: number,
    readonly apiStatus: ApiStatus,
    readonly user: string,
  ) {
    super(KubeApiError.text(cluster, subject, status, apiStatus, user));
    this.name = 'KubeApiError';
  }

  private static text(cluster: string, subject: RequestSubject, status: number, api: ApiStatus, user: string): string {
    const head = `cluster ${cluster}: ${describeSubject(subject)}: HTTP ${status}${api.reason ? ` ${api.reason}` : ''}`;
    if (status === 403) {
      const [resource, subresource] = subject.resource.split('/');
      const [plural, group = ''] = (resource ?? '').split(/\.(.*)/s);
      const rule = `apiGroups: ["${group}"], resources: ["${plural}${subresource ? `/${subresource}` : ''}"], verbs: ["${subject.verb}"]`;
      return `${head}: user ${user} may not ${describeSubject(subject)} (RBAC). Grant it a ${subject.namespace ? 'Role' : 'ClusterRole'} with the rule { ${rule} }${api.message ? ` — the API server said: ${api.message}` : ''}`;
    }
    return `${head}${api.message ? `: ${api.message}` : ''}`;
  }

  /** gone: the resourceVersion is too old (410): a watch must list again. */
  get gone(): boolean {
    return this.status === 410;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

/** KubeUnreachable: no answer at all (connection refused, TLS, timeout), naming the cluster and the server. */
export class KubeUnreachable extends Error {
  constructor(cluster: string, server: string, subject: RequestSubject, cause: string) {
    super(`cluster ${cluster} (${server}) did not answer ${describeSubject(subject)}: ${cause}`);
    this.name = 'KubeUnreachable';
  }
}
