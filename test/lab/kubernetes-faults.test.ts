/**
 * The Kubernetes kind's faults against the lab's real cluster (`lab up --with kubernetes`): the cordon feature
 * passes with the node read back cordoned and the revert recipe journalled as API calls; a runner SIGKILLed during
 * a cordon leaves the node schedulable again within TTL + 10 s through the kind's own expiry process; and `sweep`
 * finds and undoes a labelled node without any journal, after the preflight refused to start because of it; the same
 * for a taint (expiry) and a scale-down (sweep, with the undo the Deployment carries); a fault on kube-system, a
 * missing kubeconfig and an unknown context are exit 2 at plan time, naming what is wrong.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { KubeClient } from '../../src/kinds/kubernetes/client/client';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';
import { INJECTION_LABEL, REVERT_ANNOTATION } from '../../src/kinds/kubernetes/artefacts';
import type { TaintedNode } from '../../src/kinds/kubernetes/taints';
import type { Workload } from '../../src/kinds/kubernetes/select/workloads';
import type { RunSummary } from '../../src/model/summary';
import { journalOf, killRunnerAfterInjection, labEnv, labEnvPath, readLatestJson, runCli, tempReportsDir, waitFor } from './helpers';

const env = labEnv();
/** The long cordon's TTL: 60 s hold + the environment's faultTtlGrace. */
const TTL_MS = 60_000 + env.defaults.faultTtlGraceMs;
/** The long taint's TTL: 20 s hold + faultTtlGrace. */
const TAINT_TTL_MS = 20_000 + env.defaults.faultTtlGraceMs;

interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean };
}

