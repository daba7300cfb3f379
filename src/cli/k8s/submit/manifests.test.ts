/**
 * The objects of a submit as the cluster gets them (the ConfigMap's keys and the Job's spec), and the shard pod's
 * program run by a real /bin/sh with a stand-in `node` (a script that records its arguments): the shard's
 * arguments read from its file, the exit code written, the wait for the collector bounded, and SIGTERM passed to
 * the runner, whose own exit code (4: stopped, faults reverted) is the pod's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShardPlan } from '../shards';
import { submitConfigMap, submitJob, type SubmitManifestOptions } from './manifests';
import { POD_COLLECTED_FILE, POD_EXIT_CODE_FILE, POD_RUNS_DIR, SHARD_POD_SCRIPT } from './pod-script';

const scenario = (feature: string, line: number) => ({ id: `${feature}:${line}`, name: `s${line}`, feature, line, tags: [] });
const shardPlan: ShardPlan = {
  requested: 2,
  shards: [
    { index: 0, scenarios: [scenario('features/kubernetes/a.feature', 7)], featureArgs: ['features/kubernetes/a.feature:7'] },
    { index: 1, scenarios: [scenario('features/kubernetes/b.feature', 3), scenario('features/x/c.feature', 9)], featureArgs: ['features/kubernetes/b.feature:3', 'features/x/c.feature:9'] },
  ],
};
const options: SubmitManifestOptions = {
  id: '20261206-221753-71e4',
  namespace: 'scs-chaos',
  image: 'localhost/scs-chaos:1',
  shardPlan,
  parallelism: 1,
  seed: 7,
  environment: 'name: x\n',
  features: new Map([['features/kubernetes/a.feature', 'Feature: a'], ['features/kubernetes/b.feature', 'Feature: b'], ['features/x/c.feature', 'Feature: c']]),
  deadlineSeconds: 7200,
  collectSeconds: 600,
  ttlSeconds: 600,
};

describe('submit manifests', () => {
  it('a ConfigMap with the environment, one argument file per shard and the features; labelled for sweep', () => {
    const map = submitConfigMap(options);
    assert.equal(map.metadata.name, 'scs-chaos-submit-20261206-221753-71e4');
    assert.equal(map.metadata.labels?.['scs-chaos/submit'], options.id);
    assert.deepEqual(map.data, {
      'environment.yaml': 'name: x\n',
      'shard-0.args': 'features/kubernetes/a.feature:7\n',
      'shard-1.args': 'features/kubernetes/b.feature:3\nfeatures/x/c.feature:9\n',
      'feature-0': 'Feature: a',
      'feature-1': 'Feature: b',
      'feature-2': 'Feature: c',
    });
  });

  it('an Indexed Job: one completion per shard, never retried, bounded, deleted after, its pods unprivileged', () => {
    const job = submitJob(options) as unknown as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> & { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } } };
    const { spec } = job;
    assert.equal(spec.completionMode, 'Indexed');
    assert.equal(spec.completions, 2);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimitPerIndex, 0);
    assert.equal(spec.activeDeadlineSeconds, 7200);
    assert.equal(spec.ttlSecondsAfterFinished, 600);
    assert.equal(job.metadata.labels['scs-chaos/submit'], options.id);
    assert.equal(spec.template.metadata.labels['scs-chaos/submit'], options.id, 'the pods carry the label the submitter and sweep select by');
    const pod = spec.template.spec as { serviceAccountName: string; tolerations: unknown[]; volumes: { name: string; configMap?: { items: { key: string; path: string }[] } }[]; containers: { image: string; workingDir: string; env: { name: string; value: string }[]; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string }[] }[] };
    assert.equal(pod.serviceAccountName, 'scs-chaos-submit-20261206-221753-71e4');
    assert.deepEqual(pod.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
    const container = pod.containers[0];
    assert.ok(container);
    assert.equal(container.image, 'localhost/scs-chaos:1');
    assert.equal(container.securityContext.privileged, false);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(container.env.find((e) => e.name === 'SCS_CHAOS_SEED'), { name: 'SCS_CHAOS_SEED', value: '7' });
    // The features are mounted where the submitter had them, so each scenario's id (<feature>:<line>) is the local one.
    assert.equal(container.volumeMounts.find((m) => m.name === 'features-0')?.mountPath, '/opt/scs-chaos/features');
    assert.deepEqual(pod.volumes.find((v) => v.name === 'features-0')?.configMap?.items, [
      { key: 'feature-0', path: 'kubernetes/a.feature' },
      { key: 'feature-1', path: 'kubernetes/b.feature' },
      { key: 'feature-2', path: 'x/c.feature' },
    ]);
    // One volume per top directory: a feature kept with the tests is mounted over the image's test/.
    const mixed = submitJob({ ...options, features: new Map([['features/a.feature', 'a'], ['test/lab/features/b.feature', 'b']]) }) as unknown as { spec: { template: { spec: typeof pod } } };
    assert.deepEqual(mixed.spec.template.spec.containers[0]?.volumeMounts.filter((m) => m.name.startsWith('features-')).map((m) => m.mountPath), ['/opt/scs-chaos/features', '/opt/scs-chaos/test']);
    assert.deepEqual(mixed.spec.template.spec.volumes.find((v) => v.name === 'features-1')?.configMap?.items, [{ key: 'feature-1', path: 'lab/features/b.feature' }]);
    assert.deepEqual(pod.volumes.find((v) => v.name === 'config')?.configMap?.items.map((i) => i.key), ['environment.yaml', 'shard-0.args', 'shard-1.args']);
  });
});

/** The pod script with its fixed paths moved below `root`, and `node` a stand-in on PATH. */
function podScript(root: string): string {
  return SHARD_POD_SCRIPT.replaceAll('/config/', `${root}/config/`).replaceAll('/reports', `${root}/reports`).replaceAll('/opt/scs-chaos/bin/scs-chaos.js', `${root}/cli.js`);
}

