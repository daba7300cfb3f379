/**
 * Rook backend. No Kubernetes API can run here, so the real @kubernetes/client-node AppsV1Api talks to
 * KubernetesApiDouble: a TEST DOUBLE of the API server on 127.0.0.1 that records each request and answers
 * the Deployment scale subresource as the API server does. What is checked is the request the backend sends
 * (method, path, content type, body) and how it reads the answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { appsApiFor, rookScaleRequest, RookOsdControl, scaleState } from './rook';

interface Recorded {
  method: string;
  path: string;
  contentType: string;
  body: string;
}

/** KubernetesApiDouble: answers GET/PATCH .../deployments/<name>/scale, keeping replicas per Deployment. */
class KubernetesApiDouble {
  readonly requests: Recorded[] = [];
  readonly replicas = new Map<string, number>([['rook-ceph/rook-ceph-osd-3', 1]]);
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), body });
      const m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/.exec((req.url ?? '').split('?')[0] ?? '');
      const key = m ? `${m[1]}/${m[2]}` : '';
      if (!m || !this.replicas.has(key)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `deployments.apps "${m?.[2]}" not found` }));
        return;
      }
      if (req.method === 'PATCH') this.replicas.set(key, (JSON.parse(body) as { spec: { replicas: number } }).spec.replicas);
      const n = this.replicas.get(key) ?? 0;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: m[2], namespace: m[1] }, spec: { replicas: n }, status: { replicas: n } }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const kubeconfig = (server: string, contexts: string[]) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'double', cluster: { server, 'insecure-skip-tls-verify': true } }], // the client refuses plain http otherwise
  users: [{ name: 'chaos', user: { token: 'not-a-secret' } }],
  contexts: contexts.map((name) => ({ name, context: { cluster: 'double', user: 'chaos' } })),
  'current-context': contexts[0],
});

describe('Rook OSD backend (KubernetesApiDouble)', () => {
  const api = new KubernetesApiDouble();
  let url = '';
  let dir = '';
  before(async () => {
    url = await api.start();
    dir = mkdtempSync(join(tmpdir(), 'scs-ceph-rook-'));
  });
  after(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the scale request: Deployment rook-ceph-osd-<id>, replicas in a merge patch', () => {
    assert.deepEqual(rookScaleRequest({ namespace: 'rook-ceph' }, 3, 0), { name: 'rook-ceph-osd-3', namespace: 'rook-ceph', body: { spec: { replicas: 0 } } });
    assert.deepEqual(scaleState({ spec: { replicas: 0 }, status: { replicas: 1 } }), { state: 'other', word: 'scaling (desired 0, current 1)' });
  });

  it('stops by PATCHing the scale subresource to 0 and starts by PATCHing it to 1', async () => {
    const config = new KubeConfig();
    config.loadFromOptions({ clusters: [{ name: 'double', server: url, skipTLSVerify: true }], users: [{ name: 'chaos', token: 'not-a-secret' }], contexts: [{ name: 'double', cluster: 'double', user: 'chaos' }], currentContext: 'double' });
    const control = await RookOsdControl.create({ namespace: 'rook-ceph' }, config.makeApiClient(AppsV1Api));
    assert.equal(await control.describe(3), 'Deployment rook-ceph/rook-ceph-osd-3');
    assert.deepEqual(await control.state(3), { state: 'running' });
    await control.stop(3);
    assert.deepEqual(api.requests.at(-1), { method: 'PATCH', path: '/apis/apps/v1/namespaces/rook-ceph/deployments/rook-ceph-osd-3/scale', contentType: 'application/merge-patch+json', body: '{"spec":{"replicas":0}}' });
    assert.deepEqual(await control.state(3), { state: 'stopped' });
    await control.start(3);
    assert.equal(api.requests.at(-1)?.body, '{"spec":{"replicas":1}}');
    assert.equal(api.replicas.get('rook-ceph/rook-ceph-osd-3'), 1);
    assert.equal(await control.startScript(), null);
    await assert.rejects(control.stop(9), /404|not found/i);
  });

  it('appsApiFor: the kubeconfig context from the environment, or an error that lists the contexts', async () => {
    const file = join(dir, 'kubeconfig.json');
    writeFileSync(file, JSON.stringify(kubeconfig(url, ['other', 'lab-rook'])));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      const apps = await appsApiFor({ namespace: 'rook-ceph', kubeconfigContext: 'lab-rook' });
      assert.deepEqual(scaleState(await apps.readNamespacedDeploymentScale({ name: 'rook-ceph-osd-3', namespace: 'rook-ceph' })), { state: 'running' });
      assert.equal(api.requests.at(-1)?.method, 'GET');
      await assert.rejects(appsApiFor({ namespace: 'rook-ceph', kubeconfigContext: 'prod' }), /kubeconfig has no context "prod" \(it has: other, lab-rook\); fix ceph\.rook\.kubeconfigContext/);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