describe('Kubernetes faults against the lab cluster', { timeout: 20 * 60_000 }, () => {
  let client: KubeClient;
  const node2 = async (): Promise<NodeObject> => client.get<NodeObject>('/api/v1/nodes/node-2', { resource: 'nodes', name: 'node-2' });
  const cordoned = async (): Promise<boolean> => (await node2()).spec?.unschedulable === true;

  before(async () => {
    await labUp(env, () => undefined, { withKubernetes: true });
    client = await KubeClient.connect(env);
    // The API server answers steadily before the first run (it may still be settling right after lab up).
    let answered = 0;
    await waitFor(async () => {
      answered = await client.version().then(() => answered + 1, () => 0);
      return answered >= 5;
    }, 60_000, 'the API server to answer five times in a row');
  });
  after(async () => {
    client?.close();
    await labDown(env, () => undefined);
  });

  it('cordons node-2, reads it back, journals the undo as API calls, and uncordons it', async () => {
    const reports = tempReportsDir();
    const run = await runCli(['run', '--reports', reports, '--profile', 'kubernetes']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /observed after .*: node node-2 spec\.unschedulable=true, labelled scs-chaos\/injection=[0-9a-f]{8}/);
    const intent = journalOf(reports).find((e) => e.type === 'inject-intent' && e.kind === 'kubernetes-cordon');
    assert.ok(intent && intent.type === 'inject-intent' && intent.revert?.channel === 'kubernetes-api', JSON.stringify(intent));
    assert.equal(await cordoned(), false, 'schedulable again after the run');
    assert.equal((await node2()).metadata.labels?.[INJECTION_LABEL], undefined, 'no label left');
    // The node loss: every moment of the controllers' reaction, the watch's time within 1 s of the cluster's stamp.
    // The cluster stamps in whole seconds (truncated), so the stamp stands for the interval [stamp, stamp + 1 s):
    // the watch's time must lie within 1 s of that interval.
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    assert.ok(summary.scenarios.every((s) => s.verdict === 'passed'), summary.scenarios.map((s) => `${s.name}: ${s.verdict} ${s.reason ?? ''}`).join('\n'));
    const loss = summary.scenarios.find((s) => s.id.includes('node-loss.feature'));
    const kinds = (loss?.events ?? []).map((e) => e.kind);
    for (const kind of ['k8s-node-not-ready', 'k8s-node-taint', 'k8s-pod-deleted', 'k8s-pod-scheduled', 'k8s-pod-ready', 'k8s-workload-available', 'capi-remediation-not-configured']) assert.ok(kinds.includes(kind), `${kind} in ${kinds.join(', ')}`);
    for (const event of (loss?.events ?? []).filter((e) => e.kind.startsWith('k8s-') && e.exact)) {
      const watch = event.probeSeconds ?? Infinity;
      const distance = Math.max(event.afterSeconds - watch, watch - (event.afterSeconds + 1), 0);
      assert.ok(distance <= 1, `${event.event}: watch ${watch} s, cluster stamp ${event.afterSeconds} s (1 s resolution): ${distance.toFixed(3)} s apart`);
    }
  });

  it(`after a SIGKILL of the runner the node is schedulable again within TTL + 10 s, by the kind's expiry process`, async () => {
    const reports = tempReportsDir();
    const injectedAt = await killRunnerAfterInjection(reports, ['test/lab/features/k8s-long-cordon.feature'], 'the cordon to be injected', 60_000);
    assert.equal(await cordoned(), true, 'the cordon outlives the runner');
    const back = await waitFor(async () => !(await cordoned()), TTL_MS + 10_000, 'node-2 to be schedulable again');
    assert.ok(back >= 0);
    const after = Date.now() - injectedAt;
    assert.ok(after <= TTL_MS + 10_000, `back after ${after} ms`);
    assert.ok(after >= TTL_MS - 5_000, `not by the runner (it was killed): back after ${after} ms, TTL ${TTL_MS} ms`);
  });

  it('after a SIGKILL, preflight refuses to start and `sweep` undoes the labelled node without any journal', async () => {
    const reports = tempReportsDir();
    await killRunnerAfterInjection(reports, ['test/lab/features/k8s-long-cordon.feature'], 'the cordon to be injected', 60_000);
    // A host feature: its plan passes, so the refusal is the preflight's (a Kubernetes feature's plan would already
    // refuse the cordoned node).
    const refused = await runCli(['run', '--reports', tempReportsDir(), 'features/lab/isolate-node.feature']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /preflight refused to start; nothing was injected/);
    assert.match(refused.stderr, /kubernetes: leftover of an earlier run: (revert recipe|node node-2 labelled)/);
    const sweep = await runCli(['sweep']);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.match(sweep.stderr, /kubernetes: .*(replayed and removed|uncordoned node node-2)/);
    assert.equal(await cordoned(), false, 'sweep uncordoned node-2 at once');
    const clean = await runCli(['sweep']);
    assert.match(clean.stderr, /kubernetes: clean/);
  });

  it(`after a SIGKILL during a taint, the kind's expiry removes exactly its taint within TTL + 10 s`, async () => {
    const node3 = (): Promise<TaintedNode> => client.get<TaintedNode>('/api/v1/nodes/node-3', { resource: 'nodes', name: 'node-3' });
    const ours = async (): Promise<boolean> => ((await node3()).spec?.taints ?? []).some((t) => t.key === INJECTION_LABEL);
    const injectedAt = await killRunnerAfterInjection(tempReportsDir(), ['test/lab/features/k8s-long-taint.feature'], 'the taint to be injected', 60_000);
    assert.equal(await ours(), true, 'the taint outlives the runner');
    assert.ok((await node3()).metadata.annotations?.[REVERT_ANNOTATION], 'node-3 carries its undo');
    await waitFor(async () => !(await ours()), TAINT_TTL_MS + 10_000, 'node-3 to lose the taint');
    const gone = Date.now() - injectedAt;
    assert.ok(gone >= TAINT_TTL_MS - 5_000 && gone <= TAINT_TTL_MS + 10_000, `taint gone after ${gone} ms, TTL ${TAINT_TTL_MS} ms`);
    const node = await node3();
    assert.equal(node.metadata.labels?.[INJECTION_LABEL], undefined, 'no label left');
    assert.equal(node.metadata.annotations?.[REVERT_ANNOTATION], undefined, 'no undo annotation left');
  });

  it('after a SIGKILL during a scale-down, `sweep` scales the Deployment back with the undo it carries', async () => {
    const web = (): Promise<Workload> => client.get<Workload>('/apis/apps/v1/namespaces/default/deployments/web', { resource: 'deployments', namespace: 'default', name: 'web' });
    const before = (await web()).spec?.replicas;
    await killRunnerAfterInjection(tempReportsDir(), ['test/lab/features/k8s-long-scale.feature'], 'the scale-down to be injected', 60_000);
    const scaled = await web();
    assert.equal(scaled.spec?.replicas, 2, 'the scale-down outlives the runner');
    assert.match(scaled.metadata.annotations?.[REVERT_ANNOTATION] ?? '', /"replicas":3/, 'the Deployment carries its undo');
    const sweep = await runCli(['sweep']);
    assert.equal(sweep.code, 0, sweep.stderr);
    const back = await web();
    assert.equal(back.spec?.replicas, before, 'replicas restored');
    assert.equal(back.metadata.labels?.[INJECTION_LABEL], undefined, 'no label left');
  });

  it('refuses a fault on kube-system, a missing kubeconfig and an unknown context at plan time (exit 2, nothing touched)', async () => {
    const kubeSystem = await runCli(['run', '--reports', tempReportsDir(), 'test/lab/features/k8s-kube-system-fault.feature']);
    assert.equal(kubeSystem.code, 2, kubeSystem.stderr);
    assert.match(kubeSystem.stderr, /k8s-kube-system-fault\.feature:5: .*namespace kube-system is not in kubernetes\.namespaces/);
    const text = readFileSync(labEnvPath(), 'utf8');
    const dir = tempReportsDir();
    const missing = join(dir, 'missing-kubeconfig.yaml');
    writeFileSync(missing, text.replace(/kubeconfig: \S+/, 'kubeconfig: /nonexistent/admin.kubeconfig'));
    const noFile = await runCli(['run', '--env', missing, '--reports', dir, 'features/kubernetes/cordon.feature']);
    assert.equal(noFile.code, 2, noFile.stderr);
    assert.match(noFile.stderr, /\/nonexistent\/admin\.kubeconfig/);
    const wrongContext = join(dir, 'wrong-context.yaml');
    writeFileSync(wrongContext, text.replace(/(kubeconfig: \S+)/, '$1\n  context: prod'));
    const noContext = await runCli(['run', '--env', wrongContext, '--reports', dir, 'features/kubernetes/cordon.feature']);
    assert.equal(noContext.code, 2, noContext.stderr);
    assert.match(noContext.stderr, /context "prod"/);
    assert.equal((await client.get<Workload>('/apis/apps/v1/namespaces/default/deployments/web', { resource: 'deployments', namespace: 'default', name: 'web' })).spec?.replicas, 3, 'nothing touched');
  });

  it('after a SIGKILL during a pod isolation, preflight names it and `sweep` removes it inside the pod\'s network namespace', async () => {
    await killRunnerAfterInjection(tempReportsDir(), ['test/lab/features/k8s-long-pod-isolation.feature'], 'the pod isolation to be injected', 60_000);
    const records = readdirSync('/run/scs-chaos').filter((d) => d.startsWith('pod-') && existsSync(join('/run/scs-chaos', d, 'netns')));
    assert.equal(records.length, 1, records.join(', '));
    const netns = readFileSync(join('/run/scs-chaos', records[0] as string, 'netns'), 'utf8').trim();
    const tables = (): string => execFileSync('nsenter', [`--net=${netns}`, 'nft', 'list', 'tables'], { encoding: 'utf8' });
    assert.match(tables(), /scs_chaos_/, 'the isolation outlives the runner');
    const refused = await runCli(['run', '--reports', tempReportsDir(), 'features/lab/isolate-node.feature']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`kubernetes: node-\\d: ${records[0]}: leftover of an earlier run: nft table`));
    const sweep = await runCli(['sweep']);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.doesNotMatch(tables(), /scs_chaos_/, 'sweep removed the table inside the pod');
    assert.equal(existsSync(join('/run/scs-chaos', records[0] as string)), false, 'and the marker directory');
  });
});
