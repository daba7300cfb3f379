/**
 * The Kubernetes faults against a real API server and etcd on 127.0.0.1 (test/support/kube-apiserver.ts): each
 * fault's observed-check passes when the change is made and its undo restores the object; and in front of a
 * neutered API that answers every change but makes none (a test double, test/support/neutered-api-server.ts)
 * the same fault's observed-check throws ExperimentCompromised — an answered call is never taken for a fault.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import '../..';
import { ExperimentCompromised } from '../../../kernel/errors';
import { parseEnvironment } from '../../../environment/load';
import type { Fault } from '../../../core/fault';
import { missingApiServer, startApiServer, TestApiServer } from '../../../../test/support/kube-apiserver';
import { NeuteredApi, startNeuteredApi } from '../../../../test/support/neutered-api-server';
import { KubeClient } from '../client/client';
import type { KubeFaultContext } from '../fault-context';
import { KubeRecipe, replayRecipe } from '../recipe';
import type { Pod } from '../select/pods';
import type { Workload } from '../select/workloads';
import type { TaintedNode } from '../taints';
import { cordonNode } from './cordon';
import { deletePods } from './pod-delete';
import { scaleWorkload } from './scale';
import { taintNode } from './taint';

const skip = missingApiServer();

function environment(kubeconfig: string): ReturnType<typeof parseEnvironment> {
  return parseEnvironment(['name: k8s-faults', 'nodes: []', 'services: {}', 'scope: { nodes: [] }', 'kubernetes:', `  kubeconfig: ${kubeconfig}`, '  namespaces: [chaos]', '  requestTimeout: 5s', ''].join('\n'), '/envs/k8s-faults.yaml');
}

const WEB = { kind: 'Deployment' as const, namespace: 'chaos', name: 'web' };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('Kubernetes faults: observed when made, compromised when the API only pretends', { skip: skip ?? false }, () => {
  let server: TestApiServer;
  let neutered: NeuteredApi;
  let real: KubeClient;
  let fake: KubeClient;
  const contextOf = (client: KubeClient): KubeFaultContext => ({ env: environment(server.kubeconfig), client, destructive: false });
  const create = (path: string, body: unknown, resource: string): Promise<unknown> => real.send({ method: 'POST', path, body, subject: { verb: 'create', resource } });
  const pod = (name: string): Promise<Pod> => create('/api/v1/namespaces/chaos/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'chaos', labels: { app: 'web' } }, spec: template.spec }, 'pods') as Promise<Pod>;

  before(async () => {
    server = await startApiServer();
    neutered = await startNeuteredApi(server);
    real = await KubeClient.connect(environment(server.kubeconfig));
    fake = await KubeClient.connect(environment(neutered.kubeconfig));
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaos' } }, 'namespaces');
    await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' } }, 'nodes');
    await create('/apis/apps/v1/namespaces/chaos/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'chaos' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template } }, 'deployments');
  });
  after(async () => {
    real?.close();
    fake?.close();
    await neutered?.stop();
    await server?.stop();
  });

  /** inject: prepare, apply and the observed-check; returns the evidence and the undo. */
  const inject = async (fault: Fault): Promise<{ evidence: unknown; revert: KubeRecipe | null; verifyReverted: () => Promise<void> }> => {
    const prepared = await fault.prepare('0badc0de');
    await prepared.apply();
    return { evidence: await prepared.verifyActive(), revert: prepared.revert as KubeRecipe | null, verifyReverted: () => prepared.verifyReverted() };
  };
  const compromised = (error: unknown): boolean => error instanceof ExperimentCompromised;

  it('cordon: node read back unschedulable, undone by its recipe; compromised behind the neutered API', async () => {
    await assert.rejects(inject(await cordonNode(fake, 'worker-1')), compromised);
    const done = await inject(await cordonNode(real, 'worker-1'));
    assert.match(String(done.evidence), /spec\.unschedulable=true/);
    await replayRecipe(done.revert as KubeRecipe);
    await done.verifyReverted();
  });

  it('taint: our NoExecute taint read back, removed alone by its recipe; compromised behind the neutered API', async () => {
    await assert.rejects(inject(taintNode(fake, 'worker-1', 'NoExecute')), compromised);
    const done = await inject(taintNode(real, 'worker-1', 'NoExecute'));
    assert.match(String(done.evidence), /scs-chaos\/injection=0badc0de:NoExecute/);
    // A taint someone else adds meanwhile (the node lifecycle controller does) survives the undo.
    const node = await real.get<TaintedNode>('/api/v1/nodes/worker-1', { resource: 'nodes', name: 'worker-1' });
    await real.send({ method: 'PATCH', path: '/api/v1/nodes/worker-1', patchType: 'merge', body: { spec: { taints: [...(node.spec?.taints ?? []), { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] } }, subject: { verb: 'patch', resource: 'nodes' } });
    await replayRecipe(done.revert as KubeRecipe);
    await done.verifyReverted();
    const after = await real.get<TaintedNode>('/api/v1/nodes/worker-1', { resource: 'nodes', name: 'worker-1' });
    const keys = after.spec?.taints?.map((t) => t.key) ?? [];
    assert.ok(keys.includes('node.kubernetes.io/unreachable') && !keys.includes('scs-chaos/injection'), keys.join(', '));
  });

  it('scale: replicas read back, scaled back by its recipe; compromised behind the neutered API', async () => {
    await assert.rejects(inject(scaleWorkload(contextOf(fake), WEB, 1)), compromised);
    const done = await inject(scaleWorkload(contextOf(real), WEB, 1));
    assert.match(String(done.evidence), /spec\.replicas=1 \(was 3/);
    await replayRecipe(done.revert as KubeRecipe);
    await done.verifyReverted();
    assert.equal((await real.get<Workload>('/apis/apps/v1/namespaces/chaos/deployments/web', { resource: 'deployments' })).spec?.replicas, 3);
  });

  it('scale: to 0 (every replica) is refused without @destructive', () => {
    return assert.rejects(scaleWorkload(contextOf(real), WEB, 0).planCheck?.() ?? Promise.resolve(), /would take all 3 of them/);
  });

  it('pod delete: pods gone or terminating; compromised behind the neutered API', async () => {
    const [a, b] = [await pod('victim-a'), await pod('victim-b')];
    await assert.rejects(inject(deletePods(fake, [a], { selection: 'test' })), compromised);
    const done = await inject(deletePods(real, [a, b], { selection: 'test' }));
    assert.match(String(done.evidence), /victim-a (gone|terminating)/);
    assert.equal(done.revert, null, 'one-shot');
    assert.ok(neutered.swallowed.some((line) => line.startsWith('DELETE /api/v1/namespaces/chaos/pods/victim-a')), neutered.swallowed.join('\n'));
  });
});
