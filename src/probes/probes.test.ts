import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sleep } from '../kernel/clock';
import { LocalExecutor } from '../executors/local';
import { CommandProbe } from './command-probe';
import { HttpProbe } from './http-probe';
import { PeriodicSampler } from './probe';
import type { Sample } from '../model/sample';
import { TcpProbe } from './tcp-probe';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('PeriodicSampler', () => {
  it('samples at its rate without drift and stamps monotonic start times', async () => {
    const samples: Sample[] = [];
    const sampler = new PeriodicSampler({ name: 'p', rateHz: 50, timeoutMs: 100, measure: async () => ({ ok: true }), onSample: (s) => samples.push(s) });
    sampler.start();
    await sleep(1000);
    await sampler.stop();
    assert.ok(samples.length >= 45 && samples.length <= 52, `50 Hz for 1 s gave ${samples.length} samples`);
    const gaps = samples.slice(1).map((s, i) => s.t - (samples[i] as Sample).t);
    const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(Math.abs(meanGap - 20) < 2, `mean gap ${meanGap.toFixed(2)}ms should be 20ms`);
  });

  it('records a measurement problem instead of piling up measurements when they hang', async () => {
    const samples: Sample[] = [];
    const hung: (() => void)[] = [];
    const sampler = new PeriodicSampler({
      name: 'p', rateHz: 50, timeoutMs: 40,
      measure: () => new Promise((resolve) => hung.push(() => resolve({ ok: true }))),
      onSample: (s) => samples.push(s),
    });
    sampler.start();
    await sleep(300);
    const saturated = samples.filter((s) => s.error === 'probe-saturated');
    assert.ok(saturated.length > 5 && saturated.every((s) => s.measurementProblem === true));
    assert.equal(hung.length, 4, 'at most rate × timeout + 2 measurements in flight');
    hung.forEach((release) => release());
    await sampler.stop();
  });
});

describe('probes against loopback servers', () => {
  let server: http.Server;
  let port = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end(req.url === '/page' ? '<h1>served by node-1</h1>' : 'ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const collect = async (make: (onSample: (s: Sample) => void) => { start(): void; stop(): Promise<void> }, ms = 300): Promise<Sample[]> => {
    const samples: Sample[] = [];
    const probe = make((s) => samples.push(s));
    probe.start();
    await sleep(ms);
    await probe.stop();
    assert.ok(samples.length > 0, 'the probe took samples');
    return samples;
  };

  it('HTTP: 2xx is good, 5xx is bad with error "status", a closed port is "refused"', async () => {
    const good = await collect((onSample) => new HttpProbe({ name: 'h', url: `http://127.0.0.1:${port}/`, rateHz: 20, timeoutMs: 500, onSample }));
    assert.ok(good.every((s) => s.ok && s.status === 200 && (s.latencyMs ?? -1) >= 0));
    const broken = await collect((onSample) => new HttpProbe({ name: 'h', url: `http://127.0.0.1:${port}/broken`, rateHz: 20, timeoutMs: 500, onSample }));
    assert.ok(broken.every((s) => !s.ok && s.status === 503 && s.error === 'status'));
    const closed = await closedPort();
    const refused = await collect((onSample) => new HttpProbe({ name: 'h', url: `http://127.0.0.1:${closed}/`, rateHz: 20, timeoutMs: 500, onSample }));
    assert.ok(refused.every((s) => !s.ok && s.error === 'refused' && !s.measurementProblem));
  });

  it('HTTP: a body match makes a 200 without the text a failure of class "body"', async () => {
    const url = `http://127.0.0.1:${port}/page`;
    const matching = await collect((onSample) => new HttpProbe({ name: 'h', url, rateHz: 20, timeoutMs: 500, bodyIncludes: 'node-1', onSample }));
    assert.ok(matching.every((s) => s.ok));
    const missing = await collect((onSample) => new HttpProbe({ name: 'h', url, rateHz: 20, timeoutMs: 500, bodyIncludes: 'node-2', onSample }));
    assert.ok(missing.every((s) => !s.ok && s.status === 200 && s.error === 'body'));
  });

  it('HTTP: a DNS failure on the probe side is a measurement problem, not an outage', async () => {
    const samples = await collect((onSample) => new HttpProbe({ name: 'h', url: 'http://no-such-host.invalid/', rateHz: 10, timeoutMs: 500, onSample }), 400);
    assert.ok(samples.every((s) => !s.ok && s.measurementProblem === true && s.error === 'dns'), JSON.stringify(samples[0]));
  });

  it('TCP: an open port is good, a closed one refused', async () => {
    const open = await collect((onSample) => new TcpProbe({ name: 't', host: '127.0.0.1', port, rateHz: 20, timeoutMs: 300, onSample }));
    assert.ok(open.every((s) => s.ok));
    const closed = await closedPort();
    const refused = await collect((onSample) => new TcpProbe({ name: 't', host: '127.0.0.1', port: closed, rateHz: 20, timeoutMs: 300, onSample }));
    assert.ok(refused.every((s) => !s.ok && s.error === 'refused'));
  });

  it('command: exit 0 is good, any other exit is bad with the exit code', async () => {
    const executor = new LocalExecutor();
    const good = await collect((onSample) => new CommandProbe({ name: 'c', executor, script: 'true', rateHz: 10, timeoutMs: 2000, onSample }), 350);
    assert.ok(good.every((s) => s.ok));
    const bad = await collect((onSample) => new CommandProbe({ name: 'c', executor, script: 'exit 3', rateHz: 10, timeoutMs: 2000, onSample }), 350);
    assert.ok(bad.every((s) => !s.ok && s.error === 'exit 3'));
  });
});
