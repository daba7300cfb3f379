/**
 * `scs-chaos k8s submit` in the lab's real cluster (issue 16 part 2, docs/decisions/0158): features/kubernetes in
 * three shard pods of an Indexed Job running the scs-chaos image (ci/image/build.sh; `lab up` imports it), whose
 * merged report has the same scenarios and verdicts as a local run of the same features against the same
 * environment and seed — and nothing of it is left in the cluster. Then a submitter killed while its pod holds a
 * fault: `sweep` deletes the Job (the pod's runner reverts on SIGTERM) and, once the pod is gone, the rest.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { cachedChaosImage } from '../../lab/kubernetes/chaos-image';
import { KubeClient } from '../../src/kinds/kubernetes/client/client';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';
import { SUBMIT_LABEL, submitLeftovers } from '../../src/kinds/kubernetes/submit/objects';
import type { RunSummary } from '../../src/model/summary';
import { chaosTablesOnLab, labEnv, readLatestJson, REPO, runCli, startCli, tempReportsDir, waitFor } from './helpers';

const lab = labEnv();
const KUBE_NODE_ENV = join(REPO, 'experiments', 'environments', 'lab-kube-node.yaml');
const NAMESPACE = 'scs-chaos';
const SEED = '7';

interface SubmitRecord {
  shards: { index: number; outcome: { state: string; pod?: string; exitCode?: number } }[];
}

const verdicts = (summary: RunSummary): string[] => summary.scenarios.map((s) => `${s.id} ${s.verdict}`).sort();

describe('k8s submit in the lab cluster', { timeout: 25 * 60_000 }, () => {
  let client: KubeClient;
  let image: string | undefined;
  const leftovers = async (): Promise<string[]> => {
    const objects = (await submitLeftovers(client, [NAMESPACE])).map((o) => `${o.kind} ${o.metadata.name}`);
    const pods = await client.list<KubeObject>(`/api/v1/namespaces/${NAMESPACE}/pods`, { labelSelector: SUBMIT_LABEL }, { resource: 'pods', namespace: NAMESPACE });
    return [...objects, ...pods.items.map((p) => `Pod ${p.metadata.name}`)];
  };

  before(async () => {
    const found = await cachedChaosImage();
    // CI builds the image in its own phase before the lab tests; elsewhere the test says what is missing.
    if (typeof found === 'string') {
      if (process.env.CI) throw new Error(`${found}: .ci/run builds it before the lab tests`);
      return;
    }
    image = found.image;
    await labUp(lab, () => undefined, { withKubernetes: true });
    client = await KubeClient.connect(lab);
  });
  after(async () => {
    // A failed test may leave a pod's fault and its marker on a node's files (the lab's nodes share this machine's
    // /run): swept here so the next lab test starts clean.
    if (image) await runCli(['sweep', '--env', KUBE_NODE_ENV]);
    client?.close();
    if (image) await labDown(lab, () => undefined);
  });

  it('runs features/kubernetes in three pods; the merged verdicts are a local run\'s; nothing is left', async (t) => {
    if (!image) return t.skip('no scs-chaos image of this checkout: bash ci/image/build.sh');
    const local = tempReportsDir();
    const ran = await runCli(['run', '--env', KUBE_NODE_ENV, '--seed', SEED, '--reports', local, 'features/kubernetes']);
    const localSummary = readLatestJson<RunSummary>(local, 'summary.json');
    assert.equal(localSummary.scenarios.length, 12, ran.stderr.slice(-3000));

    const reports = tempReportsDir();
    const submitted = await runCli(['k8s', 'submit', '--shards', '3', '--env', KUBE_NODE_ENV, '--seed', SEED, '--reports', reports, 'features/kubernetes']);
    const merged = readLatestJson<RunSummary>(reports, 'summary.json');
    assert.deepEqual(merged.scenarios.map((s) => s.id).sort(), localSummary.scenarios.map((s) => s.id).sort(), submitted.stderr.slice(-6000));
    // The verdicts are timed measurements of one small, busy cluster: a scenario whose verdicts differ is measured
    // once more both ways, alone. A difference of the submit's making (a lost or mis-merged scenario) stays.
    const differing = merged.scenarios.filter((s) => localSummary.scenarios.find((l) => l.id === s.id)?.verdict !== s.verdict).map((s) => s.id);
    if (differing.length === 0) {
      assert.equal(submitted.code, ran.code, 'one exit code, the one a local run gives');
    } else {
      t.diagnostic(`verdicts differed for ${differing.join(', ')}: ${merged.scenarios.filter((s) => differing.includes(s.id)).map((s) => `${s.id}: ${s.verdict} (${s.reason ?? ''})`).join('; ')}; measuring them again`);
      const again = tempReportsDir();
      const againLocal = tempReportsDir();
      await runCli(['run', '--env', KUBE_NODE_ENV, '--seed', SEED, '--reports', againLocal, ...differing]);
      const resubmitted = await runCli(['k8s', 'submit', '--shards', '1', '--env', KUBE_NODE_ENV, '--seed', SEED, '--reports', again, ...differing]);
      assert.deepEqual(verdicts(readLatestJson<RunSummary>(again, 'summary.json')), verdicts(readLatestJson<RunSummary>(againLocal, 'summary.json')), resubmitted.stderr.slice(-6000));
    }
    const record = readLatestJson<SubmitRecord>(reports, 'submit.json');
    assert.deepEqual(record.shards.map((s) => s.outcome.state), ['collected', 'collected', 'collected']);
    assert.equal(new Set(record.shards.map((s) => s.outcome.pod)).size, 3, 'three pods, one per shard');
    assert.match(submitted.stderr, /shard 0: 4 scenario\(s\): scs-chaos run features\/kubernetes\/container-kill\.feature:7/, 'the split is printed');
    assert.match(submitted.stderr, /\[shard 2\] .*PASSED|\[shard 2\] .*FAILED|\[shard 2\] .*COMPROMISED/, 'the pods\' output is shown as it comes');
    assert.deepEqual(await leftovers(), [], 'no Job, pod, ConfigMap, ServiceAccount or RBAC of the submit is left');
    assert.deepEqual(await chaosTablesOnLab(lab), [], 'no fault is left on the nodes');
  });

  it('a killed submitter\'s Job and rights are removed by sweep, after its pod reverted its fault', async (t) => {
    if (!image) return t.skip('no scs-chaos image of this checkout: bash ci/image/build.sh');
    const reports = tempReportsDir();
    const { child, finished } = startCli(['k8s', 'submit', '--shards', '1', '--env', KUBE_NODE_ENV, '--reports', reports, 'test/lab/features/kube-node-long-loss.feature']);
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await waitFor(() => /\[shard 0\] +observed after/.test(said), 180_000, 'the shard pod to inject its fault and see it').catch((error: Error) => {
      throw new Error(`${error.message}; the submitter said:\n${said.slice(-4000)}`);
    });
    process.kill(-(child.pid as number), 'SIGKILL');
    await finished;
    // The fault lasts 20 s; its table is read from the node's namespace while the orphaned pod holds it.
    await waitFor(async () => (await chaosTablesOnLab(lab)).length > 0, 10_000, 'the fault on node-2 while the pod runs');
    assert.ok((await leftovers()).some((o) => o.startsWith('Job ')), 'the Job outlives its submitter');

    let sweeps = 0;
    await waitFor(async () => {
      sweeps++;
      const swept = await runCli(['sweep', '--env', KUBE_NODE_ENV]);
      return swept.code === 0 && (await leftovers()).length === 0;
    }, 300_000, 'sweep to remove every object of the submit');
    assert.ok(sweeps >= 1);
    assert.deepEqual(await chaosTablesOnLab(lab), [], 'the pod\'s runner reverted its fault when the Job was deleted');
  });
});
