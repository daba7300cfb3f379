/**
 * The Allure path end to end, without the lab: the project's own steps and hooks run the fixture feature
 * (fixtures/verdicts.feature) through run.ts's plan and execute passes — Cucumber with allure-cucumberjs as
 * the execute pass's formatter — against real things this test starts on this machine: an HTTP server on
 * 127.0.0.1 (service "web", probed for real) and a sleep process (service "sleeper", killed for real through
 * the local executor; a one-shot fault, so no revert marker or expiry timer is written anywhere).
 * Then the results are enriched as `scs-chaos run` does and checked file by file; `scs-chaos report` renders
 * them with Allure 3 after each of two runs, and the shared history file must have grown by one line per run.
 * Where Debian's chromium is installed, the report is opened headless from file:// and must log nothing.
 */
import '../../kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from 'allure-js-commons';
import { Journal } from '../../core/journal';
import type { RunContext } from '../../core/run-context';
import { setRunContext } from '../../core/run-context';
import { loadEnvironment } from '../../environment/load';
import { createRunDirectory, newRunId } from '../../cli/run-directory';
import { planPass, runCucumberPass, PlanResult, RunOptions } from '../../cli/run';
import { buildRunSummary, writeRunReports } from '../write-run';
import type { RunSummary } from '../../model/summary';
import { ALLURE_RESULTS, enrichAfterRun, enrichAllureResults } from './enrich';
import { ALLURE_RUNTIME_MESSAGE, SCENARIO_LABEL } from './scenario-key';
import { main } from '../../cli/main';
import { renderAllureReport } from './render';
import { reportCommand } from '../../cli/report';
import { BadInput } from '../../kernel/errors';

const FEATURE = 'src/report/allure/fixtures/verdicts.feature';
const CHROMIUM = '/usr/bin/chromium';
const CLI = join(__dirname, '..', '..', '..', 'bin', 'scs-chaos.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** run: a child process in its own process group, killed with the whole group when it overruns or ends. */
function run(command: string, args: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(killGroup, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup(); // helpers a browser may leave behind
      resolve({ code, stdout, stderr });
    });
  });
}

const cli = (args: string[]): Promise<Ran> => run(process.execPath, [CLI, ...args], 120_000);

function historyOf(path: string): { name: string; testResults: Record<string, { status: string }> }[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { name: string; testResults: Record<string, { status: string }> });
}

