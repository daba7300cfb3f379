/**
 * Prometheus in the built-in lab: its configuration and command lines, as pure functions, plus the process plan
 * `lab up` follows. Nothing here starts or stops a process; lab/lab.ts does, with its supervisord per namespace.
 *
 * Where each part runs (decision and reasons: docs/decisions/0040-prometheus-in-the-lab.md):
 *   1. Prometheus runs in the ROOT namespace on 127.0.0.1:9090, under a supervisord of its own whose files live in
 *      `<runDir>/monitor/` (config `prometheus.yml`, data `prometheus-data/`, log `prometheus.log`). No fault acts on
 *      the root namespace, so isolating or killing any node never takes the measurement down with it; the root
 *      namespace reaches every lab address through the lab bridge (host address on the bridge).
 *   2. One prometheus-node-exporter per NODE namespace on <node address>:9100, as the program "node-exporter" of the
 *      node's supervisord. Its network metrics (netdev, netstat, sockstat) are the node's own, because /proc/net
 *      follows the reader's network namespace; CPU and memory are the host's, the same on every node.
 *   3. Prometheus scrapes itself (job "prometheus"), haproxy's exporter on the edge at <edge address>:8404/metrics
 *      (job "haproxy") and every node exporter (job "node", with a `node` label naming the lab node), every 1 s;
 *      while the lab runs Ceph also the manager's prometheus module in the control namespace (job "ceph").
 *   4. The lab is up for Prometheus when waitForTargetsUp (src/prometheus/client.ts) sees every target of
 *      `expectedTargets` up. Prometheus 2.42 applies its target list only every 5 s, so that takes 5-7 s.
 *   5. Every command line names a path under the lab's runDir (--config.file, --collector.textfile.directory),
 *      which is how `lab down` and the leftover check recognise these processes as the lab's.
 *
 * Scrape interval 1 s: the lab measures recovery times of a few seconds, and Prometheus' view lags the system by
 * up to one interval (plus the scrape timeout for a target that stopped answering), so a 15 s default would hide
 * everything. The costs, measured with three node exporters: ~1,300 series (Prometheus ~370, each exporter ~290,
 * haproxy ~100 more), ~60 MB resident, and ~30 MB of write-ahead log per hour in the data directory, which
 * Prometheus truncates at its 2-hourly head compaction; the data is gone with the run directory after `lab down`.
 * rate() needs a window of at least two intervals: write `[5s]` or more, not `[1s]`.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { TargetRef } from '../../src/prometheus/client';
import type { LabLayout } from '../layout';
import type { SupervisedProgram } from '../supervisor';
import { prometheusToolPath } from './tools';

/** PROMETHEUS_PORT: Prometheus' port on 127.0.0.1 in the root namespace (its registered default). */
export const PROMETHEUS_PORT = 9090;
/** NODE_EXPORTER_PORT: node exporter's port on each node address (its registered default). */
export const NODE_EXPORTER_PORT = 9100;
/** LAB_SCRAPE_INTERVAL_SEC: scrape (and rule evaluation) interval of the lab's Prometheus. */
export const LAB_SCRAPE_INTERVAL_SEC = 1;
/** PROMETHEUS_JOBS: the scrape job names, which PromQL in features uses (`up{job="node"}`). */
export const PROMETHEUS_JOBS = { self: 'prometheus', haproxy: 'haproxy', node: 'node', ceph: 'ceph' } as const;
/** PROMETHEUS_PROGRAM: Prometheus' supervisord program name (in the root-namespace monitor supervisord). */
export const PROMETHEUS_PROGRAM = 'prometheus';
/** NODE_EXPORTER_PROGRAM: node exporter's supervisord program name (in each node's supervisord). */
export const NODE_EXPORTER_PROGRAM = 'node-exporter';

/** NodeExporterTarget: a lab node's name (becomes the `node` label) and its exporter's "addr:port". */
export interface NodeExporterTarget {
  node: string;
  target: string;
}

