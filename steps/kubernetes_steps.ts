/**
 * Kubernetes steps: faults on the cluster the environment's kubernetes: section names (src/kinds/kubernetes/), node
 * loss through the hosts kind (the node's kubelet stopped), and judgements on what the cluster's watches saw.
 * Workloads are named "<Kind> <namespace>/<name>", e.g. "the Kubernetes Deployment default/web".
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { stopService } from '../src/kinds/hosts/service/stop';
import { faultTarget } from '../src/kinds/hosts/target';
import { clusterApiClientFor, reachableClient } from '../src/kinds/kubernetes/clients';
import { remediatedWithin, reportRemediation } from '../src/kinds/kubernetes/capi/scenario';
import { kubeFaultContext, KubeFaultContext, requireNamespace } from '../src/kinds/kubernetes/fault-context';
import { cordonNode } from '../src/kinds/kubernetes/faults/cordon';
import { containerTarget, killContainer } from '../src/kinds/kubernetes/faults/container-kill';
import { drainNode, DrainReport } from '../src/kinds/kubernetes/faults/drain';
import { blockDisruptions } from '../src/kinds/kubernetes/setup/disruption-budget';
import { executorFor } from '../src/executors';
import { podNetworkTarget } from '../src/kinds/kubernetes/pod-network/target';
import { isolateNode } from '../src/kinds/hosts/network/isolate';
import { packetLoss } from '../src/kinds/hosts/network/packet-loss';
import { netemFault } from '../src/kinds/hosts/network/netem';
import type { FaultTarget } from '../src/kinds/hosts/target';
import { parseDuration } from '../src/kernel/duration';
import type { Fault } from '../src/core/fault';
import { pickSeeded } from '../src/kernel/random';
import type { KubeObject } from '../src/kinds/kubernetes/client/list';
import { deletePods } from '../src/kinds/kubernetes/faults/pod-delete';
import { scaleWorkload } from '../src/kinds/kubernetes/faults/scale';
import { taintNode, TaintEffect } from '../src/kinds/kubernetes/faults/taint';
import { availableAgainWithin, momentWithin, momentsSinceInjection, watchWorkload } from '../src/kinds/kubernetes/observe/scenario';
import { Pod, PodAmount, PodSelection, selectPods } from '../src/kinds/kubernetes/select/pods';
import { requireNodesInScope } from '../src/core/scope';
import { labelSelectorText, parseWorkloadRef, readWorkload } from '../src/kinds/kubernetes/select/workloads';
import { BadInput, HypothesisRefuted } from '../src/kernel/errors';
import type { ChaosWorld } from './world';

const context = (world: ChaosWorld): Promise<KubeFaultContext> => kubeFaultContext(world.experiment.env, world.experiment.meta.tags);

/** podDeletion: the plan-time part of deleting pods of a workload — namespace allowed, workload read, pods picked. */
async function podDeletion(world: ChaosWorld, kind: string, name: string, amount: PodAmount): Promise<{ ctx: KubeFaultContext; selection: PodSelection }> {
  const ref = parseWorkloadRef(kind, name);
  const what = `delete pods of ${kind} ${name}`;
  const ctx = await context(world);
  requireNamespace(ctx, ref.namespace, what);
  const workload = await readWorkload(ctx.client, ref);
  return { ctx, selection: await selectPods(ctx, ref.namespace, labelSelectorText(workload.spec?.selector), amount, world.scenario.seed, what) };
}

async function deleteWorkloadPods(world: ChaosWorld, kind: string, name: string, amount: PodAmount): Promise<void> {
  const { ctx, selection } = await podDeletion(world, kind, name, amount);
  if (world.scenario.planning) world.scenario.plan(`select ${selection.description}`);
  else world.scenario.say(`selected ${selection.description}`);
  await world.experiment.injectOneShot(deletePods(ctx.client, selection.pods, { selection: `${kind} ${name}` }));
}

/**
 * nodeOfAPod: the node that runs a seeded pick of the workload's running pods — "a node the workload runs on",
 * wherever earlier faults moved its pods. Remembered for "that node" in later steps.
 */
async function nodeOfAPod(world: ChaosWorld, kind: string, name: string): Promise<string> {
  const { selection } = await podDeletion(world, kind, name, { count: 1 });
  const node = selection.pods[0]?.spec?.nodeName;
  if (!node) throw new BadInput(`no running pod of ${kind} ${name} is on a node`, undefined, 'wait until the workload runs');
  world.scenario.say(`the node of pod ${selection.pods[0]?.metadata.name ?? '?'}: ${node}`);
  world.kubernetesNode = node;
  return node;
}

