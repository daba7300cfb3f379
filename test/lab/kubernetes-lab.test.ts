/**
 * The lab with a real Kubernetes (`scs-chaos lab up --with kubernetes`, lab/kubernetes/): from the build cache it
 * comes up within 60 s; every node's containerd has the scs-chaos image when it is cached (ci/image/build.sh);
 * kubectl at the cluster's version, through the generated kubeconfig, lists every lab node Ready, each kubelet
 * running inside its node's namespace; a pod on one node reaches a pod on another; the web Deployment answers
 * through the edge's haproxy; and `lab down` leaves nothing behind (processes, mounts, cgroups,
 * namespaces, veths, runtime state, the shared host paths' entries).
 *
 * The environment file is SCS_CHAOS_LAB_ENV's (default experiments/environments/lab.yaml), like the other lab tests.
 * The binaries come from the cache (`.ci/run` builds them before `npm test`); a missing cache is built first and
 * not counted in the bring-up time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labStatus } from '../../lab/lab';
import { allNamespaces, labLayout } from '../../lab/layout';
import { findLabLeftovers } from '../../lab/leftovers';
import { httpGet } from '../../lab/http-get';
import { listLinks, listNamespaces } from '../../lab/network';
import { listProcesses, namespacePids } from '../../lab/processes';
import type { ClusterInfo } from '../../lab/kubernetes/cluster-info';
import { ensureKubernetesBuilt, labKubernetesPlanOf } from '../../lab/kubernetes/cluster';
import { cgroupHierarchies, mountsUnder } from '../../lab/kubernetes/host';
import { cachedChaosImage } from '../../lab/kubernetes/chaos-image';
import { nodeCtr } from '../../lab/kubernetes/node-images';
import { runCommand } from '../../src/executors/command';
import { labEnv, labEnvPath, runCli } from './helpers';

const env = labEnv();
const layout = labLayout(env);
const plan = labKubernetesPlanOf(layout);
/** The acceptance: from the cache, the lab with Kubernetes is up within this on a 2-core machine. */
const UP_WITHIN_MS = 60_000;
/** Host paths the kubelet, libcni and containerd hardcode: after lab down they hold what they held before. */
const SHARED = ['/run/containerd/s', '/var/lib/cni/results', '/var/log/containers', '/var/lib/kubelet', '/var/lib/cni', '/run/containerd'];

function listing(dir: string): string[] | null {
  try {
    return readdirSync(dir).sort();
  } catch {
    return null;
  }
}

