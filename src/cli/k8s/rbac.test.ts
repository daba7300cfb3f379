/**
 * `scs-chaos k8s rbac` as a user runs it: the YAML for features/kubernetes against the lab environment (no cluster
 * running: the derivation is a dry run) parsed and its rules checked — least privilege, nothing in kube-system, a
 * reason above every rule — and bad input refused with exit 2 and a fix. Also: every step of
 * steps/kubernetes_steps.ts has its needs declared in STEP_NEEDS, and every entry there names a real step.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '@cucumber/cucumber/api';
import { parseAllDocuments } from 'yaml';
import { KUBERNETES_STEPS_FILE, STEP_NEEDS } from '../../kinds/kubernetes/rbac/step-needs';
import { supportFor } from '../run';
import { REPO_ROOT as ROOT, runScsChaos as scsChaos } from '../../../test/support/scs-chaos-cli';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  subjects?: { kind: string; name: string; namespace: string }[];
  roleRef?: { kind: string; name: string };
}

const verbsOf = (doc: Manifest | undefined, group: string, resource: string): string[] | undefined =>
  doc?.rules?.find((r) => r.apiGroups.includes(group) && r.resources.includes(resource))?.verbs;

describe('k8s rbac for features/kubernetes against the lab environment (no cluster running)', () => {
  let docs: Manifest[] = [];
  let text = '';
  before(async () => {
    const ran = await scsChaos(['k8s', 'rbac', 'features/kubernetes']);
    assert.equal(ran.code, 0, ran.stderr);
    text = ran.stdout;
    const parsed = parseAllDocuments(text);
    assert.ok(Array.isArray(parsed));
    for (const doc of parsed) assert.deepEqual(doc.errors, []);
    docs = parsed.map((doc) => doc.toJS() as Manifest);
  });

  it('is a ServiceAccount in scs-chaos, a Role and RoleBinding in default, a ClusterRole and its binding', () => {
    assert.deepEqual(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? '-'}/${d.metadata.name}`), [
      'ServiceAccount scs-chaos/scs-chaos-runner',
      'Role default/scs-chaos-runner',
      'RoleBinding default/scs-chaos-runner',
      'ClusterRole -/scs-chaos-runner',
      'ClusterRoleBinding -/scs-chaos-runner',
    ]);
    for (const binding of docs.filter((d) => d.kind.endsWith('Binding'))) assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'scs-chaos-runner', namespace: 'scs-chaos' }]);
  });

  it('grants what the faults and watches call, and nothing more', () => {
    const role = docs.find((d) => d.kind === 'Role');
    const cluster = docs.find((d) => d.kind === 'ClusterRole');
    assert.deepEqual(verbsOf(role, '', 'pods'), ['get', 'list', 'watch', 'delete']);
    assert.deepEqual(verbsOf(role, '', 'pods/eviction'), ['create']);
    assert.deepEqual(verbsOf(role, 'apps', 'deployments'), ['get', 'list', 'watch', 'patch']);
    assert.deepEqual(verbsOf(role, 'apps', 'deployments/scale'), ['patch']);
    assert.deepEqual(verbsOf(role, 'apps', 'statefulsets'), ['list'], 'the preflight lists labelled StatefulSets');
    assert.deepEqual(verbsOf(role, 'policy', 'poddisruptionbudgets'), ['list', 'watch', 'create', 'delete']);
    assert.deepEqual(verbsOf(role, 'discovery.k8s.io', 'endpointslices'), ['list', 'watch']);
    assert.deepEqual(verbsOf(role, '', 'events'), ['list', 'watch']);
    assert.deepEqual(verbsOf(cluster, '', 'nodes'), ['get', 'list', 'watch', 'patch']);
    assert.deepEqual(verbsOf(cluster, 'cluster.x-k8s.io', 'machines'), ['list', 'watch'], 'the lab has no separate management cluster');
    assert.deepEqual(verbsOf(cluster, 'cluster.x-k8s.io', 'machinehealthchecks'), ['list']);
    const all = docs.flatMap((d) => d.rules ?? []);
    assert.equal(all.length, 11);
    for (const rule of all) {
      for (const word of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) assert.notEqual(word, '*', 'no wildcard');
      assert.equal(rule.resources.length, 1);
    }
    assert.ok(!all.some((r) => r.resources.includes('secrets') || r.resources.includes('pods/exec')), 'no secrets, no exec without a kube-node executor');
    assert.ok(!docs.some((d) => d.metadata.namespace === 'kube-system'), 'the refused kube-system scenario asks for nothing');
  });

  it('names the scenario and step above every rule', () => {
    const comments = text.split('\n').filter((l) => l.trim().startsWith('# needed by'));
    assert.ok(comments.length >= 11);
    assert.match(text, /# needed by features\/kubernetes\/scale\.feature:6: When the Kubernetes Deployment default\/web is scaled to 1 for 8s\n {2}- apiGroups: \[apps\]\n {4}resources: \[deployments\/scale\]/);
    assert.match(text, /# needed by features\/kubernetes\/drain\.feature:7: When the node of a pod of the Kubernetes Deployment default\/web is drained for 6s\n/);
    assert.match(text, /# needed by the preflight of every run/);
  });
});

describe('k8s rbac refuses bad input with exit 2 and a fix', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-rbac-'));
    writeFileSync(join(dir, 'other.feature'), ['Feature: f', '  Scenario: pods in a namespace faults may not touch', '    When 1 pod of the Kubernetes Deployment other/web is deleted', ''].join('\n'));
    writeFileSync(join(dir, 'no-k8s.yaml'), ['name: no-k8s', 'nodes:', '  - { name: n-1, address: 127.0.0.1, roles: [web], executor: { kind: local } }', 'services:',
      '  web: { roles: [web], port: 9, endpoint: "http://127.0.0.1:9/" }', 'scope:', '  nodes: [n-1]', '  maxNodesAtOnce: 1', ''].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a write in a namespace outside kubernetes.namespaces', async () => {
    const ran = await scsChaos(['k8s', 'rbac', join(dir, 'other.feature')]);
    assert.equal(ran.code, 2, ran.stderr);
    assert.match(ran.stderr, /would change pods in namespace other, which is not in kubernetes\.namespaces of environment lab/);
    assert.match(ran.stderr, /fix: add other to kubernetes\.namespaces/);
    assert.equal(ran.stdout, '');
  });

  it('Kubernetes steps against an environment without a kubernetes: section', async () => {
    const ran = await scsChaos(['k8s', 'rbac', '--env', join(dir, 'no-k8s.yaml'), 'features/kubernetes/scale.feature']);
    assert.equal(ran.code, 2, ran.stderr);
    assert.match(ran.stderr, /environment no-k8s has no kubernetes: section/);
    assert.match(ran.stderr, /fix: /);
  });

  it('a bad --namespace, a missing path, an unknown subcommand', async () => {
    const bad = await scsChaos(['k8s', 'rbac', '--namespace', 'Not_A_Name', 'features/kubernetes']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--namespace Not_A_Name is not a namespace name[\s\S]*fix: /);
    const missing = await scsChaos(['k8s', 'rbac', 'features/nope']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /features\/nope does not exist/);
    const unknown = await scsChaos(['k8s', 'launch']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown k8s subcommand "launch"[\s\S]*fix: use one of: k8s shards, k8s rbac, k8s merge/);
  });
});

describe('STEP_NEEDS covers steps/kubernetes_steps.ts exactly', () => {
  it('every step defined there has an entry, and every entry is a step defined there', async () => {
    const { runConfiguration } = await loadConfiguration({ profiles: ['default'] }, { cwd: ROOT });
    const support = await supportFor(runConfiguration);
    // The API's ISupportCodeLibrary is opaque; the library it hands back holds the step definitions with their file and pattern.
    const { stepDefinitions } = support as unknown as { stepDefinitions: { uri: string; pattern: string | RegExp }[] };
    const patterns = stepDefinitions
      .filter((d) => d.uri === KUBERNETES_STEPS_FILE || d.uri.endsWith(`/${KUBERNETES_STEPS_FILE}`))
      .map((d) => (typeof d.pattern === 'string' ? d.pattern : d.pattern.source));
    assert.ok(patterns.length >= 30, `${patterns.length} Kubernetes steps found`);
    assert.deepEqual(patterns.filter((p) => !STEP_NEEDS.has(p)), [], 'steps without declared needs');
    assert.deepEqual([...STEP_NEEDS.keys()].filter((p) => !patterns.includes(p)), [], 'entries without a step');
  });
});
