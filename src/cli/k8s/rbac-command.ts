/**
 * `scs-chaos k8s rbac [--namespace NS] [plan options] [FEATURE...]`: prints, as YAML on stdout, the ServiceAccount,
 * Roles, ClusterRoles and bindings with the least privilege a run of the selected scenarios needs in the
 * environment's cluster (src/kinds/kubernetes/rbac/). Derived from the step definitions the scenarios match, in a
 * dry run: no node and no cluster is asked anything. Bad input (flags, paths, feature files, environment, a write
 * outside kubernetes.namespaces) is exit 2 with a fix, like `plan`.
 */
import { isAbsolute, relative } from 'node:path';
import { BadInput } from '../../kernel/errors';
import { loadEnvironment } from '../../environment/load';
import { requireScenarios } from '../input-checks';
import type { K8sIo } from './command';
import type { RunOptions } from '../run';
import { takeFlags } from './take-flags';
import { matchSteps } from './step-matches';

/** The helper namespace's default: where the runner's ServiceAccount and the kube-node helper pods live. */
export const DEFAULT_HELPER_NAMESPACE = 'scs-chaos';
export const RUNNER_SERVICE_ACCOUNT = 'scs-chaos-runner';
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** shownPath: a path below the working directory as a relative one, so a checked-in manifest is the same in every checkout. */
function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}

export async function rbacCommand(args: string[], io: K8sIo): Promise<number> {
  const taken = takeFlags(args, ['namespace']);
  const helperNamespace = checkedNamespace(taken.values.get('namespace') ?? DEFAULT_HELPER_NAMESPACE);
  const derived = await deriveRbac(io.planOptions(taken.rest), helperNamespace, RUNNER_SERVICE_ACCOUNT, io.log);
  if (typeof derived === 'number') return derived;
  io.out(derived);
  return 0;
}

/** checkedNamespace: a --namespace value that is a namespace name, or BadInput with the fix. */
export function checkedNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace) || namespace.length > 63) throw new BadInput(`--namespace ${namespace} is not a namespace name`, undefined, 'use lower-case letters, digits and "-", at most 63 characters, e.g. --namespace scs-chaos');
  return namespace;
}

/**
 * deriveRbac: the RBAC manifest (YAML) for the ServiceAccount `serviceAccount` in `helperNamespace` that runs the
 * selected scenarios, or the exit code of the problems found (logged). Shared by `k8s rbac` and `k8s submit`.
 */
export async function deriveRbac(options: RunOptions, helperNamespace: string, serviceAccount: string, log: (line: string) => void): Promise<string | number> {
  await import('../../kinds');
  const env = loadEnvironment(options.envPath);
  const matched = await matchSteps(options);
  if (matched.problems.length) {
    log(`bad input: ${matched.problems.length} problem(s) found in the selected features; nothing was touched.`);
    for (const problem of matched.problems) log(problem);
    return 2;
  }
  requireScenarios(matched.scenarioCount, options, options.allowEmpty === true);
  const { deriveNeeds } = await import('../../kinds/kubernetes/rbac/derive');
  const { rbacManifest } = await import('../../kinds/kubernetes/rbac/manifest');
  const entries = deriveNeeds(env, matched.matches, helperNamespace);
  const selection = [options.paths.length ? options.paths.join(' ') : `the paths of profile ${options.profile}`, ...(options.tags ? [`--tags "${options.tags}"`] : []), ...(options.name ? [`--name "${options.name}"`] : [])].join(' ');
  const header = [
    `scs-chaos k8s rbac: least privilege for ${matched.scenarioCount} scenario(s) (${selection}) against environment ${env.name} (${shownPath(env.sourcePath)})`,
    'derived from the step definitions the scenarios match (a dry run: no cluster was asked); apply with kubectl apply -f -',
  ];
  if (entries.length === 0) header.push('no step needs the Kubernetes API: the ServiceAccount alone is enough');
  const spec = env.sections.kubernetes;
  const separateManagementCluster = spec?.clusterApi !== undefined && (spec.clusterApi.kubeconfig !== spec.kubeconfig || spec.clusterApi.context !== spec.context);
  return rbacManifest(entries, { helperNamespace, serviceAccount, separateManagementCluster, header });
}
