/**
 * The nightly CronJob of ci/k8s/ (docs/decisions/0157), as kubectl's own kustomize builds it:
 * - the structural promises (Forbid, no retry, deadlines, TTL, non-root 10001 with nothing privileged, the
 *   ServiceAccount bound, the ConfigMaps mounted, HOME and the marker directory writable on a read-only root),
 *   each shown to catch a broken copy (an overlay that breaks it);
 * - the reports-pvc component swaps the emptyDir for the claim;
 * - the checked-in rbac.yaml is what the command kustomization.yaml names prints today;
 * - the container's script (run → report → gate) gives the gate's exit code, stops at bad input, never judges an
 *   older run, and forwards SIGTERM to the runner (a stub `node` plays the CLI).
 * yamllint of every file in ci/ is pipelines.test.ts's. kubectl: the lab's from-source build when present
 * (lab/kubernetes/build.sh), else the one on PATH; without either the test skips, but never under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { onPath } from '../support/on-path';
import { kubernetesBinDir } from '../support/kube-apiserver';
import '../../src/kinds';
import { parseEnvironment } from '../../src/environment/load';

const REPO = join(__dirname, '..', '..');
const BASE = join(REPO, 'ci', 'k8s');

function kubectl(): string | null {
  const built = join(kubernetesBinDir(), 'kubectl');
  if (existsSync(built)) return built;
  return onPath('kubectl') ? 'kubectl' : null;
}
const KUBECTL = kubectl();
const needsKubectl = KUBECTL || process.env.CI ? false : 'kubectl is neither built (bash lab/kubernetes/build.sh) nor on PATH';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifests are checked field by field below
type Doc = any;

/** build: `kubectl kustomize` of the base, or of an overlay of it (a kustomization's text with BASE for the base). */
function build(overlay?: string): Doc[] {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
  try {
    if (overlay) writeFileSync(join(dir, 'kustomization.yaml'), overlay.replaceAll('BASE', relative(dir, BASE)));
    const out = execFileSync(KUBECTL as string, ['kustomize', overlay ? dir : BASE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(out).map((d) => d.toJS() as Doc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cronJobOf = (docs: Doc[]): Doc => docs.find((d) => d.kind === 'CronJob');
const podOf = (docs: Doc[]): Doc => cronJobOf(docs).spec.jobTemplate.spec.template.spec;

/** problems: every structural promise of the nightly CronJob that the built manifests break, in words. */
function problems(docs: Doc[]): string[] {
  const found: string[] = [];
  const expect = (ok: boolean, what: string): void => void (ok || found.push(what));
  const namespace = docs.find((d) => d.kind === 'Namespace');
  expect(namespace?.metadata.name === 'scs-chaos' && namespace.metadata.labels['pod-security.kubernetes.io/enforce'] === 'privileged', 'namespace scs-chaos allows the privileged helper pods');
  const cron = cronJobOf(docs);
  const job = cron.spec.jobTemplate.spec;
  expect(cron.spec.concurrencyPolicy === 'Forbid', 'concurrencyPolicy Forbid');
  expect(cron.spec.startingDeadlineSeconds > 0 && cron.spec.timeZone !== undefined, 'startingDeadlineSeconds and timeZone');
  expect(cron.spec.successfulJobsHistoryLimit <= 5 && cron.spec.failedJobsHistoryLimit <= 5, 'small history limits');
  expect(job.backoffLimit === 0, 'backoffLimit 0');
  expect(job.activeDeadlineSeconds > 0 && job.ttlSecondsAfterFinished > 0, 'activeDeadlineSeconds and ttlSecondsAfterFinished');
  for (const meta of [cron.metadata, cron.spec.jobTemplate.metadata, job.template.metadata]) expect(meta?.labels?.['app.kubernetes.io/name'] === 'scs-chaos', 'labelled app.kubernetes.io/name: scs-chaos');
  const pod = job.template.spec;
  const account = docs.find((d) => d.kind === 'ServiceAccount');
  expect(pod.serviceAccountName === account?.metadata.name && account?.metadata.namespace === cron.metadata.namespace, 'runs as the ServiceAccount of rbac.yaml');
  const bindings = docs.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding');
  expect(bindings.length > 0 && bindings.every((b) => b.subjects.some((s: Doc) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName && s.namespace === cron.metadata.namespace)), 'every binding names that ServiceAccount');
  expect(pod.restartPolicy === 'Never' && pod.terminationGracePeriodSeconds >= 60, 'restartPolicy Never, a grace period for the revert');
  expect(!pod.hostPID && !pod.hostNetwork && !pod.hostIPC, 'no host namespaces');
  expect(pod.securityContext?.runAsNonRoot === true && pod.securityContext.runAsUser === 10001 && pod.securityContext.seccompProfile?.type === 'RuntimeDefault', 'pod: non-root 10001, seccomp RuntimeDefault');
  const containers: Doc[] = [...(pod.initContainers ?? []), ...pod.containers];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    expect(sc.privileged !== true && sc.allowPrivilegeEscalation === false && sc.readOnlyRootFilesystem === true, `container ${c.name}: unprivileged, no escalation, read-only root`);
    expect(JSON.stringify(sc.capabilities) === JSON.stringify({ drop: ['ALL'] }), `container ${c.name}: drops ALL capabilities and adds none`);
    expect(sc.runAsUser === undefined || sc.runAsUser === 10001, `container ${c.name}: uid 10001`);
    expect(c.resources?.requests?.memory !== undefined && c.resources?.limits?.memory !== undefined, `container ${c.name}: memory request and limit`);
  }
  const [runner] = pod.containers;
  expect(/^localhost\/scs-chaos:|\//.test(runner.image), 'the image is set by kustomization.yaml images:');
  const env = Object.fromEntries((runner.env ?? []).map((e: Doc) => [e.name, e.value]));
  const volumeAt = (path: string): Doc => {
    const mount = (runner.volumeMounts ?? []).filter((m: Doc) => path === m.mountPath || path.startsWith(`${m.mountPath}/`)).sort((a: Doc, b: Doc) => b.mountPath.length - a.mountPath.length)[0];
    return mount && { mount, volume: pod.volumes.find((v: Doc) => v.name === mount.name) };
  };
  const writable = (path: string): boolean => {
    const at = volumeAt(path);
    return !!at && at.mount.readOnly !== true && (at.volume?.emptyDir !== undefined || at.volume?.persistentVolumeClaim !== undefined);
  };
  for (const path of [env.HOME, env.SCS_CHAOS_REPORTS, '/tmp', '/run/scs-chaos']) expect(typeof path === 'string' && writable(path), `${path} is a writable volume`);
  const configMap = (path: string, key?: string): boolean => {
    const name = volumeAt(path)?.volume?.configMap?.name;
    const map = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === name);
    return !!map && (key === undefined ? Object.keys(map.data ?? {}).some((k) => k.endsWith('.feature')) : key in (map.data ?? {}));
  };
  expect(typeof env.SCS_CHAOS_ENV === 'string' && configMap(env.SCS_CHAOS_ENV, env.SCS_CHAOS_ENV.split('/').pop()), 'the environment file is a key of a mounted ConfigMap');
  expect(typeof env.SCS_CHAOS_FEATURES === 'string' && configMap(env.SCS_CHAOS_FEATURES), 'the features are keys of a mounted ConfigMap');
  return found;
}

test('kubectl kustomize ci/k8s builds the nightly CronJob and keeps every promise', { skip: needsKubectl }, () => {
  const docs = build();
  assert.deepEqual(problems(docs), []);
  const kinds = docs.map((d) => `${d.kind} ${d.metadata.namespace ?? '-'}/${d.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`);
  for (const kind of ['Namespace -/scs-chaos', 'ServiceAccount scs-chaos/scs-chaos-runner', 'ConfigMap scs-chaos/scs-chaos-config', 'ConfigMap scs-chaos/scs-chaos-features', 'CronJob scs-chaos/scs-chaos-nightly']) assert.ok(kinds.includes(kind), `${kind} in ${kinds.join(', ')}`);
  // The environment in the ConfigMap is valid, reaches the API in-cluster, and its helper pods live in the namespace.
  const config = docs.find((d) => d.kind === 'ConfigMap' && 'environment.yaml' in (d.data ?? {}));
  const env = parseEnvironment(config.data['environment.yaml'], 'environment.yaml');
  assert.equal(env.lab, undefined);
  assert.ok(env.nodes.length > 0);
  for (const node of env.nodes) assert.deepEqual(node.executor.kind === 'kube-node' && [node.executor.kubeconfig, node.executor.namespace], ['in-cluster', 'scs-chaos']);
});

test('the checks fail a CronJob that breaks its promises', { skip: needsKubectl }, () => {
  const broken = build(`resources:
  - BASE
patches:
  - target: { kind: CronJob }
    patch: |-
      - { op: replace, path: /spec/concurrencyPolicy, value: Allow }
      - { op: replace, path: /spec/jobTemplate/spec/backoffLimit, value: 2 }
      - { op: remove, path: /spec/jobTemplate/spec/ttlSecondsAfterFinished }
      - { op: replace, path: /spec/jobTemplate/spec/template/spec/serviceAccountName, value: default }
      - { op: replace, path: /spec/jobTemplate/spec/template/spec/containers/0/securityContext/privileged, value: true }
      - { op: replace, path: /spec/jobTemplate/spec/template/spec/securityContext/runAsUser, value: 0 }
      - { op: remove, path: /spec/jobTemplate/spec/template/spec/containers/0/volumeMounts/3 }
      - { op: replace, path: /spec/jobTemplate/spec/template/spec/volumes/0/configMap/name, value: other }
`);
  assert.deepEqual(problems(broken), [
    'concurrencyPolicy Forbid',
    'backoffLimit 0',
    'activeDeadlineSeconds and ttlSecondsAfterFinished',
    'runs as the ServiceAccount of rbac.yaml',
    'every binding names that ServiceAccount',
    'pod: non-root 10001, seccomp RuntimeDefault',
    'container scs-chaos: unprivileged, no escalation, read-only root',
    '/home/scs-chaos is a writable volume',
    'the environment file is a key of a mounted ConfigMap',
  ]);
});

test('the reports-pvc component keeps the run directories on a claim', { skip: needsKubectl }, () => {
  const docs = build('resources:\n  - BASE\ncomponents:\n  - BASE/reports-pvc\n');
  assert.deepEqual(problems(docs), []);
  const reports = podOf(docs).volumes.find((v: Doc) => v.name === 'reports');
  assert.deepEqual(reports, { name: 'reports', persistentVolumeClaim: { claimName: 'scs-chaos-reports' } });
  assert.ok(docs.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === 'scs-chaos-reports' && d.metadata.namespace === 'scs-chaos'));
});

test('ci/k8s/rbac.yaml is what the command in kustomization.yaml generates today', () => {
  const command = /npx scs-chaos (k8s rbac .+?) > ci\/k8s\/rbac\.yaml/.exec(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8'));
  assert.ok(command?.[1], 'kustomization.yaml names the command that generates rbac.yaml');
  const generated = execFileSync(process.execPath, [join(REPO, 'bin', 'scs-chaos.js'), ...command[1].split(' ')], { cwd: REPO, encoding: 'utf8' });
  assert.equal(readFileSync(join(BASE, 'rbac.yaml'), 'utf8'), generated, `ci/k8s/rbac.yaml is stale: regenerate it with npx scs-chaos ${command[1]} > ci/k8s/rbac.yaml`);
});

/** The container's script, run by /bin/sh with a stub `node` on PATH that plays run, report and gate. */
interface Played {
  code: number | null;
  calls: string[];
}

const STUB = `#!/bin/sh
# $1 is the CLI's path, $2 the command. STUB_RUN: "<exit> [new|none|sleep]"; STUB_GATE: the gate's exit.
shift; echo "$*" >>"$STUB_LOG"
case "$1" in
  run)
    set -- $STUB_RUN
    case "$2" in
      new) mkdir -p "$SCS_CHAOS_REPORTS/run-2"; ln -sfn run-2 "$SCS_CHAOS_REPORTS/latest" ;;
      sleep) trap 'echo reverted >>"$STUB_LOG"; exit 4' TERM; echo started >>"$STUB_LOG"; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done ;;
    esac
    exit "$1" ;;
  report) exit 0 ;;
  gate) exit "$STUB_GATE" ;;
esac
`;

async function play(script: string, run: string, gate = 0, signal = false): Promise<Played> {
  const dir = mkdtempSync(join(tmpdir(), 'cronjob-script-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'node'), STUB);
    chmodSync(join(bin, 'node'), 0o755);
    const reports = join(dir, 'reports');
    mkdirSync(join(reports, 'run-1'), { recursive: true });
    symlinkSync('run-1', join(reports, 'latest'));
    const log = join(dir, 'log');
    writeFileSync(log, '');
    const env = { PATH: `${bin}:/usr/bin:/bin`, STUB_LOG: log, STUB_RUN: run, STUB_GATE: String(gate), SCS_CHAOS_ENV: '/config/environment.yaml', SCS_CHAOS_FEATURES: '/features', SCS_CHAOS_REPORTS: reports, SCS_CHAOS_POLICY: 'ci/gate.yaml' };
    // Its own process group, killed whole if the script hangs (a signal it never passed on).
    const child = spawn('/bin/sh', ['-c', script], { env, stdio: 'ignore', detached: true });
    const hung = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 15_000);
    if (signal) {
      const started = Date.now();
      while (!readFileSync(log, 'utf8').includes('started') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(hung);
    return { code, calls: readFileSync(log, 'utf8').trim().split('\n').map((line) => line.replace(dir, 'DIR')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the container script: the gate\'s exit code, bad input at once, no older run judged, SIGTERM forwarded', { skip: needsKubectl, timeout: 60_000 }, async () => {
  const runner = podOf(build()).containers[0];
  assert.deepEqual(runner.command, ['/bin/sh', '-c']);
  const script = runner.args[0] as string;
  const run = 'run --env /config/environment.yaml --reports DIR/reports /features';
  const judged = ['report DIR/reports/run-2', 'gate --policy ci/gate.yaml DIR/reports/run-2'];
  assert.deepEqual(await play(script, '1 new', 0), { code: 0, calls: [run, ...judged] });
  assert.deepEqual(await play(script, '0 new', 1), { code: 1, calls: [run, ...judged] });
  assert.deepEqual(await play(script, '2 none'), { code: 2, calls: [run] });
  assert.deepEqual(await play(script, '3 none'), { code: 3, calls: [run] });
  assert.deepEqual(await play(script, '0 sleep', 0, true), { code: 4, calls: [run, 'started', 'reverted'] });
});
