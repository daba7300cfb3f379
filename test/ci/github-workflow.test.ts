/**
 * The GitHub Actions workflow (ci/github/scs-chaos-nightly.yml), run locally step by step (gha-local-runner.ts)
 * against a real one-node environment on this machine: an HTTP server on 127.0.0.1 whose process the scenario
 * really pauses (SIGSTOP/SIGCONT through the local executor). Twice: a run that passes, where the job succeeds with
 * gate PASS, and a run whose hypothesis is refuted, where the job fails at its last step with gate FAIL — in both
 * the reports (summary.json, gate.json, the pages) are uploaded. The workspace is a temporary directory that links
 * the repository's files (a checkout), so the job's reports/ is its own.
 * GitHub-hosted actions: checkout and setup-node are skipped (this checkout, this Node), `npm ci` is skipped
 * (node_modules is installed), upload-artifact is a stand-in that copies the path (listed in the README's doubles).
 * Needs root: the pause fault's revert marker lives in /run/scs-chaos/<node>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { runJobLocally, LocalJob } from './gha-local-runner';

const REPO = join(__dirname, '..', '..');
const WORKFLOW = join(REPO, 'ci', 'github', 'scs-chaos-nightly.yml');
const skip = process.getuid?.() !== 0 ? 'needs root (the pause fault keeps its revert marker in /run/scs-chaos/<node>)' : false;

let dir = '';
let workspace = '';
let server: ChildProcess | undefined;
// The fault's marker directory /run/scs-chaos/<node> is this test's; it is removed after the test when empty.
const node = 'gha-local';

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'scs-chaos-gha-'));
  workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  for (const entry of readdirSync(REPO)) if (entry !== 'reports' && entry !== '.git') symlinkSync(join(REPO, entry), join(workspace, entry));
  const port = await freePort();
  const tag = `scs-chaos-gha-web-${process.pid}`;
  server = spawn(process.execPath, ['-e', `require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`, tag], { stdio: 'ignore' });
  writeFileSync(join(dir, 'local.yaml'), [
    'name: workflow-local',
    'description: one node on this machine, an HTTP server on loopback',
    'nodes:',
    `  - { name: ${node}, address: 127.0.0.1, roles: [web], executor: { kind: local } }`,
    'services:',
    '  web:',
    '    roles: [web]',
    `    port: ${port}`,
    `    endpoint: http://127.0.0.1:${port}/`,
    `    processMatch: "[s]${tag.slice(1)}$"`,
    'scope:',
    `  nodes: [${node}]`,
    '  maxNodesAtOnce: 1',
    '  allowDestructive: false',
    'defaults: { faultTtlGrace: 10s, probeRate: 10, probeTimeout: 500ms, stabilization: 1s }',
    '',
  ].join('\n'));
  const feature = (title: string, then: string): string =>
    ['Feature: the nightly workflow, locally', '  @failsafe-L1', `  Scenario: ${title}`, '    Given web is probed over HTTP at 10 Hz',
      '    And availability of web is at least 99% for 1s in steady state', `    When the web process on ${node} is paused for 1s`, `    Then ${then}`, ''].join('\n');
  writeFileSync(join(dir, 'recovers.feature'), feature('web is back after its server was paused', 'web recovers within 3s'));
  writeFileSync(join(dir, 'refuted.feature'), feature('web stays fully available while its server is paused', 'availability of web stays at or above 100% during the fault'));
  for (let i = 0; i < 50 && !(await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
});

after(() => {
  server?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  const markers = join('/run/scs-chaos', node);
  if (existsSync(markers) && readdirSync(markers).length === 0) rmdirSync(markers);
});

async function runWorkflow(feature: string, artifacts: string): Promise<LocalJob> {
  return runJobLocally({
    workflowFile: WORKFLOW,
    job: 'chaos',
    matrix: { cloud: 'local', environment: join(dir, 'local.yaml') },
    inputs: { profile: 'default', features: join(dir, feature) },
    cwd: workspace,
    skip: {
      'actions/checkout': 'the workspace links this checkout',
      'actions/setup-node': 'Node is the one running this test',
      install: 'node_modules is installed (npm ci would replace it)',
    },
    actions: {
      'actions/upload-artifact': (inputs) => {
        if (!existsSync(inputs.path as string)) return 1;
        cpSync(inputs.path as string, join(artifacts, inputs.name as string), { recursive: true, dereference: true });
        return 0;
      },
    },
  });
}

const outcomes = (job: LocalJob): Record<string, string> => Object.fromEntries(job.steps.map((s) => [s.name, s.outcome]));
const explain = (job: LocalJob): string => job.steps.map((s) => `--- ${s.name}: ${s.outcome} (${s.exitCode ?? s.skipped})\n${s.output.slice(-1500)}`).join('\n');

test('the nightly workflow, run step by step, passes with the gate when the scenario passes', { skip, timeout: 120_000 }, async () => {
  const artifacts = join(dir, 'artifacts-pass');
  const job = await runWorkflow('recovers.feature', artifacts);
  assert.equal(job.conclusion, "success", explain(job));
  assert.deepEqual(outcomes(job), {
    'actions/checkout@v4': 'skipped', 'actions/setup-node@v4': 'skipped', install: 'skipped', credentials: 'success', plan: 'success',
    run: 'success', report: 'success', gate: 'success', 'upload reports': 'success', 'gate result': 'success',
  }, explain(job));
  const uploaded = join(artifacts, 'scs-chaos-local');
  const gate = JSON.parse(readFileSync(join(uploaded, 'gate.json'), 'utf8')) as { passed: boolean };
  assert.equal(gate.passed, true);
  for (const file of ['summary.json', 'junit.xml', 'index.html', join('allure-report', 'index.html')]) assert.ok(existsSync(join(uploaded, file)), `${file} uploaded`);
  assert.match(job.stepSummary, /gate: PASS/);
});

test('the nightly workflow fails at its last step with the gate when the hypothesis is refuted, and still uploads the reports', { skip, timeout: 120_000 }, async () => {
  const artifacts = join(dir, 'artifacts-fail');
  const job = await runWorkflow('refuted.feature', artifacts);
  assert.equal(job.conclusion, 'failure', explain(job));
  const steps = outcomes(job);
  assert.equal(steps.run, 'success', `a refuted hypothesis (exit 1) is the gate's to judge\n${explain(job)}`);
  assert.equal(job.steps.find((s) => s.name === 'run')?.output.includes('exit code 1') ?? false, true, explain(job));
  assert.equal(steps.gate, 'failure');
  assert.equal(steps['upload reports'], 'success');
  assert.equal(job.steps.at(-1)?.name, 'gate result');
  assert.equal(job.steps.at(-1)?.outcome, 'failure');
  const summary = JSON.parse(readFileSync(join(artifacts, 'scs-chaos-local', 'summary.json'), 'utf8')) as { scenarios: { verdict: string }[]; gate?: { passed: boolean } };
  assert.equal(summary.scenarios[0]?.verdict, 'failed');
  assert.equal(summary.gate?.passed, false, 'the gate recorded its FAIL in the uploaded summary');
  assert.match(job.stepSummary, /gate: FAIL/);
});
