import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BadInput } from '../kernel/errors';
import { chooseLoadEngine, findK6, K6_NOT_FOUND, k6RunArgs, parseK6Summary, parseK6Version, runK6Script } from './k6';

const FIXTURE = path.join(__dirname, 'testdata', 'k6-summary-export.json');

describe('parseK6Summary', () => {
  it('reads a --summary-export file of a constant-arrival-rate run into a LoadReport', async () => {
    const report = parseK6Summary(JSON.parse(await readFile(FIXTURE, 'utf8')), 'web-constant-rate');
    assert.deepEqual(report, {
      name: 'web-constant-rate',
      engine: 'k6',
      ratePerSecond: null,
      offered: 1500,
      sent: 1497,
      completed: 1497,
      ok: 1485,
      failed: 12,
      dropped: 3,
      errorClasses: { 'k6-failed': 12 },
      achievedRatePerSecond: 49.89650769335126,
      latencyMs: { p50: 2.151883, p90: 3.941052, p95: 5.628113, p99: 29.442871, max: 1003.514872, mean: 4.817532729458918 },
      durationMs: (1497 / 49.89650769335126) * 1000,
      failedThresholds: ['http_req_duration: p(99)<20'],
    });
  });

  it('reads the handleSummary shape (values nested, rate under "rate", thresholds as {ok}) the same way', () => {
    const report = parseK6Summary({
      state: { testRunDurationMs: 10_012.5 },
      metrics: {
        http_reqs: { type: 'counter', contains: 'default', values: { count: 100, rate: 9.99 } },
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.02, passes: 2, fails: 98 }, thresholds: { 'rate<0.01': { ok: false } } },
        http_req_duration: { type: 'trend', contains: 'time', values: { avg: 3, min: 1, med: 2, max: 40, 'p(90)': 5, 'p(95)': 7 } },
      },
    });
    assert.equal(report.sent, 100);
    assert.equal(report.ok, 98);
    assert.equal(report.failed, 2);
    assert.equal(report.dropped, 0, 'k6 leaves dropped_iterations out when nothing was dropped');
    assert.equal(report.durationMs, 10_012.5);
    assert.equal(report.latencyMs.p99, null, 'p(99) is only there when summaryTrendStats asks for it');
    assert.equal(report.latencyMs.p95, 7);
    assert.deepEqual(report.failedThresholds, ['http_req_failed: rate<0.01']);
  });

  it('gives null latencies, not zeros, for a run without requests', () => {
    const report = parseK6Summary({ metrics: { http_reqs: { count: 0, rate: 0 } } });
    assert.equal(report.sent, 0);
    assert.deepEqual(report.latencyMs, { p50: null, p90: null, p95: null, p99: null, max: null, mean: null });
  });

  it('refuses what is not a k6 summary of HTTP requests, naming what is missing', () => {
    assert.throws(() => parseK6Summary([]), BadInput);
    assert.throws(() => parseK6Summary({ metrics: { iterations: { count: 3 } } }), /no "http_reqs" metric/);
    assert.throws(() => parseK6Summary({ metrics: { http_reqs: { count: 'many' } } }), /http_reqs\.count/);
    assert.throws(() => parseK6Summary({ metrics: { http_reqs: { count: 5, rate: 1 } } }), /no "http_req_duration" metric/);
    assert.throws(
      () => parseK6Summary({ metrics: { http_reqs: { count: 1, rate: 1 }, http_req_failed: { passes: 2, fails: 0 }, http_req_duration: { avg: 1 } } }),
      /2 failed of 1/,
    );
  });
});

