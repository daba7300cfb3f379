/**
 * Cluster API awareness against a real API server (test/support/kube-apiserver.ts) with the Cluster API CRDs of the
 * lab's build cache: no CRDs → "no Cluster API"; a node without a Machine → "no Machine"; a Machine no health check
 * covers → "no remediation configured"; a covering MachineHealthCheck → "configured", with the Machine's own
 * condition stamps (marked unhealthy, remediation asked) and its deletionTimestamp read back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import '../..';
import { parseEnvironment } from '../../../environment/load';
import { missingApiServer, startApiServer, TestApiServer } from '../../../../test/support/kube-apiserver';
import { waitUntil } from '../../../../test/support/wait-until';
import { kubernetesCache, kubernetesVersions, CLUSTER_API_CRDS } from '../../../../lab/kubernetes/settings';
import { KubeClient } from '../client/client';
import { labelsMatch } from '../select/label-match';
import { remediationOf } from './remediation';

const versions = kubernetesVersions();
const crdDir = join(kubernetesCache(versions.kubernetes).crds, `cluster-api-${versions.clusterApi}`);
const skip = missingApiServer() ?? (existsSync(join(crdDir, CLUSTER_API_CRDS[0] as string)) ? null : `no Cluster API CRDs in ${crdDir} (bash lab/kubernetes/build.sh)`);
const CAPI = '/apis/cluster.x-k8s.io/v1beta1/namespaces/chaos';

describe('labelsMatch', () => {
  it('matches labels and expressions like the API server', () => {
    const labels = { role: 'worker', zone: 'a' };
    assert.equal(labelsMatch({ matchLabels: { role: 'worker' } }, labels), true);
    assert.equal(labelsMatch({ matchLabels: { role: 'control' } }, labels), false);
    assert.equal(labelsMatch({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }, labels), true);
    assert.equal(labelsMatch({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels), false);
    assert.equal(labelsMatch({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels), true);
    assert.equal(labelsMatch({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels), false);
    assert.equal(labelsMatch(undefined, labels), false, 'no selector selects nothing');
  });
});

describe('Cluster API remediation report against a real API server', { skip: skip ?? false }, () => {
  let server: TestApiServer;
  let client: KubeClient;
  const send = (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, patchType?: 'merge'): Promise<unknown> =>
    client.send({ method, path, ...(body === undefined ? {} : { body }), ...(patchType ? { patchType } : {}), subject: { verb: 'create', resource: path } });
  before(async () => {
    server = await startApiServer();
    const env = parseEnvironment(['name: capi-test', 'nodes: []', 'services: {}', 'scope: { nodes: [] }', 'kubernetes:', `  kubeconfig: ${server.kubeconfig}`, '  namespaces: [chaos]', ''].join('\n'), '/envs/capi.yaml');
    client = await KubeClient.connect(env);
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('says so when the cluster has no Cluster API', async () => {
    assert.equal((await remediationOf(client, 'worker-1')).state, 'no-cluster-api');
  });

  it('tells a node without a Machine, a Machine without a health check, and a covered Machine apart', async () => {
    for (const file of CLUSTER_API_CRDS) await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', parse(readFileSync(join(crdDir, file), 'utf8')));
    await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaos' } });
    await waitUntil(async () => (await client.list(`${CAPI}/machines`, {}, { resource: 'machines' }).then(() => true, () => false)), 30_000);
    assert.equal((await remediationOf(client, 'worker-1')).state, 'no-machine');
    const machine = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Machine', metadata: { name: 'm1', namespace: 'chaos', labels: { role: 'worker' }, finalizers: ['test/hold'] }, spec: { clusterName: 'c1', bootstrap: { dataSecretName: 'x' }, infrastructureRef: { apiVersion: 'x/v1', kind: 'X', name: 'm1' } } };
    await send('POST', `${CAPI}/machines`, machine);
    await send('PATCH', `${CAPI}/machines/m1/status`, { status: { nodeRef: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' } } }, 'merge');
    const bare = await remediationOf(client, 'worker-1');
    assert.equal(bare.state, 'not-configured');
    assert.match(bare.line, /no remediation configured: no MachineHealthCheck covers Machine chaos\/m1/);
    // A health check of another cluster does not cover it; one of its cluster with a matching selector does.
    const check = (name: string, cluster: string): unknown => ({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'MachineHealthCheck', metadata: { name, namespace: 'chaos' }, spec: { clusterName: cluster, selector: { matchLabels: { role: 'worker' } }, unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: '30s' }] } });
    await send('POST', `${CAPI}/machinehealthchecks`, check('other', 'c2'));
    assert.equal((await remediationOf(client, 'worker-1')).state, 'not-configured');
    await send('POST', `${CAPI}/machinehealthchecks`, check('workers', 'c1'));
    const covered = await remediationOf(client, 'worker-1');
    assert.equal(covered.state, 'configured');
    assert.deepEqual(covered.healthChecks, ['chaos/workers']);
    assert.equal(covered.unhealthyAt, null);
    const stamp = '2026-01-02T03:04:05Z';
    await send('PATCH', `${CAPI}/machines/m1/status`, { status: { conditions: [{ type: 'HealthCheckSucceeded', status: 'False', reason: 'UnhealthyNode', severity: 'Warning', lastTransitionTime: stamp }, { type: 'OwnerRemediated', status: 'False', reason: 'WaitingForRemediation', severity: 'Warning', lastTransitionTime: stamp }] } }, 'merge');
    await send('DELETE', `${CAPI}/machines/m1`);
    const remediating = await remediationOf(client, 'worker-1');
    assert.equal(remediating.unhealthyAt, Date.parse(stamp));
    assert.equal(remediating.remediationAskedAt, Date.parse(stamp));
    assert.ok(remediating.deletedAt !== null, 'the finalizer holds the Machine with its deletionTimestamp');
    await send('PATCH', `${CAPI}/machines/m1`, { metadata: { finalizers: null } }, 'merge');
  });
});