/** PrometheusConfigInput: what prometheus.yml scrapes; targets are "addr:port"; scrapeTimeoutSec defaults to the interval. */
export interface PrometheusConfigInput {
  scrapeIntervalSec: number;
  scrapeTimeoutSec?: number;
  /** haproxy's Prometheus exporter (the edge's stats frontend); left out of the config when absent. */
  haproxyTarget?: string;
  nodeExporterTargets: readonly NodeExporterTarget[];
  /**
   * The Ceph managers' prometheus modules (job "ceph"), only while the lab runs Ceph (lab/ceph/). Only the active
   * manager serves metrics; a standby answers 200 with an empty body, so every target is up and the series come
   * from whichever manager is active.
   */
  cephMgrTargets?: readonly string[];
  /** Prometheus' own listen address, so it scrapes itself. */
  selfTarget: string;
  /** Rule files (absolute paths or globs) Prometheus evaluates at every evaluation interval (lab/alerting/). */
  ruleFiles?: readonly string[];
  /** Alertmanagers ("addr:port") Prometheus sends its alerts to (lab/alerting/). */
  alertmanagerTargets?: readonly string[];
}

/**
 * prometheusConfigYaml renders prometheus.yml for `input`; throws an Error naming the bad field. The scrape
 * timeout equals the interval by default (Prometheus refuses a longer one; its 10 s default would be longer).
 */
export function prometheusConfigYaml(input: PrometheusConfigInput): string {
  const interval = input.scrapeIntervalSec;
  const timeout = input.scrapeTimeoutSec ?? interval;
  if (!(interval > 0)) throw new Error(`scrapeIntervalSec must be positive, not ${interval}`);
  if (!(timeout > 0 && timeout <= interval)) throw new Error(`scrapeTimeoutSec ${timeout} must be positive and at most scrapeIntervalSec ${interval}`);
  checkTarget('selfTarget', input.selfTarget);
  if (input.haproxyTarget !== undefined) checkTarget('haproxyTarget', input.haproxyTarget);
  for (const target of input.cephMgrTargets ?? []) checkTarget('cephMgrTargets', target);
  const nodes = new Set<string>();
  for (const { node, target } of input.nodeExporterTargets) {
    checkTarget(`nodeExporterTargets[${node}]`, target);
    if (nodes.has(node)) throw new Error(`node ${node} appears twice in nodeExporterTargets`);
    nodes.add(node);
  }
  const scrapeConfigs: object[] = [{ job_name: PROMETHEUS_JOBS.self, static_configs: [{ targets: [input.selfTarget] }] }];
  if (input.haproxyTarget !== undefined) {
    scrapeConfigs.push({ job_name: PROMETHEUS_JOBS.haproxy, metrics_path: '/metrics', static_configs: [{ targets: [input.haproxyTarget] }] });
  }
  if (input.nodeExporterTargets.length > 0) {
    scrapeConfigs.push({
      job_name: PROMETHEUS_JOBS.node,
      static_configs: input.nodeExporterTargets.map(({ node, target }) => ({ targets: [target], labels: { node } })),
    });
  }
  if (input.cephMgrTargets !== undefined && input.cephMgrTargets.length > 0) {
    // honor_labels: the module's metrics carry Ceph's own labels (e.g. ceph_daemon), as Ceph's docs ask.
    scrapeConfigs.push({ job_name: PROMETHEUS_JOBS.ceph, honor_labels: true, static_configs: [{ targets: [...input.cephMgrTargets] }] });
  }
  for (const target of input.alertmanagerTargets ?? []) checkTarget('alertmanagerTargets', target);
  const config = {
    global: { scrape_interval: duration(interval), scrape_timeout: duration(timeout), evaluation_interval: duration(interval) },
    ...(input.ruleFiles?.length ? { rule_files: [...input.ruleFiles] } : {}),
    ...(input.alertmanagerTargets?.length ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [...input.alertmanagerTargets] }] }] } } : {}),
    scrape_configs: scrapeConfigs,
  };
  return `# Generated by scs-chaos (lab/prometheus/config.ts); rewritten on every start.\n${stringify(config, { lineWidth: 0 })}`;
}

/** expectedTargets lists the job/instance of every target prometheusConfigYaml(input) scrapes, for waitForTargetsUp. */
export function expectedTargets(input: PrometheusConfigInput): TargetRef[] {
  return [
    { job: PROMETHEUS_JOBS.self, instance: input.selfTarget },
    ...(input.haproxyTarget !== undefined ? [{ job: PROMETHEUS_JOBS.haproxy, instance: input.haproxyTarget }] : []),
    ...input.nodeExporterTargets.map(({ target }) => ({ job: PROMETHEUS_JOBS.node, instance: target })),
    ...(input.cephMgrTargets ?? []).map((instance) => ({ job: PROMETHEUS_JOBS.ceph, instance })),
  ];
}