describe('k6 version and arguments', () => {
  it('parses `k6 version` output', () => {
    assert.deepEqual(parseK6Version('k6 v0.56.0 (go1.23.4, linux/amd64)\n'), { major: 0, minor: 56, patch: 0 });
    assert.deepEqual(parseK6Version('k6 v1.2.3 (commit/abc, go1.24.2, linux/amd64)'), { major: 1, minor: 2, patch: 3 });
    assert.equal(parseK6Version('command not found'), null);
  });

  it('builds `k6 run --summary-export FILE -e NAME=VALUE SCRIPT`, with the TypeScript flag only for v0.52-v0.56', () => {
    const run = { script: 'experiments/load/web-constant-rate.ts', env: { TARGET_URL: 'http://198.18.0.10/', RATE: '50' }, summaryPath: '/tmp/s.json' };
    const base = ['run', '--no-color', '--summary-export', '/tmp/s.json', '-e', 'TARGET_URL=http://198.18.0.10/', '-e', 'RATE=50'];
    assert.deepEqual(k6RunArgs(run, { major: 1, minor: 0, patch: 0 }), [...base, run.script]);
    assert.deepEqual(k6RunArgs(run, { major: 0, minor: 57, patch: 0 }), [...base, run.script]);
    assert.deepEqual(k6RunArgs(run, null), [...base, run.script]);
    assert.deepEqual(k6RunArgs(run, { major: 0, minor: 54, patch: 1 }), [...base, '--compatibility-mode=experimental_enhanced', run.script]);
    assert.throws(() => k6RunArgs(run, { major: 0, minor: 49, patch: 0 }), BadInput);
    assert.deepEqual(k6RunArgs({ ...run, script: 'x.js' }, { major: 0, minor: 49, patch: 0 }), [...base, 'x.js']);
    assert.throws(() => k6RunArgs({ ...run, env: { 'A B': '1' } }, null), BadInput);
  });
});

describe('chooseLoadEngine', () => {
  // A stand-in, not a double: an executable file named k6 that is only looked up, never run. k6 itself
  // (AGPL) is never installed by this project, so the lookup cannot be tested against a real one here.
  let dir = '';
  let standIn = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scs-chaos-k6-'));
    await writeFile(path.join(dir, 'not-executable'), '');
    standIn = path.join(dir, 'bin', 'k6');
    await mkdir(path.dirname(standIn));
    await writeFile(standIn, '#!/bin/sh\nexit 1\n');
    await chmod(standIn, 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('says "k6 not found on PATH; using the built-in generator" when no k6 is there', async () => {
    const choice = await chooseLoadEngine({ PATH: [dir, '/nonexistent'].join(path.delimiter) });
    assert.deepEqual(choice, { engine: 'builtin', k6Path: null, reason: K6_NOT_FOUND });
    assert.equal(K6_NOT_FOUND, 'k6 not found on PATH; using the built-in generator');
    assert.equal(await findK6({ PATH: '' }), null);
  });

  it('chooses k6 found on PATH', async () => {
    const choice = await chooseLoadEngine({ PATH: ['/nonexistent', path.dirname(standIn)].join(path.delimiter) });
    assert.equal(choice.engine, 'k6');
    assert.equal(choice.k6Path, standIn);
    assert.match(choice.reason, /k6 found on PATH at .*; running the k6 script/);
  });

  it('prefers $K6_BINARY and names it when it is not an executable file', async () => {
    assert.equal(await findK6({ K6_BINARY: standIn, PATH: '' }), standIn);
    const wrong = await chooseLoadEngine({ K6_BINARY: path.join(dir, 'not-executable'), PATH: path.dirname(standIn) });
    assert.equal(wrong.engine, 'builtin', 'a wrong K6_BINARY is not silently replaced by the k6 on PATH');
    assert.match(wrong.reason, /K6_BINARY=.*not-executable is not an executable file; using the built-in generator/);
  });
});

describe('runK6Script with a real k6', () => {
  it('runs a script and reads its summary (skipped without a k6 binary)', async (t) => {
    const k6 = await findK6();
    if (k6 === null) {
      t.skip(K6_NOT_FOUND);
      return;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scs-chaos-k6-run-'));
    try {
      const script = path.join(dir, 'none.js');
      // No requests and no network: only proves the command line and the summary path work with this k6.
      await writeFile(script, "export const options = { iterations: 1 };\nexport default function () {}\n");
      await assert.rejects(runK6Script({ script, summaryPath: path.join(dir, 'summary.json'), timeoutMs: 60_000, k6Path: k6 }), /no "http_reqs" metric/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
