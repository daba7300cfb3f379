/**
 * The shard pods' environment: the lab's kube-node environment as the pods get it (every kubeconfig in-cluster, no
 * context, no lab section, the shard's share of maxNodesAtOnce, comments kept), read back by the real loader; and
 * what a pod cannot use refused with the file, line and fix.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import '../../../kinds';
import { BadInput } from '../../../kernel/errors';
import { loadEnvironment } from '../../../environment/load';
import { REPO_ROOT } from '../../../../test/support/scs-chaos-cli';
import { podEnvironment } from './pod-environment';

const KUBE_NODE_ENV = join(REPO_ROOT, 'experiments', 'environments', 'lab-kube-node.yaml');

function refused(text: string, message: RegExp, line: number): void {
  assert.throws(
    () => podEnvironment({ file: 'env.yaml', text, maxNodesPerShard: 1 }),
    (error: unknown) => error instanceof BadInput && message.test(error.message) && error.location?.file === 'env.yaml' && error.location.line === line && /fix: /.test(error.message),
  );
}

describe('podEnvironment', () => {
  it('turns the lab kube-node environment into the pods\': in-cluster, no lab, the shard\'s share; the loader accepts it', () => {
    const text = podEnvironment({ file: KUBE_NODE_ENV, text: readFileSync(KUBE_NODE_ENV, 'utf8').replace('maxNodesAtOnce: 1', 'maxNodesAtOnce: 3'), maxNodesPerShard: 2 });
    const data = parse(text) as { lab?: unknown; kubernetes: { kubeconfig: string; context?: string }; nodes: { executor: { kubeconfig?: string } }[]; scope: { maxNodesAtOnce: number } };
    assert.equal(data.lab, undefined);
    assert.equal(data.kubernetes.kubeconfig, 'in-cluster');
    assert.ok(data.nodes.every((node) => node.executor.kubeconfig === 'in-cluster'));
    assert.equal(data.scope.maxNodesAtOnce, 2);
    assert.match(text, /# The built-in lab's Kubernetes nodes reached like real cluster nodes/, 'comments are kept for the person reading the ConfigMap');
    const dir = mkdtempSync(join(tmpdir(), 'pod-env-'));
    try {
      writeFileSync(join(dir, 'environment.yaml'), text);
      const env = loadEnvironment(join(dir, 'environment.yaml'));
      assert.equal(env.sections.kubernetes?.kubeconfig, 'in-cluster');
      assert.equal(env.lab, undefined);
      assert.equal(env.scope.maxNodesAtOnce, 2);
      assert.deepEqual(env.nodes.map((n) => n.executor.kind), ['kube-node', 'kube-node', 'kube-node']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops contexts: an in-cluster identity has none', () => {
    const text = podEnvironment({ file: 'e.yaml', text: 'name: x\nkubernetes:\n  kubeconfig: ~/.kube/config\n  context: prod\nnodes:\n  - name: n1\n    address: 10.0.0.1\n    executor: {kind: kube-node, image: i, context: prod}\n', maxNodesPerShard: 1 });
    assert.doesNotMatch(text, /context/);
    assert.match(text, /executor: \{ kind: kube-node, image: i, kubeconfig: in-cluster \}/);
  });

  it('refuses a node a pod cannot reach, a management cluster of its own and ${env:} secrets, at their lines', () => {
    refused('name: x\nnodes:\n  - name: n1\n    address: 10.0.0.1\n    executor: {kind: ssh, host: 10.0.0.1}\n', /node n1: its executor is "ssh", which a shard pod cannot use/, 5);
    refused('name: x\nnodes:\n  - name: n1\n    address: 10.0.0.1\n', /node n1: its executor is not given/, 3);
    refused('name: x\nkubernetes:\n  kubeconfig: a\n  clusterApi:\n    kubeconfig: mgmt.yaml\n', /management cluster of its own/, 5);
    refused('name: x\nservices:\n  web:\n    endpoint: "https://u:${env:WEB_PASSWORD}@h/"\n', /\$\{env:WEB_PASSWORD\}: a secret .* cannot reach the shard pods/, 4);
  });
});
