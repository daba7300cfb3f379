/**
 * KubeNeed: one permission a Kubernetes step needs — an RBAC rule's apiGroup, resource and verbs, and where it
 * applies. Every module that calls the API declares its needs next to its calls (e.g. `CORDON_NEEDS` beside
 * `cordonNode`), from the RequestSubjects it sends; step-needs.ts maps each step to those declarations, and
 * manifest.ts turns them into a ServiceAccount with Roles and ClusterRoles (`scs-chaos k8s rbac`, docs/decisions/0156).
 * The resource names are RBAC's: the plural, with the subresource after a slash ("pods/eviction",
 * "deployments/scale"); the group is separate ("" is the core group).
 */

export interface KubeNeed {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /**
   * The namespace the rule is needed in; null: a cluster-scoped resource (nodes), or objects in namespaces known only
   * at run time (a Machine's) — both granted by a ClusterRole.
   */
  readonly namespace: string | null;
  /** 'management': the Cluster API management cluster (kubernetes.clusterApi), when that is another cluster. */
  readonly cluster?: 'management';
}

/** need: a KubeNeed, written the way RBAC rules read. */
export function need(apiGroup: string, resource: string, verbs: readonly string[], namespace: string | null = null, cluster?: 'management'): KubeNeed {
  return { apiGroup, resource, verbs, namespace, ...(cluster ? { cluster } : {}) };
}

/** WRITE_VERBS: verbs that change something; those are allowed only in kubernetes.namespaces (the plan's rule). */
export const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** writes: whether a need changes objects (rather than reading them). */
export function writes(needed: KubeNeed): boolean {
  return needed.verbs.some((verb) => WRITE_VERBS.has(verb));
}