/** PrometheusArgvInput: lookbackDeltaSec defaults to 5, retention to "1h", binary to the installed prometheus. */
export interface PrometheusArgvInput {
  configPath: string;
  dataDir: string;
  listenAddress: string;
  lookbackDeltaSec?: number;
  retention?: string;
  binary?: string;
}

/**
 * prometheusArgv is Prometheus' command line (it stays in the foreground, as supervisord needs).
 * --query.lookback-delta: a series is "current" for 5 min by default after its last sample; after a Prometheus
 * restart (which writes no staleness markers for the gap) a dead target's last value would read as current for that
 * long. A few scrape intervals are enough in the lab.
 */
export function prometheusArgv(input: PrometheusArgvInput): string[] {
  checkTarget('listenAddress', input.listenAddress);
  return [
    input.binary ?? prometheusToolPath('prometheus'),
    `--config.file=${input.configPath}`,
    `--storage.tsdb.path=${input.dataDir}`,
    `--storage.tsdb.retention.time=${input.retention ?? '1h'}`,
    `--web.listen-address=${input.listenAddress}`,
    `--query.lookback-delta=${duration(input.lookbackDeltaSec ?? 5)}`,
    '--log.level=warn',
  ];
}

/** NodeExporterArgvInput: textfileDir (a directory of *.prom files) also marks the process as the lab's. */
export interface NodeExporterArgvInput {
  listenAddress: string;
  textfileDir?: string;
  /** The one mount point whose filesystem the exporter reports (the node's data volume); none when absent. */
  filesystemMountPoint?: string;
  binary?: string;
}

/**
 * onlyMountPointRegexp: a Go (RE2) regular expression that matches every mount point but `mountPoint`, for node
 * exporter's --collector.filesystem.mount-points-exclude. Node exporter has no "include" flag and RE2 no negative
 * look-ahead, so the complement is spelled out: a path that leaves `mountPoint` at some character, stops short of
 * it, or goes on past it. Every node exporter of the lab sees the host's mounts (namespaces share the mount
 * table), and only its own node's data volume is that node's filesystem.
 */
export function onlyMountPointRegexp(mountPoint: string): string {
  const quote = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  const alternatives: string[] = [];
  for (let i = 0; i < mountPoint.length; i++) {
    const char = mountPoint.charAt(i);
    alternatives.push(`${quote(mountPoint.slice(0, i))}(?:$|[^${char === ']' || char === '\\' || char === '^' || char === '-' ? `\\${char}` : char}])`);
  }
  alternatives.push(`${quote(mountPoint)}.`);
  return `^(?:${alternatives.join('|')})`;
}

/**
 * nodeExporterArgv is node exporter's command line. Only collectors that make sense in a network namespace and
 * work without systemd: the namespace's network (netdev, netstat, sockstat) and the host's cpu, loadavg and
 * meminfo. --no-collector.systemd: Debian enables the systemd collector by default and it fails without a system
 * bus. Exporter self-metrics are off, to keep a 1 s scrape small.
 */
export function nodeExporterArgv(input: NodeExporterArgvInput): string[] {
  checkTarget('listenAddress', input.listenAddress);
  return [
    input.binary ?? prometheusToolPath('prometheus-node-exporter'),
    `--web.listen-address=${input.listenAddress}`,
    '--no-collector.systemd',
    '--collector.disable-defaults',
    '--collector.netdev',
    '--collector.netstat',
    '--collector.sockstat',
    '--collector.cpu',
    '--collector.loadavg',
    '--collector.meminfo',
    ...(input.textfileDir !== undefined ? ['--collector.textfile', `--collector.textfile.directory=${input.textfileDir}`] : []),
    ...(input.filesystemMountPoint !== undefined ? ['--collector.filesystem', `--collector.filesystem.mount-points-exclude=${onlyMountPointRegexp(input.filesystemMountPoint)}`] : []),
    '--web.disable-exporter-metrics',
    '--log.level=warn',
  ];
}

/** LabNodeExporter: one node exporter of the lab, run by the node's supervisord inside its namespace. */
export interface LabNodeExporter {
  node: string;
  namespace: string;
  listenAddress: string;
  /** Create before start (empty is fine): it carries the process' runDir marker and takes *.prom files. */
  textfileDir: string;
  program: SupervisedProgram;
}