function thatNode(world: ChaosWorld): string {
  if (!world.kubernetesNode) throw new BadInput('"that node" needs a step before it that picks the node of a pod', undefined, 'write e.g. "When the node of a pod of the Kubernetes Deployment default/web loses its kubelet for 30s" first');
  return world.kubernetesNode;
}

async function drainFor(world: ChaosWorld, node: string, durationMs: number): Promise<void> {
  const drain = drainNode((await context(world)).client, node);
  world.scenario.scenarioState<{ report?: DrainReport }>('kubernetes-drain', () => ({})).report = drain.report;
  await world.experiment.injectFor(drain, durationMs);
}

async function taintFor(world: ChaosWorld, node: string, effect: string, durationMs: number): Promise<void> {
  if (effect !== 'NoExecute' && effect !== 'NoSchedule') throw new BadInput(`"${effect}" is not a taint effect scs-chaos puts on nodes`, undefined, 'write NoExecute (evicts pods) or NoSchedule');
  await world.experiment.injectFor(taintNode((await context(world)).client, node, effect as TaintEffect), durationMs);
}

// A refusal judged as a scenario: the plan-time checks of a pod deletion must refuse it (nothing is deleted either way).
Then('deleting {int} pod(s) of the Kubernetes {word} {word} is refused at plan time', async function (this: ChaosWorld, count: number, kind: string, name: string) {
  const refusal = await podDeletion(this, kind, name, { count }).then(
    () => null,
    (error: unknown) => (error instanceof BadInput ? error : Promise.reject(error)),
  );
  if (refusal === null) throw new HypothesisRefuted(`deleting ${count} pod(s) of ${kind} ${name} was not refused`);
  this.scenario.say(`refused: ${refusal.message}`);
});

Given('the Kubernetes {word} {word} is watched', async function (this: ChaosWorld, kind: string, name: string) {
  await watchWorkload(this.scenario, await reachableClient(this.experiment.env), parseWorkloadRef(kind, name));
});

When('the Kubernetes node {node} is cordoned for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(await cordonNode(await reachableClient(this.experiment.env), node), durationMs);
});

When('{int}% of the pods of the Kubernetes {word} {word} are deleted', async function (this: ChaosWorld, percent: number, kind: string, name: string) {
  await deleteWorkloadPods(this, kind, name, { percent });
});

When('{int} pod(s) of the Kubernetes {word} {word} is/are deleted', async function (this: ChaosWorld, count: number, kind: string, name: string) {
  await deleteWorkloadPods(this, kind, name, { count });
});

When('the Kubernetes node {node} is tainted {word} for {duration}', async function (this: ChaosWorld, node: string, effect: string, durationMs: number) {
  await taintFor(this, node, effect, durationMs);
});

When('the Kubernetes {word} {word} is scaled to {int} for {duration}', async function (this: ChaosWorld, kind: string, name: string, replicas: number, durationMs: number) {
  await this.experiment.injectFor(scaleWorkload(await context(this), parseWorkloadRef(kind, name), replicas), durationMs);
});

// Node loss through the hosts kind: the node's kubelet (the environment's "kubelet" service) stopped; its pods keep
// running until the control plane gives up on the node — what a hung or crashed node agent looks like.
When('the Kubernetes node {node} loses its kubelet for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(stopService(faultTarget(this.experiment.env, node, 'kubelet'), { restartAfterMs: durationMs }), durationMs);
});

Then('the Kubernetes node {node} is seen NotReady within {duration}', async function (this: ChaosWorld, node: string, boundMs: number) {
  await momentWithin(this.scenario, `node ${node} NotReady`, 'node-not-ready', `node ${node}`, boundMs);
});

Then('a replacement pod is Ready within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await momentWithin(this.scenario, 'a replacement pod Ready', 'pod-ready', undefined, boundMs);
});

Then('a container of the watched pods is restarted within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await momentWithin(this.scenario, 'a container restarted', 'pod-restarted', undefined, boundMs);
});

Then('every replica is available again within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await availableAgainWithin(this.scenario, 'every replica available again', boundMs);
});

Given('a PodDisruptionBudget allows no disruption of the Kubernetes {word} {word}', async function (this: ChaosWorld, kind: string, name: string) {
  await blockDisruptions(this.scenario, await context(this), parseWorkloadRef(kind, name));
});

When('the Kubernetes node {node} is drained for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await drainFor(this, node, durationMs);
});

When('a container of a pod of the Kubernetes {word} {word} is killed', async function (this: ChaosWorld, kind: string, name: string) {
  const { ctx, selection } = await podDeletion(this, kind, name, { count: 1 });
  const target = containerTarget(selection.pods[0] as Pod);
  const node = this.experiment.env.nodes.find((n) => n.name === target.node);
  if (!node) throw new BadInput(`pod ${target.pod.metadata.name} runs on Kubernetes node ${target.node}, which is not a node of environment ${this.experiment.env.name}`, { file: this.experiment.env.sourcePath }, 'list the node under nodes: (with its executor) so its container runtime can be reached');
  requireNodesInScope(this.experiment.env, [node.name], `kill a container on ${node.name}`);
  await this.experiment.injectOneShot(killContainer(ctx.client, target, executorFor(node.executor)));
});

