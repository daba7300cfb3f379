import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BadInput } from '../kernel/errors';
import type { Sample } from '../model/sample';
import { evaluateSlo } from '../slo/evaluate';
import { parseSlo } from '../slo/expression';
import { LOAD_DROPPED, plannedArrivals, startLoad, type LoadOptions } from './generator';
import { LatencyHistogram } from './latency-histogram';

/** A loopback HTTP server on a random port that counts requests and connections; `/hang` never answers. */
class CountingServer {
  readonly server: http.Server;
  requests = 0;
  connections = 0;
  constructor(handler?: http.RequestListener) {
    this.server = http.createServer((req, res) => {
      this.requests += 1;
      if (handler) return handler(req, res);
      if (req.url === '/hang') return; // held open until the client gives up or the server closes it
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end('ok\n');
    });
    this.server.on('connection', () => (this.connections += 1));
  }
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function options(url: string, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return { name: 'web-load', url, ratePerSecond: 50, maxRequests: 1000, maxDurationMs: 1000, timeoutMs: 2000, ...overrides };
}

describe('startLoad against a loopback server', () => {
  const target = new CountingServer();
  let base = '';
  before(async () => {
    base = await target.listen();
  });
  after(() => target.close());

  it('sends 50 requests at 50 req/s for 1 s, all ok, one Sample each that src/slo judges unchanged', async () => {
    const samples: Sample[] = [];
    const before = target.requests;
    const report = await startLoad(options(`${base}/`, { onSample: (s) => samples.push(s) })).done;
    assert.ok(Math.abs(report.sent - 50) <= 1, `sent ${report.sent}, expected 50 ± 1`);
    assert.equal(target.requests - before, report.sent, 'the server saw every request sent');
    assert.deepEqual(
      { ok: report.ok, failed: report.failed, dropped: report.dropped, completed: report.completed, errorClasses: report.errorClasses },
      { ok: report.sent, failed: 0, dropped: 0, completed: report.sent, errorClasses: {} },
    );
    assert.equal(report.offered, report.sent + report.dropped);
    assert.equal(samples.length, report.sent);
    assert.ok(samples.every((s) => s.probe === 'web-load' && s.ok && s.status === 200 && typeof s.latencyMs === 'number'));
    // Drift-free: the last arrival is due 980 ms after the first and can never start before it is due.
    const starts = samples.map((s) => s.t).sort((a, b) => a - b);
    const span = (starts.at(-1) as number) - (starts[0] as number);
    assert.ok(span >= 975 && span < 1500, `first to last start ${span.toFixed(1)}ms, expected about 980ms`);
    assert.ok(report.achievedRatePerSecond > 40 && report.achievedRatePerSecond <= 51, `achieved ${report.achievedRatePerSecond}/s`);
    const availability = evaluateSlo(parseSlo('availability >= 99%'), samples, 'before', 'web-load');
    assert.equal(availability.met, true);
    assert.equal(availability.samples, report.sent);
    const latency = report.latencyMs;
    assert.ok(latency.p50 !== null && latency.p99 !== null && latency.max !== null && latency.mean !== null);
    assert.ok(latency.p50 <= latency.p90! && latency.p90! <= latency.p95! && latency.p95! <= latency.p99! && latency.p99 <= latency.max);
    assert.equal(latency.max, Math.max(...samples.map((s) => s.latencyMs as number)), 'max is exact');
  });

  it('stops at maxRequests when that comes first', async () => {
    const report = await startLoad(options(`${base}/`, { ratePerSecond: 200, maxRequests: 30, maxDurationMs: 10_000 })).done;
    assert.equal(report.sent, 30);
    assert.equal(report.ok, 30);
    assert.ok(report.durationMs < 3000, `30 requests at 200/s took ${report.durationMs}ms`);
  });

  it('stops at maxDurationMs when that comes first', async () => {
    const report = await startLoad(options(`${base}/`, { ratePerSecond: 100, maxRequests: 100_000, maxDurationMs: 300 })).done;
    assert.ok(Math.abs(report.sent - 30) <= 1, `sent ${report.sent} in 300 ms at 100/s`);
    assert.ok(report.durationMs < 2300, `ran ${report.durationMs}ms`);
  });

  it('drops arrivals beyond maxInFlight instead of queueing them when the server hangs', async () => {
    const samples: Sample[] = [];
    const report = await startLoad(
      options(`${base}/hang`, { ratePerSecond: 100, maxDurationMs: 500, maxInFlight: 5, timeoutMs: 1000, onSample: (s) => samples.push(s) }),
    ).done;
    assert.deepEqual(
      { offered: report.offered, sent: report.sent, dropped: report.dropped, ok: report.ok, failed: report.failed, errorClasses: report.errorClasses },
      { offered: 50, sent: 5, dropped: 45, ok: 0, failed: 5, errorClasses: { timeout: 5 } },
    );
    const dropped = samples.filter((s) => s.error === LOAD_DROPPED);
    assert.equal(dropped.length, 45);
    assert.ok(dropped.every((s) => s.measurementProblem === true), 'dropped arrivals stay out of SLO math');
    const timeouts = samples.filter((s) => s.error === 'timeout');
    assert.ok(timeouts.every((s) => (s.latencyMs as number) >= 1000), 'a timeout counts as at least its timeout');
  });

  it('classifies bad statuses as "status" and keeps them as completed', async () => {
    const report = await startLoad(options(`${base}/broken`, { ratePerSecond: 100, maxRequests: 10 })).done;
    assert.deepEqual(
      { sent: report.sent, completed: report.completed, ok: report.ok, failed: report.failed, errorClasses: report.errorClasses },
      { sent: 10, completed: 10, ok: 0, failed: 10, errorClasses: { status: 10 } },
    );
  });

  it('opens one connection per request by default and reuses them with keepAlive', async () => {
    const closedFirst = target.connections;
    const fresh = await startLoad(options(`${base}/`, { ratePerSecond: 50, maxRequests: 10 })).done;
    assert.equal(fresh.ok, 10);
    assert.equal(target.connections - closedFirst, 10);
    const reusedFirst = target.connections;
    const reused = await startLoad(options(`${base}/`, { ratePerSecond: 50, maxRequests: 10, keepAlive: true })).done;
    assert.equal(reused.ok, 10);
    assert.ok(target.connections - reusedFirst <= 5, `keep-alive opened ${target.connections - reusedFirst} connections for 10 requests`);
  });

  it('stop() ends the schedule early and waits for the requests in flight', async () => {
    const run = startLoad(options(`${base}/`, { ratePerSecond: 100, maxDurationMs: 10_000 }));
    assert.equal(run.planned, 1000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const report = await run.stop();
    // Loose on purpose: a busy machine may wake the test late; the point is that the run ended long before 1000.
    assert.ok(report.sent >= 5 && report.sent <= 300, `sent ${report.sent} in about 200 ms at 100/s`);
    assert.equal(report.ok + report.failed, report.sent, 'every request sent has finished');
    assert.equal(await run.done, report, 'done settles with the same report');
    const seen = target.requests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(target.requests, seen, 'no request is sent after stop()');
  });
});

describe('startLoad against a closed port', () => {
  it('classifies refused connections as "refused"', async () => {
    const port = await closedPort();
    const samples: Sample[] = [];
    const report = await startLoad(options(`http://127.0.0.1:${port}/`, { ratePerSecond: 100, maxRequests: 10, onSample: (s) => samples.push(s) })).done;
    assert.deepEqual(
      { sent: report.sent, completed: report.completed, ok: report.ok, failed: report.failed, errorClasses: report.errorClasses },
      { sent: 10, completed: 0, ok: 0, failed: 10, errorClasses: { refused: 10 } },
    );
    assert.equal(evaluateSlo(parseSlo('availability >= 1%'), samples, 'during', 'web-load').observed, 0);
  });
});

describe('startLoad refuses unbounded or malformed loads', () => {
  const url = 'http://127.0.0.1:9/';
  for (const [field, value] of [
    ['maxRequests', undefined],
    ['maxDurationMs', undefined],
    ['maxRequests', Infinity],
    ['maxDurationMs', 0],
    ['ratePerSecond', -1],
    ['timeoutMs', Number.NaN],
  ] as const) {
    it(`refuses ${field} = ${String(value)}`, () => {
      const bad = { ...options(url), [field]: value } as LoadOptions;
      assert.throws(() => startLoad(bad), (error: unknown) => error instanceof BadInput && error.message.includes(field));
    });
  }
  it('refuses a URL that is not http(s)', () => {
    assert.throws(() => startLoad(options('ftp://127.0.0.1/')), BadInput);
    assert.throws(() => startLoad(options('not a url')), BadInput);
  });
});

describe('plannedArrivals', () => {
  it('counts the arrivals due before maxDurationMs, capped by maxRequests', () => {
    assert.equal(plannedArrivals(50, 1000, 1000), 50);
    assert.equal(plannedArrivals(50, 20, 1000), 20);
    assert.equal(plannedArrivals(0.3, 100, 1000), 1, 'only t = 0 lies before 1000 ms at one per 3.3 s');
    assert.equal(plannedArrivals(3, 100, 1000), 3);
    assert.equal(plannedArrivals(3, 100, 1001), 4);
  });
});

describe('LatencyHistogram', () => {
  it('gives percentiles within 0.1% and exact max and mean', () => {
    const histogram = new LatencyHistogram(10_000);
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    const summary = histogram.summary();
    for (const [p, expected] of [[summary.p50, 500], [summary.p90, 900], [summary.p95, 950], [summary.p99, 990]] as const) {
      assert.ok(p !== null && Math.abs(p - expected) <= expected * 0.001 + 0.001, `got ${p}, expected ${expected}`);
    }
    assert.equal(summary.max, 1000);
    assert.equal(summary.mean, 500.5);
  });

  it('reports null, not 0, without values and clamps values above its ceiling without losing max', () => {
    assert.deepEqual(new LatencyHistogram(1000).summary(), { p50: null, p90: null, p95: null, p99: null, max: null, mean: null });
    const histogram = new LatencyHistogram(100);
    histogram.record(5000);
    const summary = histogram.summary();
    assert.equal(summary.max, 5000);
    assert.ok(summary.p50 !== null && summary.p50 <= 100.1);
  });
});
