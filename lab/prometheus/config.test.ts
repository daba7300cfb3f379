import '../../src/kinds';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadEnvironment } from '../../src/environment/load';
import { labLayout } from '../layout';
import { expectedTargets, labPrometheusPlan, nodeExporterArgv, prometheusArgv, PrometheusConfigInput, prometheusConfigYaml } from './config';

const INPUT: PrometheusConfigInput = {
  scrapeIntervalSec: 1,
  haproxyTarget: '198.18.0.10:8404',
  nodeExporterTargets: [
    { node: 'node-1', target: '198.18.0.11:9100' },
    { node: 'node-2', target: '198.18.0.12:9100' },
  ],
  selfTarget: '127.0.0.1:9090',
};

describe('prometheusConfigYaml', () => {
  it('scrapes itself, haproxy and every node exporter with a node label, every second', () => {
    const config = parse(prometheusConfigYaml(INPUT));
    assert.deepEqual(config, {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        { job_name: 'prometheus', static_configs: [{ targets: ['127.0.0.1:9090'] }] },
        { job_name: 'haproxy', metrics_path: '/metrics', static_configs: [{ targets: ['198.18.0.10:8404'] }] },
        {
          job_name: 'node',
          static_configs: [
            { targets: ['198.18.0.11:9100'], labels: { node: 'node-1' } },
            { targets: ['198.18.0.12:9100'], labels: { node: 'node-2' } },
          ],
        },
      ],
    });
  });

  it('writes sub-second durations in ms and leaves absent jobs out', () => {
    const config = parse(prometheusConfigYaml({ scrapeIntervalSec: 0.5, scrapeTimeoutSec: 0.25, nodeExporterTargets: [], selfTarget: '127.0.0.1:19090' }));
    assert.deepEqual(config.global, { scrape_interval: '500ms', scrape_timeout: '250ms', evaluation_interval: '500ms' });
    assert.deepEqual(config.scrape_configs.map((c: { job_name: string }) => c.job_name), ['prometheus']);
  });

  it('refuses inputs Prometheus would refuse, naming the field', () => {
    assert.throws(() => prometheusConfigYaml({ ...INPUT, scrapeIntervalSec: 0 }), /scrapeIntervalSec must be positive/);
    assert.throws(() => prometheusConfigYaml({ ...INPUT, scrapeTimeoutSec: 2 }), /scrapeTimeoutSec 2 must be positive and at most scrapeIntervalSec 1/);
    assert.throws(() => prometheusConfigYaml({ ...INPUT, haproxyTarget: 'http://x:1/' }), /haproxyTarget "http:\/\/x:1\/" must be host:port/);
    assert.throws(() => prometheusConfigYaml({ ...INPUT, selfTarget: '127.0.0.1:70000' }), /selfTarget/);
    assert.throws(
      () => prometheusConfigYaml({ ...INPUT, nodeExporterTargets: [...INPUT.nodeExporterTargets, { node: 'node-1', target: '1.2.3.4:9100' }] }),
      /node node-1 appears twice/,
    );
  });

  it('lists the targets to wait for', () => {
    assert.deepEqual(expectedTargets(INPUT), [
      { job: 'prometheus', instance: '127.0.0.1:9090' },
      { job: 'haproxy', instance: '198.18.0.10:8404' },
      { job: 'node', instance: '198.18.0.11:9100' },
      { job: 'node', instance: '198.18.0.12:9100' },
    ]);
  });
});

describe('command lines', () => {
  it('runs Prometheus in the foreground with the lab\'s files, a short lookback and retention', () => {
    assert.deepEqual(prometheusArgv({ configPath: '/run/x/monitor/prometheus.yml', dataDir: '/run/x/monitor/data', listenAddress: '127.0.0.1:9090', binary: '/usr/bin/prometheus' }), [
      '/usr/bin/prometheus',
      '--config.file=/run/x/monitor/prometheus.yml',
      '--storage.tsdb.path=/run/x/monitor/data',
      '--storage.tsdb.retention.time=1h',
      '--web.listen-address=127.0.0.1:9090',
      '--query.lookback-delta=5s',
      '--log.level=warn',
    ]);
  });

  it('runs node exporter without systemd and with namespace-friendly collectors only', () => {
    const argv = nodeExporterArgv({ listenAddress: '198.18.0.11:9100', textfileDir: '/run/x/node-1/tf', binary: '/usr/bin/prometheus-node-exporter' });
    assert.equal(argv[0], '/usr/bin/prometheus-node-exporter');
    assert.ok(argv.includes('--web.listen-address=198.18.0.11:9100'));
    assert.ok(argv.includes('--no-collector.systemd'));
    assert.ok(argv.includes('--collector.disable-defaults'));
    assert.ok(argv.includes('--collector.netdev'));
    assert.ok(argv.includes('--collector.textfile.directory=/run/x/node-1/tf'));
    assert.throws(() => nodeExporterArgv({ listenAddress: '9100', binary: 'x' }), /listenAddress "9100" must be host:port/);
  });
});

describe('labPrometheusPlan', () => {
  it('derives files, programs and targets from the lab environment', () => {
    const layout = labLayout(loadEnvironment(join(__dirname, '../../experiments/environments/lab.yaml')));
    const plan = labPrometheusPlan(layout, { binaries: { prometheus: '/usr/bin/prometheus', nodeExporter: '/usr/bin/prometheus-node-exporter' } });
    assert.equal(plan.url, 'http://127.0.0.1:9090');
    assert.equal(plan.configPath, `${layout.spec.runDir}/monitor/prometheus.yml`);
    assert.equal(plan.dataDir, `${layout.spec.runDir}/monitor/prometheus-data`);
    assert.equal(plan.prometheus.name, 'prometheus');
    assert.ok(plan.prometheus.argv.includes(`--config.file=${plan.configPath}`));
    assert.deepEqual(plan.nodeExporters.map((e) => [e.node, e.namespace, e.listenAddress]), layout.nodes.map((n) => [n.name, n.namespace, `${n.address}:9100`]));
    for (const exporter of plan.nodeExporters) {
      // The runDir path on the command line is how lab down and the leftover check recognise the process.
      assert.ok(exporter.program.argv.some((arg) => arg.includes(`${layout.spec.runDir}/`)), exporter.program.argv.join(' '));
      assert.equal(exporter.program.name, 'node-exporter');
    }
    assert.deepEqual(plan.expectedTargets[1], { job: 'haproxy', instance: `${layout.edge.address}:${layout.edge.metricsPort}` });
    assert.equal(plan.expectedTargets.length, 2 + layout.nodes.length);
    assert.match(plan.configText, /scrape_interval: 1s/);
  });
});