Then('the drain was held back by a PodDisruptionBudget', function (this: ChaosWorld) {
  if (this.scenario.planning) return this.scenario.plan('judge: at least one eviction of the drain was refused (HTTP 429) by a PodDisruptionBudget');
  const report = this.scenario.scenarioState<{ report?: DrainReport }>('kubernetes-drain', () => ({})).report;
  if (!report) throw new BadInput('"the drain was held back" needs a drain earlier in the scenario', undefined, 'add "When the Kubernetes node <node> is drained for <duration>"');
  const refused = [...report.refused].map(([pod, n]) => `${pod} (429 ×${n})`);
  if (refused.length === 0) throw new HypothesisRefuted(`no eviction was refused: evicted ${report.evicted.join(', ') || 'none'}`, { evicted: report.evicted });
  this.scenario.say(`held back by a PodDisruptionBudget: ${refused.join(', ')}; evicted ${report.evicted.join(', ') || 'none'}`);
});

Then('no pod of the watched workload was deleted', function (this: ChaosWorld) {
  const deleted = momentsSinceInjection(this.scenario, 'no pod deleted', 'pod-deleted');
  if (deleted && deleted.length > 0) throw new HypothesisRefuted(`pods were deleted: ${deleted.map((m) => m.subject).join(', ')}`);
});

Then('Cluster API remediation of the Kubernetes node {node} is reported', async function (this: ChaosWorld, node: string) {
  await reportRemediation(this.scenario, await clusterApiClientFor(this.experiment.env), node);
});

Then('Cluster API remediates the Kubernetes node {node} within {duration}', async function (this: ChaosWorld, node: string, boundMs: number) {
  await remediatedWithin(this.scenario, await clusterApiClientFor(this.experiment.env), node, boundMs);
});

When('the node of a pod of the Kubernetes {word} {word} loses its kubelet for {duration}', async function (this: ChaosWorld, kind: string, name: string, durationMs: number) {
  const node = await nodeOfAPod(this, kind, name);
  await this.experiment.injectFor(stopService(faultTarget(this.experiment.env, node, 'kubelet'), { restartAfterMs: durationMs }), durationMs);
});

When('the node of a pod of the Kubernetes {word} {word} is drained for {duration}', async function (this: ChaosWorld, kind: string, name: string, durationMs: number) {
  await drainFor(this, await nodeOfAPod(this, kind, name), durationMs);
});

When('the node of a pod of the Kubernetes {word} {word} is tainted {word} for {duration}', async function (this: ChaosWorld, kind: string, name: string, effect: string, durationMs: number) {
  await taintFor(this, await nodeOfAPod(this, kind, name), effect, durationMs);
});

Then('that node is seen NotReady within {duration}', async function (this: ChaosWorld, boundMs: number) {
  const node = thatNode(this);
  await momentWithin(this.scenario, `node ${node} NotReady`, 'node-not-ready', `node ${node}`, boundMs);
});

Then('Cluster API remediation of that node is reported', async function (this: ChaosWorld) {
  await reportRemediation(this.scenario, await clusterApiClientFor(this.experiment.env), thatNode(this));
});

/**
 * podNetworkFault: a network fault of the hosts kind inside the network namespace of a seeded pick of the
 * workload's pods (src/kinds/kubernetes/pod-network/): same faults, same proofs, same revert markers and expiry.
 */
async function podNetworkFault(world: ChaosWorld, kind: string, name: string, durationMs: number, make: (target: FaultTarget) => Fault): Promise<void> {
  const { ctx, selection } = await podDeletion(world, kind, name, { count: 1 });
  const target = await podNetworkTarget(world.experiment.env, ctx.client, selection.pods[0] as Pod);
  world.scenario.say(`pod ${selection.pods[0]?.metadata.name ?? '?'} on ${target.host.name}: network namespace ${target.netns}`);
  if (!world.scenario.planning) {
    await target.writeNetnsRecord();
    world.scenario.atScenarioEnd(`remove the network namespace record of ${target.node.name}`, () => target.removeNetnsRecord());
  }
  // It harms the pod, not a node (its node's scope was checked when the target was made).
  const pod = selection.pods[0] as Pod;
  await world.experiment.injectFor({ ...make(target), harms: [{ unit: 'pod', name: `${pod.metadata.namespace ?? ''}/${pod.metadata.name}` }] }, durationMs);
}

