/**
 * STEP_NEEDS: the permissions each Kubernetes step needs, keyed by its pattern as written in
 * steps/kubernetes_steps.ts (what Cucumber reports as the step definition's pattern source), computed from the
 * step's arguments as the step text gives them. The needs themselves are declared beside the code that sends the
 * requests (fault, selector, observer, setup and Cluster API modules); this table only says which of them a step
 * uses. A step that only judges what the watches saw, or acts on a node through the hosts kind (a kubelet stopped),
 * needs nothing here. rbac.test.ts fails for a step in steps/kubernetes_steps.ts that has no entry, and for an entry
 * whose step is gone.
 */
import type { KubernetesSpec } from '../environment';
import { CLUSTER_API_NEEDS } from '../capi/machines';
import { CORDON_NEEDS } from '../faults/cordon';
import { drainNeeds } from '../faults/drain';
import { podDeleteNeeds } from '../faults/pod-delete';
import { scaleNeeds } from '../faults/scale';
import { TAINT_NEEDS } from '../faults/taint';
import { observerNeeds } from '../observe/observer';
import { podSelectionNeeds } from '../select/pods';
import { parseWorkloadRef, workloadReadNeeds } from '../select/workloads';
import { disruptionBudgetNeeds } from '../setup/disruption-budget';
import { KubeNeed, need } from './needs';

/** The values of a step's parameters as the step text gives them ({string} with its quotes); undefined: an optional group that did not match. */
export type StepArgs = readonly (string | undefined)[];
export type StepNeeds = (args: StepArgs, spec: KubernetesSpec) => KubeNeed[];

const arg = (args: StepArgs, i: number): string => args[i] ?? '';
const ref = (args: StepArgs, kindAt: number) => parseWorkloadRef(arg(args, kindAt), arg(args, kindAt + 1));
const none: StepNeeds = () => [];

/** Pods of a workload picked at plan time (the workload read for its selector, its pods listed). */
const podsOf = (args: StepArgs, kindAt: number): KubeNeed[] => [...workloadReadNeeds(ref(args, kindAt)), ...podSelectionNeeds(ref(args, kindAt).namespace)];
/** Pods of a workload deleted: picked, then deleted and read back. */
const deletePodsOf = (args: StepArgs, kindAt: number): KubeNeed[] => [...podsOf(args, kindAt), ...podDeleteNeeds(ref(args, kindAt).namespace)];

/** A node picked by label or role, then cordoned, drained, tainted or its kubelet stopped (the regular expression step). */
const labelledNodeNeeds: StepNeeds = (args, spec) => {
  const action = arg(args, 2);
  const fault = action === 'is cordoned' ? CORDON_NEEDS : action === 'is drained' ? drainNeeds(spec.namespaces) : action.startsWith('is tainted') ? TAINT_NEEDS : [];
  return [need('', 'nodes', ['list']), ...fault];
};

