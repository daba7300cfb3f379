/**
 * The Kubernetes client layer against a real kube-apiserver and etcd on 127.0.0.1 (test/support/kube-apiserver.ts,
 * binaries from the lab's build cache): kubeconfig and context errors, pagination, a watch that sees every change,
 * resumes, and lists again after 410 Gone, and an RBAC denial that names the missing permission.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../..';
import { BadInput } from '../../../kernel/errors';
import { parseEnvironment } from '../../../environment/load';
import { missingApiServer, startApiServer, TestApiServer } from '../../../../test/support/kube-apiserver';
import { waitUntil } from '../../../../test/support/wait-until';
import { KubeClient } from './client';
import { KubeApiError } from './errors';
import type { KubeObject } from './list';

const skip = missingApiServer();

function environment(kubeconfig: string, context?: string): ReturnType<typeof parseEnvironment> {
  const yaml = ['name: k8s-test', 'nodes: []', 'services: {}', 'scope: { nodes: [] }', 'kubernetes:', `  kubeconfig: ${kubeconfig}`, ...(context ? [`  context: ${context}`] : []), '  namespaces: [chaos]', '  requestTimeout: 5s', ''].join('\n');
  return parseEnvironment(yaml, '/envs/k8s-test.yaml');
}

const configMap = (name: string, value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'chaos', labels: { app: 'scs-chaos-test' } }, data: { value } });

describe('Kubernetes client layer against a real API server', { skip: skip ?? false }, () => {
  let server: TestApiServer;
  let client: KubeClient;
  before(async () => {
    server = await startApiServer();
    client = await KubeClient.connect(environment(server.kubeconfig));
    await client.send({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaos' } }, subject: { verb: 'create', resource: 'namespaces' } });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('names the kubeconfig and the contexts it has when the context is wrong, and a missing file', async () => {
    await assert.rejects(KubeClient.connect(environment(server.kubeconfig, 'prod')), (error: unknown) => error instanceof BadInput && /has no context "prod"/.test(error.message) && /admin, nobody/.test(error.hint ?? ''));
    await assert.rejects(KubeClient.connect(environment(join(server.dir, 'nope'))), (error: unknown) => error instanceof BadInput && /cannot read the kubeconfig .*nope/.test(error.message));
    assert.match((await client.version()).gitVersion, /^v1\.34\./);
  });

  it('lists in pages with continue tokens and returns the resourceVersion to watch from', async () => {
    for (let i = 0; i < 25; i++) await client.send({ method: 'POST', path: '/api/v1/namespaces/chaos/configmaps', body: configMap(`page-${String(i).padStart(2, '0')}`, String(i)), subject: { verb: 'create', resource: 'configmaps', namespace: 'chaos' } });
    const listed = await client.list('/api/v1/namespaces/chaos/configmaps', { labelSelector: 'app=scs-chaos-test' }, { resource: 'configmaps', namespace: 'chaos' }, 10);
    assert.equal(listed.items.length, 25);
    assert.equal(listed.pages, 3);
    assert.deepEqual(new Set(listed.items.map((i) => i.metadata.name)).size, 25);
    assert.match(listed.resourceVersion, /^\d+$/);
  });

  it('watches every change, resumes when the server ends the stream, and lists again after 410 Gone', async () => {
    const seen: string[] = [];
    let syncs = 0;
    const watch = client.watch<KubeObject>({
      path: '/api/v1/namespaces/chaos/configmaps',
      query: { labelSelector: 'app=watched' },
      subject: { resource: 'configmaps', namespace: 'chaos' },
      timeoutSeconds: 1,
      onSync: () => void syncs++,
      onEvent: (type, object) => seen.push(`${type} ${object.metadata.name}`),
    });
    await watch.ready;
    const create = (name: string): Promise<unknown> => client.send({ method: 'POST', path: '/api/v1/namespaces/chaos/configmaps', body: { ...configMap(name, 'x'), metadata: { name, namespace: 'chaos', labels: { app: 'watched' } } }, subject: { verb: 'create', resource: 'configmaps', namespace: 'chaos' } });
    await create('w-1');
    assert.equal(await waitUntil(() => seen.includes('ADDED w-1'), 5000), true, seen.join(', '));
    assert.equal(await waitUntil(() => watch.resumes >= 1, 5000), true, 'the server ended a 1 s watch and it was resumed');
    await create('w-2');
    assert.equal(await waitUntil(() => seen.includes('ADDED w-2'), 5000), true, 'a change after the resume is seen');
    await watch.stop();

    // A resourceVersion from before many writes, compacted away by etcd (compaction every second): 410 Gone.
    const old = watch.resourceVersion;
    for (let i = 0; i < 5; i++) await client.send({ method: 'PATCH', path: '/api/v1/namespaces/chaos/configmaps/page-00', patchType: 'merge', body: { data: { value: `v${i}` } }, subject: { verb: 'patch', resource: 'configmaps', namespace: 'chaos' } });
    await new Promise((r) => setTimeout(r, 2500));
    let resynced = 0;
    const again = client.watch<KubeObject>({ path: '/api/v1/namespaces/chaos/configmaps', query: { labelSelector: 'app=watched' }, subject: { resource: 'configmaps', namespace: 'chaos' }, onSync: () => void resynced++, onEvent: () => undefined });
    await again.ready;
    await again.stop();
    const gone = await client.list('/api/v1/namespaces/chaos/configmaps', { labelSelector: 'app=watched', resourceVersion: old, resourceVersionMatch: 'Exact' }, { resource: 'configmaps', namespace: 'chaos' }).then(() => null, (error: unknown) => error);
    assert.ok(gone instanceof KubeApiError && gone.gone, `an exact list at the old resourceVersion is 410 Gone (${String(gone)})`);
    // The watch's own recovery: resumed at the expired version, it is told 410 Gone and lists again by itself.
    const recovering = client.watch<KubeObject>({ path: '/api/v1/namespaces/chaos/configmaps', query: { labelSelector: 'app=watched' }, subject: { resource: 'configmaps', namespace: 'chaos' }, startAt: old, onSync: () => void resynced++, onEvent: () => undefined });
    await recovering.ready;
    assert.equal(recovering.relists, 1, 'the expired watch listed again');
    await recovering.stop();
    assert.ok(resynced >= 2);
    assert.equal(syncs, 1, 'the first watch needed one list only');
  });

  it('says which permission an RBAC denial lacks, naming the cluster, verb and resource', async () => {
    const nobody = await KubeClient.connect(environment(server.kubeconfig, 'nobody'));
    try {
      const denied = await nobody.list('/api/v1/namespaces/chaos/pods', {}, { resource: 'pods', namespace: 'chaos' }).then(() => null, (error: unknown) => error);
      assert.ok(denied instanceof KubeApiError, String(denied));
      assert.equal(denied.status, 403);
      assert.match(denied.message, /^cluster test-cluster: list pods in namespace chaos: HTTP 403 Forbidden: user nobody may not list pods in namespace chaos \(RBAC\)\. Grant it a Role with the rule \{ apiGroups: \[""\], resources: \["pods"\], verbs: \["list"\] \}/);
    } finally {
      nobody.close();
    }
  });

  it('names the cluster and the server when nothing answers', async () => {
    const dead = join(server.dir, 'dead.kubeconfig');
    writeFileSync(dead, ['apiVersion: v1', 'kind: Config', 'current-context: x', 'clusters:', '- name: gone', '  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }', 'users:', '- name: u', '  user: { token: t }', 'contexts:', '- name: x', '  context: { cluster: gone, user: u }', ''].join('\n'));
    const unreachable = await KubeClient.connect(environment(dead));
    try {
      await assert.rejects(unreachable.version(), /^KubeUnreachable: cluster gone \(https:\/\/127\.0\.0\.1:1\) did not answer get version: .*ECONNREFUSED/);
    } finally {
      unreachable.close();
    }
  });
});
