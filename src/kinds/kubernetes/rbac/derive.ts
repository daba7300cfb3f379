/**
 * deriveNeeds: every permission a run of the matched steps needs in the environment's cluster, each with who needs
 * it — the Kubernetes steps' needs (step-needs.ts), the preflight's (every run lists leftovers when the environment
 * has a kubernetes: section), and the kube-node executor's when a node is reached through helper pods.
 * Refused as bad input, as the plan would refuse it: Kubernetes steps without a kubernetes: section, and a step
 * that would change objects in a namespace outside kubernetes.namespaces.
 */
import { BadInput } from '../../../kernel/errors';
import type { Environment, ExecutorSpec, KubeNodeSpec } from '../../../model/environment';
import { preflightNeeds } from '../leftovers';
import type { WhyNeeded } from './manifest';
import { writes } from './needs';
import { KUBERNETES_STEPS_FILE, kubeNodeExecutorNeeds, STEP_NEEDS } from './step-needs';

/** A step of a planned scenario and the step definition it matches (src/cli/k8s/step-matches.ts). */
export interface MatchedStep {
  scenario: { id: string; name: string };
  text: string;
  pattern: string;
  definedIn: string;
  args: (string | undefined)[];
}

/** helperPodsOf: the kube-node executor a node is reached through (directly, or nsenter via one), if any. */
function helperPodsOf(executor: ExecutorSpec): KubeNodeSpec | null {
  if (executor.kind === 'kube-node') return executor;
  return executor.kind === 'nsenter' ? helperPodsOf(executor.via) : null;
}

export function deriveNeeds(env: Environment, steps: readonly MatchedStep[], helperNamespace: string): WhyNeeded[] {
  const spec = env.sections.kubernetes;
  const kubeSteps = steps.filter((step) => step.definedIn === KUBERNETES_STEPS_FILE);
  if (kubeSteps.length > 0 && !spec) {
    const first = kubeSteps[0] as MatchedStep;
    throw new BadInput(`${first.scenario.id} "${first.text}": environment ${env.name} has no kubernetes: section, so Kubernetes steps cannot reach a cluster`, { file: env.sourcePath }, 'add kubernetes: { kubeconfig: <file>, context: <name>, namespaces: [<namespaces faults may touch>] }');
  }
  const entries: WhyNeeded[] = [];
  for (const step of kubeSteps) {
    const needsOf = STEP_NEEDS.get(step.pattern);
    // A bug, not bad input: a step was added to steps/kubernetes_steps.ts without saying what it needs.
    if (!needsOf) throw new Error(`no RBAC needs are declared for the step "${step.pattern}" of ${KUBERNETES_STEPS_FILE}: add it to STEP_NEEDS (src/kinds/kubernetes/rbac/step-needs.ts)`);
    const why = `${step.scenario.id}: ${step.text}`;
    for (const need of needsOf(step.args, spec as NonNullable<typeof spec>)) {
      if (need.namespace !== null && writes(need) && !spec?.namespaces.includes(need.namespace)) {
        throw new BadInput(`${step.scenario.id} "${step.text}" would change ${need.resource} in namespace ${need.namespace}, which is not in kubernetes.namespaces of environment ${env.name} (${spec?.namespaces.join(', ') ?? ''})`, { file: env.sourcePath }, `add ${need.namespace} to kubernetes.namespaces, or pick a workload in ${spec?.namespaces.join(', ') ?? ''}`);
      }
      entries.push({ need, why });
    }
  }
  if (spec) for (const need of preflightNeeds(spec.namespaces)) entries.push({ need, why: 'the preflight of every run (leftovers labelled scs-chaos/injection)' });
  // Helper pods run in the namespace each kube-node executor names (default: the runner's namespace's default, scs-chaos).
  const helperNodes = new Map<string, string[]>();
  for (const node of env.nodes) {
    const kubeNode = helperPodsOf(node.executor);
    if (kubeNode) helperNodes.set(kubeNode.namespace || helperNamespace, [...(helperNodes.get(kubeNode.namespace || helperNamespace) ?? []), node.name]);
  }
  for (const [namespace, nodes] of helperNodes) {
    for (const need of kubeNodeExecutorNeeds(namespace)) entries.push({ need, why: `the kube-node executor (helper pods for ${nodes.join(', ')})` });
  }
  return entries;
}