describe('Allure results and report from a real Cucumber run', { timeout: 240_000 }, () => {
  let dir: string;
  let server: Server;
  let sleeper: ChildProcess | null = null;
  let sleeperArg: string;
  const runs: { runDir: string; summary: RunSummary; log: string[] }[] = [];
  let plan: PlanResult;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-chaos-allure-'));
    server = createServer((_req, res) => res.end('ok\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // A sleep whose argument no other process on the machine has: the kill can only ever hit this one.
    sleeperArg = `86400.${process.pid}${Math.floor(Math.random() * 1e6)}`;
    writeFileSync(join(dir, 'env.yaml'), [
      'name: allure-test',
      'nodes:',
      '  - { name: local, address: 127.0.0.1, roles: [web, sleeper], executor: { kind: local } }',
      'services:',
      `  web: { roles: [web], port: ${port}, endpoint: "http://127.0.0.1:${port}/" }`,
      `  sleeper: { roles: [sleeper], port: 1, processMatch: "[s]leep ${sleeperArg.replace('.', '\\\\.')}$" }`,
      `  ghost: { roles: [sleeper], port: 1, processMatch: "[n]o-such-process-${sleeperArg}" }`,
      'scope: { nodes: [local], maxNodesAtOnce: 1, allowDestructive: false }',
      'defaults: { probeTimeout: 300ms, stabilization: 500ms }',
      '',
    ].join('\n'));
  });

  after(async () => {
    setRunContext(null);
    if (sleeper && sleeper.exitCode === null && sleeper.signalCode === null) sleeper.kill('SIGKILL');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** One execute pass, as runCommand does it after preflight (which asks nft and so is not run here). */
  async function executeRun(): Promise<void> {
    sleeper = spawn('sleep', [sleeperArg], { stdio: 'ignore' });
    const env = loadEnvironment(join(dir, 'env.yaml'));
    const runId = newRunId();
    const runDir = createRunDirectory(join(dir, 'reports'), runId);
    const journal = new Journal(join(runDir, 'journal.jsonl'));
    const log: string[] = [];
    const ctx: RunContext = {
      runId, runDir, env, mode: 'execute', seed: plan.seed, journal,
      interruption: new AbortController(), scenarios: [], planned: [], plannedScenarios: [],
      log: (line) => log.push(line),
    };
    const startedAt = new Date().toISOString();
    try {
      await runCucumberPass(plan.runConfiguration, plan.support, ctx);
    } finally {
      journal.close();
      setRunContext(null);
    }
    const summary = buildRunSummary({ runId, environment: env.name, startedAt, scenarios: ctx.scenarios, seed: plan.seed });
    writeRunReports(runDir, summary);
    enrichAfterRun(runDir, summary, (line) => log.push(line));
    runs.push({ runDir, summary, log });
  }

  function results(runDir: string): Map<string, TestResult> {
    const byScenario = new Map<string, TestResult>();
    const resultsDir = join(runDir, ALLURE_RESULTS);
    for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'))) {
      const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as TestResult;
      byScenario.set(result.name ?? '', result);
    }
    return byScenario;
  }

  const labels = (result: TestResult, name: string): string[] => result.labels.filter((l) => l.name === name).map((l) => l.value);

  it('plans the fixture feature with the project profile', async () => {
    const env = loadEnvironment(join(dir, 'env.yaml'));
    const options: RunOptions = { envPath: join(dir, 'env.yaml'), profile: 'default', paths: [FEATURE], reportsDir: join(dir, 'reports'), seed: 42, log: () => undefined };
    plan = await planPass(env, options);
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.scenarioCount, 5);
  });

  it('runs it with the Allure formatter and maps our verdicts onto Allure statuses', async () => {
    await executeRun();
    const { runDir, summary, log } = runs[0]!;
    const verdicts = Object.fromEntries(summary.scenarios.map((s) => [s.name, s.verdict]));
    assert.deepEqual(verdicts, {
      'a killed bystander process leaves web available': 'passed',
      'an impossible latency is refuted, as its tag expects': 'failed',
      'an impossible latency is refuted, unexpectedly': 'failed',
      'a process that is not there cannot be killed': 'compromised',
      'an impossible steady state is not steady': 'not-steady',
    }, log.join('\n'));
    const byName = results(runDir);
    assert.equal(byName.size, 5);
    const status = Object.fromEntries([...byName].map(([name, r]) => [name, r.status]));
    assert.deepEqual(status, {
      'a killed bystander process leaves web available': 'passed',
      // Cucumber saw a failed step; our run counts the expected refutation as a pass.
      'an impossible latency is refuted, as its tag expects': 'passed',
      'an impossible latency is refuted, unexpectedly': 'failed',
      'a process that is not there cannot be killed': 'broken',
      'an impossible steady state is not steady': 'broken',
    });
    const expected = byName.get('an impossible latency is refuted, as its tag expects')!;
    assert.match(expected.statusDetails.message ?? '', /^verdict failed, as expected \(@expect-failed\): web: SLO "p\(99\) < 0.001ms" not met/);
    assert.match(expected.description ?? '', /#### scs-chaos verdict[\s\S]*\| web \| p\(99\) < 0.001ms \| before \| [\d.]+ms \| \*\*no\*\* \|/);
  });

  it('labels each result with layer, fault kind, failure level, verdict and environment, and adds parameters', () => {
    const { runDir, summary } = runs[0]!;
    const killed = results(runDir).get('a killed bystander process leaves web available')!;
    assert.deepEqual(labels(killed, 'layer'), ['nodes']);
    assert.deepEqual(labels(killed, 'faultKind'), ['process-kill']);
    assert.deepEqual(labels(killed, 'failureLevel'), ['L1']);
    assert.deepEqual(labels(killed, 'verdict'), ['passed']);
    assert.deepEqual(labels(killed, 'environment'), ['allure-test']);
    assert.deepEqual(labels(killed, SCENARIO_LABEL), [summary.scenarios[0]!.id]);
    assert.ok(labels(killed, 'tag').includes('@failsafe-L1'), 'allure-cucumberjs keeps the tags');
    const parameters = Object.fromEntries(killed.parameters.map((p) => [p.name, p.value]));
    assert.deepEqual(parameters, { environment: 'allure-test', seed: '42', targets: 'sleeper on local' });
    const refuted = results(runDir).get('an impossible latency is refuted, as its tag expects')!;
    assert.deepEqual(labels(refuted, 'expectedVerdict'), ['failed']);
    assert.deepEqual(labels(refuted, 'faultKind'), []);
  });

  it('attaches samples.csv, the journal excerpt, timeline.json and the evidence, byte for byte', () => {
    const { runDir, summary } = runs[0]!;
    const killedSummary = summary.scenarios.find((s) => s.faults.length === 1)!;
    const killed = results(runDir).get(killedSummary.name)!;
    const byName = new Map(killed.attachments.map((a) => [a.name, a]));
    const read = (name: string): string => readFileSync(join(runDir, ALLURE_RESULTS, byName.get(name)!.source), 'utf8');
    const slug = readdirSync(join(runDir, 'scenarios')).find((d) => d.endsWith(`-${killedSummary.line}`))!;
    assert.equal(read('probe samples (samples.csv)'), readFileSync(join(runDir, 'scenarios', slug, 'samples.csv'), 'utf8'));
    assert.equal(read('timeline (timeline.json)'), readFileSync(join(runDir, 'scenarios', slug, 'timeline.json'), 'utf8'));
    assert.equal(byName.get('probe samples (samples.csv)')!.type, 'text/csv');
    // The journal excerpt: this scenario's intent and injected lines, verbatim, and nothing of other scenarios.
    const injectionId = killedSummary.faults[0]!.injectionId;
    const excerpt = read('journal excerpt (journal.jsonl)').trim().split('\n');
    assert.deepEqual(excerpt.map((l) => (JSON.parse(l) as { type: string }).type), ['inject-intent', 'injected']);
    assert.ok(excerpt.every((l) => l.includes(injectionId)));
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
    for (const line of excerpt) assert.ok(journal.includes(line));
    // Evidence: the refuted SLO's observation, as summary.json has it.
    const refutedSummary = summary.scenarios.find((s) => s.name === 'an impossible latency is refuted, unexpectedly')!;
    const refuted = results(runDir).get(refutedSummary.name)!;
    const evidence = refuted.attachments.find((a) => a.name === 'evidence')!;
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, ALLURE_RESULTS, evidence.source), 'utf8')), refutedSummary.evidence);
    assert.equal(refuted.attachments.some((a) => a.name === 'journal excerpt (journal.jsonl)'), false, 'no injection, no excerpt');
  });

  it('enriches idempotently and attaches a timeline plot written after the run', () => {
    const { runDir, summary } = runs[0]!;
    const before = results(runDir);
    const slug = readdirSync(join(runDir, 'scenarios')).sort()[0]!;
    writeFileSync(join(runDir, 'scenarios', slug, 'timeline.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n');
    const outcome = enrichAllureResults(runDir, summary);
    assert.deepEqual(outcome, { enriched: 5, unmatched: 0, missing: [] });
    const after = results(runDir);
    for (const [name, result] of after) {
      const was = before.get(name)!;
      assert.equal(result.labels.length, was.labels.length, name);
      assert.equal(result.parameters.length, was.parameters.length, name);
      assert.equal(result.description, was.description, name);
    }
    const plotted = [...after.values()].filter((r) => r.attachments.some((a) => a.name === 'timeline plot' && a.type === 'image/svg+xml'));
    assert.equal(plotted.length, 1);
    const files = readdirSync(join(runDir, ALLURE_RESULTS)).filter((f) => f.includes('-scs-'));
    const referenced = [...after.values()].flatMap((r) => r.attachments.map((a) => a.source)).filter((s) => s.includes('-scs-'));
    assert.deepEqual(files.sort(), referenced.sort(), 'no attachment file is orphaned by a second pass');
  });

  it('`scs-chaos report` renders one HTML file with Allure 3, and the history grows by one line per run', async () => {
    const historyPath = join(dir, 'reports', 'history.jsonl');
    const first = await cli(['report', runs[0]!.runDir]);
    assert.equal(first.code, 0, first.stderr);
    const indexHtml = join(runs[0]!.runDir, 'allure-report', 'index.html');
    assert.deepEqual(first.stdout.trim().split('\n'), [join(runs[0]!.runDir, 'index.html'), indexHtml], 'the summary page, then the Allure report');
    const html = readFileSync(indexHtml, 'utf8');
    assert.match(html, new RegExp(`<title> scs-chaos ${runs[0]!.summary.runId} \\(allure-test\\) </title>`));
    assert.doesNotMatch(html, /googletagmanager/);
    assert.equal(historyOf(historyPath).length, 1);
    // Rendering the same run again replaces its history line (in process: the same code, without a second start-up).
    const again = await renderAllureReport({ runDir: runs[0]!.runDir, historyPath, reportName: `scs-chaos ${runs[0]!.summary.runId} (allure-test)` });
    assert.equal(again.historyEntries, 1);
    assert.equal(historyOf(historyPath).length, 1);

    await executeRun();
    const second = await cli(['report', runs[1]!.runDir]);
    assert.equal(second.code, 0, second.stderr);
    const history = historyOf(historyPath);
    assert.deepEqual(history.map((h) => h.name), runs.map((r) => `scs-chaos ${r.summary.runId} (allure-test)`));
    // Per-scenario trends: the same five history ids in both runs, with our statuses.
    assert.deepEqual(Object.keys(history[0]!.testResults).sort(), Object.keys(history[1]!.testResults).sort());
    assert.deepEqual(Object.values(history[1]!.testResults).map((t) => t.status).sort(), ['broken', 'broken', 'failed', 'passed', 'passed']);
  });

  it('opens in headless Chromium from file:// with no console message', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (apt-get install chromium); the page was not opened`);
      return;
    }
    const profile = mkdtempSync(join(tmpdir(), 'scs-chaos-chromium-'));
    try {
      const page = `file://${join(runs[1]!.runDir, 'allure-report', 'index.html')}`;
      const browser = await run(CHROMIUM, [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
        '--virtual-time-budget=8000', '--dump-dom', page,
      ], 60_000);
      assert.equal(browser.code, 0, browser.stderr);
      const consoleLines = browser.stderr.split('\n').filter((line) => line.includes(':CONSOLE'));
      assert.deepEqual(consoleLines, []);
      // The rendered tree names the layer and every scenario (the data is inside the one file).
      for (const scenario of runs[1]!.summary.scenarios) assert.ok(browser.stdout.includes(scenario.name), `${scenario.name} not on the page`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('refuses what is not a finished run directory with exit 2 and a fix', async () => {
    assert.equal(await main(['report', join(dir, 'no-such-run')]), 2);
    assert.equal(await main(['report', '--colour']), 2);
    await assert.rejects(reportCommand([join(dir, 'reports')], () => undefined), (e: Error) => e instanceof BadInput && /has no summary\.json[\s\S]*fix:/.test(e.message));
    await assert.rejects(reportCommand(['a', 'b'], () => undefined), (e: Error) => e instanceof BadInput && /one run directory/.test(e.message));
  });

  it('uses the media type allure-cucumberjs reads runtime messages from', () => {
    const probe = spawnSync(process.execPath, ['-p', "require('allure-js-commons/sdk/reporter').ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE"], { encoding: 'utf8' });
    assert.equal(probe.stdout.trim(), ALLURE_RUNTIME_MESSAGE);
  });
});
