/**
 * Integration test against a real Prometheus 2.42 and node exporter from Debian's packages (and haproxy's own
 * Prometheus exporter), started by this test on 127.0.0.1 ports 19090, 19100 and 19404 (or other free ports in
 * 19000-19999 when something else holds them; concurrent runs take turns) with a data directory
 * under a temporary folder, configured by the lab's config generator. Proves that a PromqlProbe sees a real
 * outage (node exporter killed) and reports a stopped Prometheus as a measurement problem, never as an outage.
 * Skipped, saying why, when not root or when the packages are missing (lab/install-packages.sh installs them).
 * Everything started here is stopped in `after`, also when a step fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { now, sleep } from '../kernel/clock';
import { BadInput } from '../kernel/errors';
import { expectedTargets, nodeExporterArgv, prometheusArgv, PrometheusConfigInput, prometheusConfigYaml } from '../../lab/prometheus/config';
import { findPrometheusTool } from '../../lab/prometheus/tools';
import { instantQuery, PrometheusUnavailable, rangeQuery, targets, waitForTargetsUp } from './client';
import { PromqlProbe, PromqlSample } from './promql-probe';
import { evaluatePromqlSlo, parsePromqlSlo, promqlCondition } from './promql-slo';

/** Preferred ports; one taken by something else is replaced by a free one in 19000-19999. */
const PREFERRED_PORTS = { prometheus: 19090, nodeExporter: 19100, haproxy: 19404 };

/** Why this test cannot run here, or undefined when it can. */
function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'Prometheus integration test needs root (as the lab tests do); run it as root, e.g. in CI';
  const missing = (['prometheus', 'prometheus-node-exporter'] as const).filter((tool) => findPrometheusTool(tool) === undefined);
  if (missing.length > 0) return `Prometheus integration test needs ${missing.join(' and ')}: run lab/install-packages.sh as root`;
  return undefined;
}

/** The processes this test started, by name; each is stopped by pid, never by a name pattern. */
class Started {
  private readonly children = new Map<string, ChildProcess>();

  constructor() {
    // Last resort if the test process exits without `after` (uncaught error): leave nothing running.
    process.on('exit', () => this.killAllNow());
  }

