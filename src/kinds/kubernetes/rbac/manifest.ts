/**
 * rbacManifest: the least-privilege RBAC of a run as YAML documents — a ServiceAccount in the helper namespace, one
 * Role + RoleBinding per namespace the needs touch, one ClusterRole + ClusterRoleBinding for cluster-scoped needs,
 * and, when the Cluster API objects live in another (management) cluster, a ClusterRole to apply there (a
 * ServiceAccount of this cluster cannot be bound in another one: the comment says so). One rule per resource, its
 * verbs the union of what the needs ask; a comment above each rule names the scenarios and steps that need it.
 */
import { Document } from 'yaml';
import type { KubeNeed } from './needs';

/** WhyNeeded: one need and who needs it ("features/x.feature:7 When the Kubernetes node node-2 is cordoned for 20s"). */
export interface WhyNeeded {
  need: KubeNeed;
  why: string;
}

export interface ManifestOptions {
  /** Where the ServiceAccount (and the helper pods) live. */
  helperNamespace: string;
  serviceAccount: string;
  /** The Cluster API objects are in another cluster (kubernetes.clusterApi). */
  separateManagementCluster: boolean;
  /** First lines of the output, as comments (what was planned). */
  header: string[];
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** At most this many reasons are listed above a rule; the rest are counted. */
const MAX_REASONS = 6;

interface Rule {
  apiGroup: string;
  resource: string;
  verbs: Set<string>;
  why: Set<string>;
}

const LABELS = { 'app.kubernetes.io/name': 'scs-chaos', 'app.kubernetes.io/component': 'runner' };

/** rulesOf: the needs of one scope folded into one rule per (group, resource), sorted by group then resource. */
function rulesOf(entries: readonly WhyNeeded[]): Rule[] {
  const rules = new Map<string, Rule>();
  for (const { need, why } of entries) {
    const key = `${need.apiGroup}/${need.resource}`;
    const rule = rules.get(key) ?? { apiGroup: need.apiGroup, resource: need.resource, verbs: new Set(), why: new Set() };
    for (const verb of need.verbs) rule.verbs.add(verb);
    rule.why.add(why);
    rules.set(key, rule);
  }
  return [...rules.values()].sort((a, b) => (a.apiGroup === b.apiGroup ? (a.resource < b.resource ? -1 : 1) : a.apiGroup < b.apiGroup ? -1 : 1));
}

const sortVerbs = (verbs: Set<string>): string[] => [...verbs].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b) || (a < b ? -1 : 1));

function reasonComment(rule: Rule): string {
  const reasons = [...rule.why].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const shown = reasons.slice(0, MAX_REASONS).map((r) => ` needed by ${r}`);
  if (reasons.length > MAX_REASONS) shown.push(` ... and ${reasons.length - MAX_REASONS} more`);
  return shown.join('\n');
}

/** roleDocument: a Role (namespace given) or ClusterRole with its rules, each rule commented with its reasons. */
function roleDocument(kind: 'Role' | 'ClusterRole', name: string, namespace: string | null, rules: Rule[], comment: string): Document {
  const metadata = { name, ...(namespace ? { namespace } : {}), labels: LABELS };
  const doc = new Document({ apiVersion: RBAC, kind, metadata, rules: rules.map((r) => ({ apiGroups: [r.apiGroup], resources: [r.resource], verbs: sortVerbs(r.verbs) })) });
  doc.commentBefore = ` ${comment}`;
  rules.forEach((rule, i) => {
    const node = doc.getIn(['rules', i], true) as { commentBefore?: string } | undefined;
    if (node) node.commentBefore = reasonComment(rule);
    for (const key of ['apiGroups', 'resources', 'verbs']) {
      const list = doc.getIn(['rules', i, key], true) as { flow?: boolean } | undefined;
      if (list) list.flow = true;
    }
  });
  return doc;
}

function bindingDocument(kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, namespace: string | null, options: ManifestOptions): Document {
  const metadata = { name, ...(namespace ? { namespace } : {}), labels: LABELS };
  return new Document({
    apiVersion: RBAC,
    kind,
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: options.serviceAccount, namespace: options.helperNamespace }],
  });
}

export function rbacManifest(entries: readonly WhyNeeded[], options: ManifestOptions): string {
  const name = options.serviceAccount;
  const account = new Document({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: options.helperNamespace, labels: LABELS } });
  account.commentBefore = options.header.map((line) => ` ${line}`).join('\n');
  const docs: Document[] = [account];
  const management = entries.filter((e) => e.need.cluster === 'management' && options.separateManagementCluster);
  const here = entries.filter((e) => !management.includes(e));
  const namespaces = [...new Set(here.flatMap((e) => (e.need.namespace === null ? [] : [e.need.namespace])))].sort();
  for (const namespace of namespaces) {
    docs.push(roleDocument('Role', name, namespace, rulesOf(here.filter((e) => e.need.namespace === namespace)), `what the planned steps need in namespace ${namespace}`));
    docs.push(bindingDocument('RoleBinding', name, namespace, options));
  }
  const clusterWide = here.filter((e) => e.need.namespace === null);
  if (clusterWide.length > 0) {
    docs.push(roleDocument('ClusterRole', name, null, rulesOf(clusterWide), 'cluster-scoped resources (nodes) and objects in namespaces known only at run time'));
    docs.push(bindingDocument('ClusterRoleBinding', name, null, options));
  }
  if (management.length > 0) {
    docs.push(roleDocument('ClusterRole', `${name}-cluster-api`, null, rulesOf(management), 'apply in the Cluster API management cluster (kubernetes.clusterApi), bound to the identity of its kubeconfig: a ServiceAccount of this cluster cannot be bound there'));
  }
  // No padding inside flow lists (`[list, watch]`): the style of kubectl's own output and of yamllint's default rules.
  return docs.map((doc) => doc.toString({ lineWidth: 0, flowCollectionPadding: false })).join('---\n');
}