/** LabPrometheusPlan: every file, directory and program of Prometheus in the lab, derived from its layout. */
export interface LabPrometheusPlan {
  /** Base URL of the lab's Prometheus, for probes and the environment file. */
  url: string;
  /** Directory of the root-namespace supervisord and Prometheus' files, under runDir. */
  dir: string;
  configPath: string;
  configText: string;
  /** TSDB directory (create before start); on the runDir tmpfs, deleted by lab down. */
  dataDir: string;
  listenAddress: string;
  prometheus: SupervisedProgram;
  nodeExporters: LabNodeExporter[];
  /** What waitForTargetsUp must see up before the lab counts as up. */
  expectedTargets: TargetRef[];
}

/** LabPrometheusOptions: overrides for tests and environment files; defaults 127.0.0.1:9090, 1 s scrape interval. */
export interface LabPrometheusOptions {
  listenAddress?: string;
  nodeExporterPort?: number;
  scrapeIntervalSec?: number;
  /** The Ceph managers' prometheus module "addr:port"s, when the lab runs Ceph. */
  cephMgrTargets?: readonly string[];
  /** Absolute paths of the programs; found on PATH (and the system directories) when absent. */
  binaries?: { prometheus?: string; nodeExporter?: string };
  /** Rule files and Alertmanagers, when the lab runs alerting (lab/alerting/). */
  ruleFiles?: readonly string[];
  alertmanagerTargets?: readonly string[];
}

/** labPrometheusPlan derives Prometheus' files and programs from the lab layout; pure but for finding the binaries. */
export function labPrometheusPlan(layout: LabLayout, options: LabPrometheusOptions = {}): LabPrometheusPlan {
  const listenAddress = options.listenAddress ?? `127.0.0.1:${PROMETHEUS_PORT}`;
  const port = options.nodeExporterPort ?? NODE_EXPORTER_PORT;
  const dir = join(layout.spec.runDir, 'monitor');
  const configPath = join(dir, 'prometheus.yml');
  const dataDir = join(dir, 'prometheus-data');
  const nodeExporters = layout.nodes.map((node): LabNodeExporter => {
    const exporterListen = `${node.address}:${port}`;
    const textfileDir = join(node.dir, 'node-exporter-textfile');
    return {
      node: node.name,
      namespace: node.namespace,
      listenAddress: exporterListen,
      textfileDir,
      program: {
        name: NODE_EXPORTER_PROGRAM,
        argv: nodeExporterArgv({ listenAddress: exporterListen, textfileDir, filesystemMountPoint: node.dataDir, binary: options.binaries?.nodeExporter }),
        logFile: join(node.dir, `${NODE_EXPORTER_PROGRAM}.log`),
      },
    };
  });
  const input: PrometheusConfigInput = {
    scrapeIntervalSec: options.scrapeIntervalSec ?? LAB_SCRAPE_INTERVAL_SEC,
    haproxyTarget: `${layout.edge.address}:${layout.edge.metricsPort}`,
    nodeExporterTargets: nodeExporters.map((e) => ({ node: e.node, target: e.listenAddress })),
    ...(options.cephMgrTargets !== undefined ? { cephMgrTargets: options.cephMgrTargets } : {}),
    selfTarget: listenAddress,
    ...(options.ruleFiles !== undefined ? { ruleFiles: options.ruleFiles } : {}),
    ...(options.alertmanagerTargets !== undefined ? { alertmanagerTargets: options.alertmanagerTargets } : {}),
  };
  return {
    url: `http://${listenAddress}`,
    dir,
    configPath,
    configText: prometheusConfigYaml(input),
    dataDir,
    listenAddress,
    prometheus: {
      name: PROMETHEUS_PROGRAM,
      argv: prometheusArgv({ configPath, dataDir, listenAddress, lookbackDeltaSec: Math.max(5, 5 * input.scrapeIntervalSec), binary: options.binaries?.prometheus }),
      logFile: join(dir, `${PROMETHEUS_PROGRAM}.log`),
    },
    nodeExporters,
    expectedTargets: expectedTargets(input),
  };
}

/** A Prometheus duration: whole seconds as "1s", otherwise milliseconds ("500ms"). */
function duration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Targets and listen addresses are "host:port": IPv4 or a name, and a port 1-65535. */
function checkTarget(field: string, target: string): void {
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(target);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw new Error(`${field} "${target}" must be host:port, e.g. 127.0.0.1:9090`);
}