describe(`the lab with Kubernetes (${labEnvPath()})`, () => {
  let info: ClusterInfo;
  let upMs = 0;
  let upOutput = '';
  const sharedBefore = new Map<string, string[] | null>();

  /** kubectl at the cluster's version through the generated admin kubeconfig; throws with its stderr on failure. */
  async function kubectl(...args: string[]): Promise<string> {
    const result = await runCommand([info.kubectl, '--kubeconfig', info.kubeconfig, ...args], { timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  before(async () => {
    await ensureKubernetesBuilt(plan, (line) => console.log(line)); // not part of the bring-up time
    for (const path of SHARED) sharedBefore.set(path, listing(path));
    const started = Date.now();
    const result = await runCli(['lab', 'up', '--with', 'kubernetes', '--env', labEnvPath()]);
    upMs = Date.now() - started;
    upOutput = result.stdout + result.stderr;
    assert.equal(result.code, 0, `lab up --with kubernetes failed:\n${upOutput}`);
    info = JSON.parse(readFileSync(plan.clusterInfoPath, 'utf8')) as ClusterInfo;
  });
  after(async () => {
    // The last test brings the lab down and checks it; this is the safety net when a test failed before that.
    await labDown(env, () => undefined);
  });

  it('comes up from the cache within 60 s and records the cluster in cluster.json', () => {
    const lines = upOutput.split('\n').filter((l) => /^kubernetes: (API|nodes|v1|image|no scs-chaos image)|^lab up in/.test(l));
    console.log(`scs-chaos lab up --with kubernetes took ${(upMs / 1000).toFixed(1)} s (command included):\n  ${lines.join('\n  ')}`);
    assert.ok(upMs <= UP_WITHIN_MS, `took ${upMs} ms`);
    assert.equal(info.kubernetesVersion, plan.versions.kubernetes);
    assert.equal(info.kubeconfig, join(layout.spec.runDir, 'kubernetes', 'admin.kubeconfig'));
    assert.deepEqual(info.nodes.map((n) => n.name), layout.nodes.map((n) => n.name));
    assert.equal(info.timings.nodeMonitorGracePeriodSeconds, 8);
  });

  it("every node's containerd has the scs-chaos image when the cache has it (under CI it must)", async (t) => {
    const found = await cachedChaosImage();
    if (typeof found === 'string') {
      assert.ok(!process.env.CI, `${found}: .ci/run builds it before the tests`);
      t.skip(found);
      return;
    }
    for (const node of plan.nodes) {
      const listed = await runCommand([...nodeCtr(node), 'images', 'ls', '-q'], { timeoutMs: 10_000 });
      assert.ok(listed.stdout.split('\n').includes(found.image), `${node.node.name} lacks ${found.image}: ${listed.stdout}${listed.stderr}`);
    }
  });

  it('kubectl get nodes lists every lab node Ready at the built version, each kubelet inside its node namespace', async () => {
    const rows = (await kubectl('get', 'nodes', '--no-headers')).trim().split('\n').map((line) => line.split(/\s+/));
    console.log(`kubectl get nodes:\n  ${rows.map((r) => r.join(' ')).join('\n  ')}`);
    assert.deepEqual(rows.map((r) => r[0]).sort(), layout.nodes.map((n) => n.name).sort());
    for (const row of rows) {
      assert.equal(row[1], 'Ready', row.join(' '));
      assert.equal(row[4], plan.versions.kubernetes, row.join(' '));
    }
    const processes = listProcesses();
    for (const node of plan.nodes) {
      const inside = await namespacePids(node.node.namespace);
      for (const program of node.supervisor.programs) {
        const running = processes.find((p) => p.argv.join(' ') === program.argv.join(' '));
        assert.ok(running, `${program.name} of ${node.node.name} runs`);
        assert.ok(inside.includes(running.pid), `${program.name} of ${node.node.name} runs in namespace ${node.node.namespace}`);
      }
    }
  });

  it('a pod on one node reaches a pod on another node, and the host reaches pods directly', async () => {
    const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: Array<{ metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string } }> };
    const [from] = pods.items;
    const to = pods.items.find((p) => p.spec.nodeName !== from?.spec.nodeName);
    assert.ok(from && to, `web pods on two nodes: ${pods.items.map((p) => `${p.metadata.name}@${p.spec.nodeName}`).join(', ')}`);
    const answer = await kubectl('exec', from.metadata.name, '--', 'timeout', '3', 'wget', '-qO-', `http://${to.status.podIP}:${info.web.podPort}/`);
    console.log(`pod ${from.metadata.name} on ${from.spec.nodeName} -> pod ${to.status.podIP} on ${to.spec.nodeName}: ${answer.trim()}`);
    assert.deepEqual(JSON.parse(answer), { node: to.spec.nodeName, pod: to.metadata.name });
    const direct = await httpGet(`http://${from.status.podIP}:${info.web.podPort}/`, 2000);
    assert.deepEqual(JSON.parse(direct.body), { node: from.spec.nodeName, pod: from.metadata.name });
  });

  it('the web Deployment answers through the edge, from pods on several nodes, and lab status shows the cluster', async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const answer = await httpGet(info.web.edgeUrl, 2000);
      assert.equal(answer.status, 200, answer.body);
      const body = JSON.parse(answer.body) as { node: string; pod: string };
      assert.ok(layout.nodes.some((n) => n.name === body.node), answer.body);
      nodes.add(body.node);
    }
    console.log(`${info.web.edgeUrl}: 30 answers from pods on ${[...nodes].sort().join(', ')}`);
    assert.ok(nodes.size >= 2, `answers came from ${[...nodes].join(', ')} only`);
    const { kubernetes } = await labStatus(env);
    assert.equal(kubernetes?.web?.available, layout.nodes.length, JSON.stringify(kubernetes));
    assert.ok(Object.values(kubernetes?.nodes ?? {}).every((ready) => ready === 'True'), JSON.stringify(kubernetes));
  });

  it('lab down leaves nothing: processes, mounts, cgroups, namespaces, veths, runtime state, shared host paths', async () => {
    const lines: string[] = [];
    await labDown(env, (line) => lines.push(line));
    console.log(`lab down:\n  ${lines.filter((l) => /^kubernetes|^lab down in/.test(l)).join('\n  ')}`);
    assert.deepEqual(await findLabLeftovers(env), []);
    const runDir = layout.spec.runDir;
    assert.deepEqual(listProcesses().filter((p) => p.argv.some((a) => a.startsWith(`${runDir}/`))).map((p) => `${p.pid} ${p.argv.join(' ')}`), []);
    assert.deepEqual(mountsUnder([runDir]), []);
    const cgroups = cgroupHierarchies().flatMap((h) => layout.nodes.map((n) => join(h, n.namespace))).filter((dir) => existsSync(dir));
    assert.deepEqual(cgroups, []);
    const namespaces = await listNamespaces();
    assert.deepEqual(allNamespaces(layout).filter((t) => namespaces.has(t.namespace)).map((t) => t.namespace), []);
    const links = await listLinks();
    assert.deepEqual(allNamespaces(layout).filter((t) => links.has(t.veth)).map((t) => t.veth), []);
    assert.equal(existsSync(runDir), false, `${runDir} is gone (containerd's and the kubelets' state, etcd's data, the PKI)`);
    for (const path of SHARED) assert.deepEqual(listing(path), sharedBefore.get(path), `${path} holds what it held before lab up`);
  });
});
