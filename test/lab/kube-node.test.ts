/**
 * The kube-node executor against the lab's real cluster (issue 16 part 3): commands reach a lab node's own
 * namespaces through a privileged helper pod (output, exit codes, standard input); a host network fault injected
 * through it by the CLI is observed on the node and gone after the run, with no pod of ours left; and after the
 * runner is SIGKILLed, the fault is undone at its TTL by the timer pod on the node, and the helper pod ends by
 * itself once idle. The node's nft tables are read from the machine (ip netns exec), not through the executor.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { loadEnvironment } from '../../src/environment/load';
import { executorFor } from '../../src/executors';
import { closeNodePods } from '../../src/executors/kube-node';
import { KubeClient } from '../../src/kinds/kubernetes/client/client';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';
import { NODE_POD_LABEL } from '../../src/kinds/kubernetes/node-pods/manifests';
import { chaosTablesOnLab, killRunnerAfterInjection, labEnv, REPO, runCli, tempReportsDir, waitFor } from './helpers';

const lab = labEnv();
const KUBE_NODE_ENV = join(REPO, 'experiments', 'environments', 'lab-kube-node.yaml');
const NAMESPACE = 'scs-chaos';
/** The long fault's TTL: 20 s hold + faultTtlGrace. */
const TTL_MS = 20_000 + lab.defaults.faultTtlGraceMs;

describe('kube-node executor against the lab cluster', { timeout: 15 * 60_000 }, () => {
  let client: KubeClient;
  const ours = async (resource: 'pods' | 'jobs', role?: 'helper' | 'timer'): Promise<string[]> => {
    const path = resource === 'pods' ? `/api/v1/namespaces/${NAMESPACE}/pods` : `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`;
    const list = await client.list<KubeObject>(path, { labelSelector: role ? `${NODE_POD_LABEL}=${role}` : NODE_POD_LABEL }, { resource, namespace: NAMESPACE });
    return list.items.map((item) => item.metadata?.name ?? '?');
  };
  const nothingOfOursWithin = async (timeoutMs: number): Promise<void> => {
    await waitFor(async () => (await ours('jobs')).length === 0 && (await ours('pods')).length === 0, timeoutMs, `no Job or pod labelled ${NODE_POD_LABEL} in namespace ${NAMESPACE}`);
  };
  const node2Tables = async (): Promise<string[]> => (await chaosTablesOnLab(lab)).filter((line) => line.startsWith('node-2:'));

  before(async () => {
    await labUp(lab, () => undefined, { withKubernetes: true });
    client = await KubeClient.connect(lab);
  });
  after(async () => {
    await closeNodePods();
    client?.close();
    await labDown(lab, () => undefined);
  });

  it('runs commands in node-2\'s namespaces through one helper pod: output, exit codes, standard input', async () => {
    const env = loadEnvironment(KUBE_NODE_ENV);
    const node2 = env.nodes.find((node) => node.name === 'node-2');
    assert.ok(node2);
    const exec = executorFor(node2.executor);
    const addresses = await exec.run(['ip', '-o', '-4', 'addr', 'show'], { timeoutMs: 120_000 });
    assert.equal(addresses.code, 0, addresses.stderr);
    assert.match(addresses.stdout, /198\.18\.0\.12\//, 'the helper pod sees node-2\'s network namespace');
    assert.doesNotMatch(addresses.stdout, /198\.18\.0\.11\//);
    assert.equal((await exec.runScript('echo out; echo err >&2; exit 3')).code, 3);
    const fed = await exec.run(['cat'], { input: "line 1\nit's line 2" });
    assert.equal(fed.stdout, "line 1\nit's line 2");
    // The host's tools, not the image's: busybox has no nft.
    assert.equal((await exec.run(['sh', '-c', 'command -v nft'])).stdout.trim(), '/usr/sbin/nft');
    assert.equal((await ours('jobs', 'helper')).length, 1, 'one helper for node-2, reused by every command');
    await closeNodePods();
    await nothingOfOursWithin(30_000);
  });

  it('injects a network fault on node-2 through the CLI: observed, reverted, nothing of ours left', async () => {
    const run = await runCli(['run', '--env', KUBE_NODE_ENV, '--reports', tempReportsDir(), 'test/lab/features/kube-node-loss.feature']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /observed/);
    assert.deepEqual(await node2Tables(), [], 'the fault is gone from node-2');
    await nothingOfOursWithin(30_000);
  });

  it('after a SIGKILL, the timer pod undoes the fault at its TTL and the idle helper ends by itself', async () => {
    const reports = tempReportsDir();
    const injectedAt = await killRunnerAfterInjection(reports, ['--env', KUBE_NODE_ENV, 'test/lab/features/kube-node-long-loss.feature'], 'the packet loss to be injected', 120_000);
    assert.notDeepEqual(await node2Tables(), [], 'the fault outlives the runner');
    assert.equal((await ours('jobs', 'timer')).length, 1, 'its timer runs in a pod of its own');
    await waitFor(async () => (await node2Tables()).length === 0, TTL_MS + 15_000, 'the timer pod to undo the fault');
    const undoneAfter = Date.now() - injectedAt;
    assert.ok(undoneAfter >= TTL_MS - 5_000, `undone by the timer, not earlier: after ${undoneAfter} ms, TTL ${TTL_MS} ms`);
    // The helper of the killed runner ends once idle (90 s after its last command), then the cluster deletes it.
    await nothingOfOursWithin(150_000);
  });
});
