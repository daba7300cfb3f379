/**
 * deriveNeeds and rbacManifest without Cucumber: the kube-node executor's rules appear exactly when a node is
 * reached through helper pods, the Cluster API rules go to a ClusterRole of their own when the Machines live in a
 * management cluster, and a step whose needs are not declared is a bug, not bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import '../..';
import { loadEnvironment } from '../../../environment/load';
import type { Environment, ExecutorSpec } from '../../../model/environment';
import { deriveNeeds, MatchedStep } from './derive';
import { rbacManifest } from './manifest';

const LAB = join(__dirname, '..', '..', '..', '..', 'experiments', 'environments', 'lab.yaml');

const step = (text: string, pattern: string, args: string[]): MatchedStep => ({ scenario: { id: 'features/x.feature:3', name: 'x' }, text, pattern, definedIn: 'steps/kubernetes_steps.ts', args });
const REMEDIATION = step('Then Cluster API remediation of the Kubernetes node node-2 is reported', 'Cluster API remediation of the Kubernetes node {node} is reported', ['node-2']);

function manifestOf(env: Environment, steps: MatchedStep[], separateManagementCluster = false): { kind: string; metadata: { name: string; namespace?: string }; rules?: { resources: string[]; verbs: string[] }[] }[] {
  const text = rbacManifest(deriveNeeds(env, steps, 'chaos-helpers'), { helperNamespace: 'chaos-helpers', serviceAccount: 'runner', separateManagementCluster, header: ['test'] });
  return parseAllDocuments(text as string).map((d) => d.toJS());
}

const kubeNode = (namespace: string): ExecutorSpec => ({ kind: 'kube-node', node: 'node-2', namespace, image: 'scs-chaos:1', kubeletPort: 10250, hostProcess: '1' });

describe('deriveNeeds', () => {
  it('adds the kube-node executor rules in the helper namespace only when a node uses that executor', () => {
    const env = loadEnvironment(LAB);
    assert.ok(!manifestOf(env, []).some((d) => d.metadata.namespace === 'chaos-helpers' && d.kind === 'Role'));
    (env.nodes[1] as { executor: ExecutorSpec }).executor = kubeNode('chaos-helpers');
    const role = manifestOf(env, []).find((d) => d.kind === 'Role' && d.metadata.namespace === 'chaos-helpers');
    assert.deepEqual(role?.rules?.map((r) => `${r.resources.join()}: ${r.verbs.join(' ')}`), ['pods: list watch', 'pods/exec: get create', 'jobs: create delete']);
  });

  it('grants the helper rules in the namespace each kube-node executor names', () => {
    const env = loadEnvironment(LAB);
    (env.nodes[0] as { executor: ExecutorSpec }).executor = kubeNode('node-helpers');
    const documents = manifestOf(env, []);
    assert.ok(documents.some((d) => d.kind === 'Role' && d.metadata.namespace === 'node-helpers' && d.rules?.some((r) => r.resources.includes('pods/exec'))));
    assert.ok(!documents.some((d) => d.kind === 'Role' && d.metadata.namespace === 'chaos-helpers' && d.rules?.some((r) => r.resources.includes('pods/exec'))));
  });

  it('also through nsenter via a kube-node executor', () => {
    const env = loadEnvironment(LAB);
    (env.nodes[0] as { executor: ExecutorSpec }).executor = { kind: 'nsenter', netns: '/proc/1/ns/net', via: kubeNode('chaos-helpers') };
    assert.ok(manifestOf(env, []).some((d) => d.kind === 'Role' && d.metadata.namespace === 'chaos-helpers'));
  });

  it('puts the Cluster API rules into a ClusterRole of their own, unbound, when the management cluster is another one', () => {
    const env = loadEnvironment(LAB);
    const same = manifestOf(env, [REMEDIATION]);
    assert.ok(same.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'runner')?.rules?.some((r) => r.resources.includes('machines')));
    const separate = manifestOf(env, [REMEDIATION], true);
    assert.ok(!separate.find((d) => d.metadata.name === 'runner' && d.kind === 'ClusterRole')?.rules?.some((r) => r.resources.includes('machines')));
    const capi = separate.find((d) => d.metadata.name === 'runner-cluster-api');
    assert.equal(capi?.kind, 'ClusterRole');
    assert.ok(!separate.some((d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'runner-cluster-api'));
  });

  it('a Kubernetes step without declared needs is an internal error naming the table', () => {
    assert.throws(() => deriveNeeds(loadEnvironment(LAB), [step('When a new thing', 'a new {word} step', ['x'])], 'h'), (e: unknown) => !(e as Error).constructor.name.includes('BadInput') && /no RBAC needs are declared for the step "a new \{word\} step".*STEP_NEEDS/.test((e as Error).message));
  });

  it('steps of other files need nothing of the cluster; the preflight still lists', () => {
    const env = loadEnvironment(LAB);
    const docs = manifestOf(env, [{ ...step('When node-1 is isolated from the network for 4s', '{node} is isolated from the network for {duration}', ['node-1', '4s']), definedIn: 'steps/network_steps.ts' }]);
    const all = docs.flatMap((d) => d.rules ?? []);
    assert.ok(all.every((r) => r.verbs.every((v) => v === 'list')), JSON.stringify(all));
  });
});