  /** start spawns `argv` with stdout and stderr to `logFile`; fails when it exits within 200 ms (bad flag, busy port). */
  async start(name: string, argv: string[], logFile: string): Promise<ChildProcess> {
    const fd = openSync(logFile, 'a');
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.children.set(name, child);
    const early = await Promise.race([
      new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
      sleep(200).then(() => 'running' as const),
    ]);
    if (early !== 'running') {
      throw new Error(`${name} exited at once with code ${early}: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    }
    return child;
  }

  /** stop sends `sig` and waits for the exit; SIGKILL after `graceMs`. */
  async stop(name: string, sig: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A cleared timer, not sleep(): a pending grace timer would keep the test process alive for graceMs.
    const escalation = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill(sig);
    await exited;
    clearTimeout(escalation);
  }

  /** stopAll stops every process still running, Prometheus first (it scrapes the others). */
  async stopAll(): Promise<void> {
    for (const name of [...this.children.keys()].reverse()) await this.stop(name);
  }

  private killAllNow(): void {
    for (const child of this.children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Takes the machine-wide lock of this test (a file holding the owner's pid; a dead owner's lock is taken over), so
 * two runs on one machine (developers share it) take turns instead of racing for the same ports. Returns its release.
 */
async function lockMachineWide(timeoutMs: number): Promise<() => Promise<void>> {
  const path = join(tmpdir(), 'scs-chaos-prometheus-integration.lock');
  const deadline = now() + timeoutMs;
  for (;;) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(path, 'utf8').catch(() => ''));
    if (!(owner > 0) || !isRunning(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (now() > deadline) throw new Error(`another run of this test (pid ${owner}) still holds ${path} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** isRunning: whether `pid` exists (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether 127.0.0.1:`port` can be listened on right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** "127.0.0.1:port" with `preferred` if free, else another free port in 19000-19999 not in `taken`. */
async function freeAddress(preferred: number, taken: Set<number>): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = attempt === 0 ? preferred : 19000 + Math.floor(Math.random() * 1000);
    if (!taken.has(port) && (await portFree(port))) {
      taken.add(port);
      return `127.0.0.1:${port}`;
    }
  }
  throw new Error(`no free port in 127.0.0.1:19000-19999 (wanted ${preferred}); stop what listens there and rerun`);
}

/** Runs `refresh` (if any) and polls `condition` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
async function waitFor(what: string, timeoutMs: number, condition: () => boolean, refresh?: () => Promise<void>): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    if (refresh) await refresh();
    if (condition()) return;
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(refresh ? 250 : 50);
  }
}

test('PromQL probes and SLOs against a real Prometheus 2.42, node exporter and haproxy', { timeout: 60_000 }, async (t) => {
  const reason = skipReason();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const unlock = await lockMachineWide(30_000);
  const dir = await mkdtemp(join(tmpdir(), 'scs-chaos-prometheus-'));
  const started = new Started();
  t.after(async () => {
    await started.stopAll();
    await rm(dir, { recursive: true, force: true });
    await unlock();
  });
  const taken = new Set<number>();
  const prometheusAddress = await freeAddress(PREFERRED_PORTS.prometheus, taken);
  const nodeExporterAddress = await freeAddress(PREFERRED_PORTS.nodeExporter, taken);
  const haproxyAddress = await freeAddress(PREFERRED_PORTS.haproxy, taken);
  const url = `http://${prometheusAddress}`;
  t.diagnostic(`Prometheus ${prometheusAddress}, node exporter ${nodeExporterAddress}, haproxy metrics ${haproxyAddress}; files in ${dir}`);

  // haproxy's exporter, as on the lab edge (only the stats frontend; the lab's haproxy is not touched).
  const haproxy = findHaproxy();
  const input: PrometheusConfigInput = {
    scrapeIntervalSec: 1,
    ...(haproxy ? { haproxyTarget: haproxyAddress } : {}),
    nodeExporterTargets: [{ node: 'node-1', target: nodeExporterAddress }],
    selfTarget: prometheusAddress,
  };
  const configPath = join(dir, 'prometheus.yml');
  const textfileDir = join(dir, 'node-exporter-textfile');
  await mkdir(textfileDir);
  await writeFile(configPath, prometheusConfigYaml(input));
  await started.start('node-exporter', nodeExporterArgv({ listenAddress: nodeExporterAddress, textfileDir }), join(dir, 'node-exporter.log'));
  if (haproxy) {
    const haproxyConfig = join(dir, 'haproxy.cfg');
    await writeFile(haproxyConfig, [
      'defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
      'frontend stats', `    bind ${haproxyAddress}`, '    http-request use-service prometheus-exporter if { path /metrics }', '',
    ].join('\n'));
    await started.start('haproxy', [haproxy, '-db', '-f', haproxyConfig], join(dir, 'haproxy.log'));
  }
  const prometheusStarted = now();
  await started.start('prometheus', prometheusArgv({ configPath, dataDir: join(dir, 'data'), listenAddress: prometheusAddress }), join(dir, 'prometheus.log'));

  await t.test('every configured target is up within 20 s of Prometheus starting', async () => {
    const { elapsedMs } = await waitForTargetsUp(url, expectedTargets(input), 20_000);
    t.diagnostic(`targets up ${Math.round(now() - prometheusStarted)} ms after Prometheus started (waited ${elapsedMs} ms)`);
    const active = await targets(url);
    assert.deepEqual(active.map((a) => `${a.job}/${a.instance}=${a.health}`).sort(), expectedTargets(input).map((e) => `${e.job}/${e.instance}=up`).sort());
  });

  await t.test('instant query: up is 1 for every target; a scalar comes back as a scalar', async () => {
    const result = await instantQuery(url, 'up', { timeoutMs: 2000 });
    assert.equal(result.resultType, 'vector');
    if (result.resultType !== 'vector') return;
    assert.deepEqual(result.vector.map((e) => `${e.metric.job}=${e.value}`).sort(), expectedTargets(input).map((e) => `${e.job}=1`).sort());
    assert.ok(Math.abs(result.vector[0]!.t - Date.now() / 1000) < 5, 'the evaluation time is now, in Unix seconds');
    const perJob = await instantQuery(url, 'count by (job) ({__name__=~".+"})', { timeoutMs: 2000 });
    if (perJob.resultType === 'vector') t.diagnostic(`series per job: ${perJob.vector.map((e) => `${e.metric.job}=${e.value}`).join(', ')}`);
    const count = await instantQuery(url, 'scalar(count(up))', { timeoutMs: 2000, time: Date.now() / 1000 });
    assert.deepEqual(count.resultType === 'scalar' ? count.value : count, expectedTargets(input).length);
  });

  await t.test('bad PromQL is BadInput naming the query', async () => {
    await assert.rejects(instantQuery(url, 'sum(rate(up[1m)', { timeoutMs: 2000 }), (error: unknown) => error instanceof BadInput && error.message.includes('"sum(rate(up[1m)"'));
    await assert.rejects(rangeQuery(url, 'up', { startSec: 0, endSec: Date.now() / 1000, stepSec: 0.001, timeoutMs: 2000 }), BadInput);
  });

  const slo = parsePromqlSlo('promql(up{job="node"}) == 1');
  const samples: PromqlSample[] = [];
  const probe = new PromqlProbe({ name: 'node-up', baseUrl: url, query: slo.query, condition: promqlCondition(slo), intervalMs: 250, onSample: (s) => samples.push(s) });
  t.after(() => probe.stop());
  probe.start();
  let killedAt = 0;

  await t.test('the probe samples up{job="node"} as ok while node exporter runs', async () => {
    await waitFor('4 samples', 5000, () => samples.length >= 4);
    assert.ok(samples.every((s) => s.ok && s.value === 1 && s.series === 1 && !s.measurementProblem), JSON.stringify(samples));
    assert.equal(evaluatePromqlSlo(slo, samples, 'before', 'node-up').met, true);
  });

  await t.test('range query: a matrix with a point per step', async () => {
    // Right after targets came up there may be a single scrape; a few more come within a few seconds.
    let points: Array<{ t: number; value: number }> = [];
    await waitFor('3 points of up{job="node"} in a 3 s range', 5000, () => points.length >= 3, async () => {
      const end = Date.now() / 1000;
      const matrix = await rangeQuery(url, 'up{job="node"}', { startSec: end - 3, endSec: end, stepSec: 1, timeoutMs: 2000 });
      assert.equal(matrix.length, 1);
      assert.equal(matrix[0]!.metric.node, 'node-1');
      points = matrix[0]!.values;
    });
    assert.ok(points.every((p) => p.value === 1), JSON.stringify(points));
    assert.ok(points.every((p, i) => i === 0 || p.t - points[i - 1]!.t === 1), 'one point per 1 s step');
  });

  await t.test('after node exporter is killed, the probe\'s samples go bad within a few scrape intervals', async () => {
    killedAt = now();
    await started.stop('node-exporter', 'SIGKILL');
    await waitFor('a bad sample after the kill', 5000, () => samples.some((s) => s.t > killedAt && !s.ok));
    const firstBad = samples.find((s) => s.t > killedAt && !s.ok) as PromqlSample;
    t.diagnostic(`outage seen by the probe ${Math.round(firstBad.t - killedAt)} ms after the kill (scrape interval 1 s)`);
    assert.deepEqual({ value: firstBad.value, error: firstBad.error, measurementProblem: firstBad.measurementProblem }, { value: 0, error: 'condition', measurementProblem: undefined });
    const during = evaluatePromqlSlo(slo, samples.filter((s) => s.t > killedAt), 'during', 'node-up');
    assert.deepEqual({ met: during.met, observed: during.observed }, { met: false, observed: 0 });
    await assert.rejects(waitForTargetsUp(url, [{ job: 'node', instance: nodeExporterAddress }], 1000), (error: Error) =>
      error.message.includes(`node/${nodeExporterAddress}: down (`) && error.message.includes('connection refused'));
  });

  await t.test('with Prometheus stopped, samples are measurement problems, not outages', async () => {
    const stoppedAt = now();
    await started.stop('prometheus', 'SIGTERM');
    await waitFor('a measurement problem after the stop', 5000, () => samples.some((s) => s.t > stoppedAt && s.measurementProblem === true));
    const problems = samples.filter((s) => s.t > stoppedAt);
    const firstProblem = problems.find((s) => s.measurementProblem === true) as PromqlSample;
    assert.equal(firstProblem.error, 'unavailable');
    assert.match(firstProblem.detail ?? '', /connection refused/);
    const result = evaluatePromqlSlo(slo, problems.filter((s) => s.measurementProblem === true), 'after', 'node-up');
    assert.match(result.observedText, /^no usable samples \(\d+ measurement problems\)$/);
    await assert.rejects(
      instantQuery(url, 'up', { timeoutMs: 1000 }),
      (error: unknown) => error instanceof PrometheusUnavailable && error.message === `Prometheus at ${url} is unavailable: connection refused (is Prometheus running and listening on this address?)`,
    );
  });
  await probe.stop();
});

/** haproxy's path when installed (the lab installs it); the haproxy job is left out without it. */
function findHaproxy(): string | undefined {
  return ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