export const STEP_NEEDS: ReadonlyMap<string, StepNeeds> = new Map<string, StepNeeds>([
  // Expected to be refused by the namespace check before any request; outside the refusal it reads like a deletion's plan.
  ['deleting {int} pod(s) of the Kubernetes {word} {word} is refused at plan time', (args, spec) => (spec.namespaces.includes(ref(args, 1).namespace) ? podsOf(args, 1) : [])],
  ['the Kubernetes {word} {word} is watched', (args) => observerNeeds(ref(args, 0))],
  ['the Kubernetes node {node} is cordoned for {duration}', () => [...CORDON_NEEDS]],
  ['{int}% of the pods of the Kubernetes {word} {word} are deleted', (args) => deletePodsOf(args, 1)],
  ['{int} pod(s) of the Kubernetes {word} {word} is/are deleted', (args) => deletePodsOf(args, 1)],
  ['the Kubernetes node {node} is tainted {word} for {duration}', () => [...TAINT_NEEDS]],
  ['the Kubernetes {word} {word} is scaled to {int} for {duration}', (args) => scaleNeeds(ref(args, 0))],
  ['the Kubernetes node {node} loses its kubelet for {duration}', none],
  ['the Kubernetes node {node} is seen NotReady within {duration}', none],
  ['a replacement pod is Ready within {duration}', none],
  ['a container of the watched pods is restarted within {duration}', none],
  ['every replica is available again within {duration}', none],
  ['a PodDisruptionBudget allows no disruption of the Kubernetes {word} {word}', (args) => disruptionBudgetNeeds(ref(args, 0))],
  ['the Kubernetes node {node} is drained for {duration}', (_args, spec) => drainNeeds(spec.namespaces)],
  // The kill itself goes through containerd on the node (the node's executor), not through the API.
  ['a container of a pod of the Kubernetes {word} {word} is killed', (args) => podsOf(args, 0)],
  ['the drain was held back by a PodDisruptionBudget', none],
  ['no pod of the watched workload was deleted', none],
  ['Cluster API remediation of the Kubernetes node {node} is reported', () => [...CLUSTER_API_NEEDS]],
  ['Cluster API remediates the Kubernetes node {node} within {duration}', () => [...CLUSTER_API_NEEDS]],
  ['the node of a pod of the Kubernetes {word} {word} loses its kubelet for {duration}', (args) => podsOf(args, 0)],
  ['the node of a pod of the Kubernetes {word} {word} is drained for {duration}', (args, spec) => [...podsOf(args, 0), ...drainNeeds(spec.namespaces)]],
  ['the node of a pod of the Kubernetes {word} {word} is tainted {word} for {duration}', (args) => [...podsOf(args, 0), ...TAINT_NEEDS]],
  ['that node is seen NotReady within {duration}', none],
  ['Cluster API remediation of that node is reported', () => [...CLUSTER_API_NEEDS]],
  // Pod network faults act inside the pod's network namespace on its node (hosts kind); the API only picks the pod.
  ['a pod of the Kubernetes {word} {word} is isolated from the network for {duration}', (args) => podsOf(args, 0)],
  ['a pod of the Kubernetes {word} {word} drops {percentage} of its outgoing packets for {duration}', (args) => podsOf(args, 0)],
  ['a pod of the Kubernetes {word} {word} gets {word} of added latency with {word} jitter for {duration}', (args) => podsOf(args, 0)],
  ['^a Kubernetes node (?:labelled "([^"]+)"|with role ([\\w.-]+)) (is cordoned|is drained|is tainted NoExecute|is tainted NoSchedule|loses its kubelet) for (\\S+)$', labelledNodeNeeds],
  ["a watched pod's endpoint is taken out of its Service within {duration}", none],
  ['{int}% of the pods labelled {string} in the Kubernetes namespace {word} are deleted', (args) => [...podSelectionNeeds(arg(args, 2)), ...podDeleteNeeds(arg(args, 2))]],
  ['{int} pod(s) labelled {string} in the Kubernetes namespace {word} is/are deleted', (args) => [...podSelectionNeeds(arg(args, 2)), ...podDeleteNeeds(arg(args, 2))]],
]);

/** The steps file whose steps this table covers (Cucumber's step definition uri). */
export const KUBERNETES_STEPS_FILE = 'steps/kubernetes_steps.ts';

/**
 * kubeNodeExecutorNeeds: a node reached through helper pods (src/kinds/kubernetes/node-pods/transport.ts): Jobs
 * created and deleted, their pods watched until they run, commands exec'd (the WebSocket upgrade is a GET, which
 * API servers before 1.31 authorise as `get`, later ones as `create`).
 */
export function kubeNodeExecutorNeeds(helperNamespace: string): KubeNeed[] {
  return [need('batch', 'jobs', ['create', 'delete'], helperNamespace), need('', 'pods', ['list', 'watch'], helperNamespace), need('', 'pods/exec', ['create', 'get'], helperNamespace)];
}