function runPodScript(root: string, env: Record<string, string>): { done: Promise<{ code: number | null; out: string }>; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn('/bin/sh', ['-c', podScript(root)], { env: { PATH: `${root}/bin:/usr/bin:/bin`, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, out }))), kill: (signal) => child.kill(signal) };
}

const waitFor = async (condition: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the shard pod program', () => {
  const setUp = (fakeNode: string): string => {
    const root = mkdtempSync(join(tmpdir(), 'shard-pod-'));
    mkdirSync(join(root, 'config'));
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'config', 'shard-1.args'), 'features/kubernetes/b.feature:3\nfeatures/x/c.feature:9\n');
    writeFileSync(join(root, 'bin', 'node'), `#!/bin/sh\n${fakeNode}`);
    chmodSync(join(root, 'bin', 'node'), 0o755);
    return root;
  };
  const local = (root: string, file: string): string => file.replace('/reports', `${root}/reports`);

  it('runs the shard\'s arguments, writes the exit code, waits to be collected, and exits with the run\'s code', async () => {
    const root = setUp('printf "%s\\n" "$@" > "$(dirname "$0")/../args"; exit 1\n');
    try {
      const pod = runPodScript(root, { JOB_COMPLETION_INDEX: '1', SCS_CHAOS_SEED: '7', SCS_CHAOS_COLLECT_SECONDS: '30' });
      await waitFor(() => existsSync(local(root, POD_EXIT_CODE_FILE)), 10_000);
      assert.equal(readFileSync(local(root, POD_EXIT_CODE_FILE), 'utf8').trim(), '1');
      assert.deepEqual(readFileSync(join(root, 'args'), 'utf8').trim().split('\n'), [`${root}/cli.js`, 'run', '--env', `${root}/config/environment.yaml`, '--seed', '7', '--reports', local(root, POD_RUNS_DIR), 'features/kubernetes/b.feature:3', 'features/x/c.feature:9']);
      writeFileSync(local(root, POD_COLLECTED_FILE), '');
      const { code, out } = await pod.done;
      assert.equal(code, 1);
      assert.match(out, /scs-chaos shard: run exit 1/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('ends by itself when nobody collects within SCS_CHAOS_COLLECT_SECONDS', async () => {
    const root = setUp('exit 0\n');
    try {
      const { code, out } = await runPodScript(root, { JOB_COMPLETION_INDEX: '1', SCS_CHAOS_SEED: '7', SCS_CHAOS_COLLECT_SECONDS: '1' }).done;
      assert.equal(code, 0);
      assert.match(out, /nobody collected the run directory within 1 s/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('passes SIGTERM to the runner and exits with its code, without waiting to be collected', async () => {
    // The stand-in runner reverts on SIGTERM like the real one: it exits 4.
    const root = setUp('trap "echo reverted; exit 4" TERM\ntouch "$(dirname "$0")/../started"\nwhile :; do sleep 0.1; done\n');
    try {
      const pod = runPodScript(root, { JOB_COMPLETION_INDEX: '1', SCS_CHAOS_SEED: '7', SCS_CHAOS_COLLECT_SECONDS: '60' });
      await waitFor(() => existsSync(join(root, 'started')), 10_000);
      const stoppedAt = Date.now();
      pod.kill('SIGTERM');
      const { code, out } = await pod.done;
      assert.equal(code, 4, out);
      assert.match(out, /reverted/);
      assert.ok(Date.now() - stoppedAt < 10_000, 'no wait for a collector after a signal');
      assert.equal(readFileSync(local(root, POD_EXIT_CODE_FILE), 'utf8').trim(), '4');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