When('a pod of the Kubernetes {word} {word} is isolated from the network for {duration}', async function (this: ChaosWorld, kind: string, name: string, durationMs: number) {
  await podNetworkFault(this, kind, name, durationMs, (target) => isolateNode(target));
});

When('a pod of the Kubernetes {word} {word} drops {percentage} of its outgoing packets for {duration}', async function (this: ChaosWorld, kind: string, name: string, percent: string, durationMs: number) {
  await podNetworkFault(this, kind, name, durationMs, (target) => packetLoss(target, { percent: Number(percent.replace(/%$/, '')), direction: 'egress' }));
});

When('a pod of the Kubernetes {word} {word} gets {word} of added latency with {word} jitter for {duration}', async function (this: ChaosWorld, kind: string, name: string, delay: string, jitter: string, durationMs: number) {
  await podNetworkFault(this, kind, name, durationMs, (target) => netemFault(target, { delayMs: parseDuration(delay), jitterMs: parseDuration(jitter) }));
});

/**
 * nodeByLabel: a seeded pick among the Kubernetes nodes a label selector matches (a role is the label
 * node-role.kubernetes.io/<role>), limited to the environment's scope; remembered as "that node".
 */
async function nodeByLabel(world: ChaosWorld, labelSelector: string): Promise<string> {
  const env = world.experiment.env;
  const ctx = await context(world);
  const matching = (await ctx.client.list<KubeObject>('/api/v1/nodes', { labelSelector }, { resource: 'nodes' })).items.map((n) => n.metadata.name).sort();
  const inScope = matching.filter((name) => env.scope.nodes.includes(name));
  if (inScope.length === 0) {
    throw new BadInput(`no Kubernetes node in scope matches "${labelSelector}" (matching: ${matching.join(', ') || 'none'}; scope: ${env.scope.nodes.join(', ')})`, { file: env.sourcePath }, `check the selector with kubectl get nodes -l '${labelSelector}'`);
  }
  const [node] = pickSeeded(inScope, 1, world.scenario.seed) as [string];
  const line = `Kubernetes nodes "${labelSelector}" in scope: ${inScope.join(', ')} → ${node} (seed ${world.scenario.seed})`;
  if (world.scenario.planning) world.scenario.plan(`select ${line}`);
  else world.scenario.say(`selected ${line}`);
  world.kubernetesNode = node;
  return node;
}

When(/^a Kubernetes node (?:labelled "([^"]+)"|with role ([\w.-]+)) (is cordoned|is drained|is tainted NoExecute|is tainted NoSchedule|loses its kubelet) for (\S+)$/, async function (this: ChaosWorld, label: string | undefined, role: string | undefined, action: string, duration: string) {
  const node = await nodeByLabel(this, label ?? `node-role.kubernetes.io/${role ?? ''}`);
  const durationMs = parseDuration(duration);
  if (action === 'is cordoned') await this.experiment.injectFor(await cordonNode((await context(this)).client, node), durationMs);
  else if (action === 'is drained') await drainFor(this, node, durationMs);
  else if (action === 'loses its kubelet') await this.experiment.injectFor(stopService(faultTarget(this.experiment.env, node, 'kubelet'), { restartAfterMs: durationMs }), durationMs);
  else await taintFor(this, node, action.replace('is tainted ', ''), durationMs);
});

Then("a watched pod's endpoint is taken out of its Service within {duration}", async function (this: ChaosWorld, boundMs: number) {
  await momentWithin(this.scenario, "a watched pod's endpoint not ready", 'endpoint-not-ready', undefined, boundMs);
});

/** Pods by namespace and label selector (no workload named): a seeded pick, with the same scope checks. */
async function deleteLabelledPods(world: ChaosWorld, namespace: string, labelSelector: string, amount: PodAmount): Promise<void> {
  const ctx = await context(world);
  const what = `delete pods labelled "${labelSelector}" in ${namespace}`;
  requireNamespace(ctx, namespace, what);
  const selection = await selectPods(ctx, namespace, labelSelector, amount, world.scenario.seed, what);
  if (world.scenario.planning) world.scenario.plan(`select ${selection.description}`);
  else world.scenario.say(`selected ${selection.description}`);
  await world.experiment.injectOneShot(deletePods(ctx.client, selection.pods, { selection: `labelled "${labelSelector}" in ${namespace}` }));
}

When('{int}% of the pods labelled {string} in the Kubernetes namespace {word} are deleted', async function (this: ChaosWorld, percent: number, labelSelector: string, namespace: string) {
  await deleteLabelledPods(this, namespace, labelSelector, { percent });
});

When('{int} pod(s) labelled {string} in the Kubernetes namespace {word} is/are deleted', async function (this: ChaosWorld, count: number, labelSelector: string, namespace: string) {
  await deleteLabelledPods(this, namespace, labelSelector, { count });
});
