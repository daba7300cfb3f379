/**
 * podEnvironment: the environment file as the shard pods of `k8s submit` see it (docs/decisions/0158). The same
 * file the submitter plans with, changed in three places only, so a pod's run is the local run's:
 *  - every kubeconfig (the `kubernetes:` section's and each kube-node executor's) becomes `in-cluster`, and their
 *    contexts go: a pod reaches the API server of the cluster it runs in with its ServiceAccount's token;
 *  - the `lab:` section goes: a pod builds no lab, it is a client of one;
 *  - `scope.maxNodesAtOnce` becomes the shard's share (`maxNodesPerShard`), so the shards that run at the same
 *    time never harm more nodes together than the environment allows.
 * What a pod cannot have is bad input naming the file and line: a node whose executor is not kube-node (a pod has
 * no ssh key, no lab namespace), a Cluster API management cluster of its own, `${env:NAME}` secrets (they would
 * land in a ConfigMap). Pure: text in, text out.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode, type YAMLMap } from 'yaml';
import { BadInput } from '../../../kernel/errors';

export interface PodEnvironmentOptions {
  /** The environment file's path, for messages. */
  file: string;
  /** The environment file's text. */
  text: string;
  /** Each shard's share of scope.maxNodesAtOnce. */
  maxNodesPerShard: number;
}

const IN_CLUSTER = 'in-cluster';
const KUBE_NODE_EXAMPLE = 'experiments/environments/lab-kube-node.yaml';

export function podEnvironment(options: PodEnvironmentOptions): string {
  const lines = new LineCounter();
  const doc = parseDocument(options.text, { lineCounter: lines });
  const at = (node: unknown): { file: string; line?: number } => {
    const offset = (node as YamlNode | undefined)?.range?.[0];
    return offset === undefined ? { file: options.file } : { file: options.file, line: lines.linePos(offset).line };
  };
  if (doc.errors.length > 0 || !isMap(doc.contents)) throw new BadInput(`${options.file} is not an environment (a YAML mapping)`, { file: options.file }, 'give the environment file `plan` accepts');
  const secret = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/.exec(options.text);
  if (secret) {
    const offset = options.text.indexOf(secret[0]);
    throw new BadInput(`${secret[0]}: a secret from the submitter's environment cannot reach the shard pods`, { file: options.file, line: lines.linePos(offset).line }, 'k8s submit writes the environment into a ConfigMap, which is no place for secrets: run this environment with scs-chaos run, or give the value through a file the pods can read');
  }
  rewriteNodes(doc, at, options.file);
  rewriteKubernetes(doc, at);
  doc.delete('lab');
  doc.setIn(['scope', 'maxNodesAtOnce'], options.maxNodesPerShard);
  return doc.toString({ lineWidth: 0 });
}

type At = (node: unknown) => { file: string; line?: number };

/** Every node's executor must be kube-node: the only way from a pod to a node. Its kubeconfig becomes in-cluster. */
function rewriteNodes(doc: Document, at: At, file: string): void {
  const nodes = doc.get('nodes', true);
  if (!nodes || !('items' in (nodes as object))) return;
  for (const item of (nodes as { items: unknown[] }).items) {
    if (!isMap(item)) continue;
    const executor = item.get('executor', true);
    const name = String(item.get('name') ?? '(unnamed)');
    const kind = isMap(executor) ? executor.get('kind') : undefined;
    if (!isMap(executor) || kind !== 'kube-node') {
      throw new BadInput(
        `node ${name}: its executor is ${kind === undefined ? 'not given' : `"${String(kind)}"`}, which a shard pod cannot use (no ssh key, no lab namespace inside the cluster)`,
        at(isMap(executor) ? executor.get('kind', true) : item),
        `give every node executor: {kind: kube-node, image: ...} (as ${KUBE_NODE_EXAMPLE} does), or run ${file} with scs-chaos run`,
      );
    }
    toInCluster(executor);
  }
}

function rewriteKubernetes(doc: Document, at: At): void {
  const kubernetes = doc.get('kubernetes', true);
  if (!isMap(kubernetes)) return;
  const clusterApi = kubernetes.get('clusterApi', true);
  if (isMap(clusterApi) && (clusterApi.has('kubeconfig') || clusterApi.has('context'))) {
    throw new BadInput('kubernetes.clusterApi names a management cluster of its own, which the shard pods cannot reach with their in-cluster identity', at(clusterApi), 'run features that need the management cluster with scs-chaos run, or drop clusterApi.kubeconfig/context when the Cluster API objects live in this cluster');
  }
  toInCluster(kubernetes);
}

/** toInCluster: kubeconfig: in-cluster, and no context (an in-cluster identity has none). */
function toInCluster(map: YAMLMap): void {
  const existing = map.get('kubeconfig', true);
  if (isScalar(existing)) existing.value = IN_CLUSTER;
  else map.set('kubeconfig', IN_CLUSTER);
  map.delete('context');
}
