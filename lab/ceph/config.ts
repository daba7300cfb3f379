/**
 * The lab's Ceph cluster as a plan: every path, address, program and the generated ceph.conf, derived from the
 * lab layout and the environment's `ceph:` section. Pure (no file or process is touched here); lab/ceph/cluster.ts
 * carries it out. Decision and reasons: docs/decisions/0091-ceph-in-the-lab.md.
 *
 * Where everything runs:
 *   1. the monitors (ids a, b, c: `ceph.lab.monitors`, 1 or 3; msgr2 ports 3300, 3301, 3302, legacy 6789, 6790,
 *      6791) and the managers (ids x, y: `ceph.lab.managers`, 1 or 2; prometheus module on <control address>:9283,
 *      9284) in the control namespace, as programs `ceph-mon-<id>` / `ceph-mgr-<id>` of its own supervisord.
 *   2. One ceph-osd per node, id = the node's index (node 1 of the environment runs osd.0), as the program
 *      `ceph.lab.program` (default `ceph-osd-{id}`) of the node's supervisord, bound to the node's address
 *      (public and cluster network), in the CRUSH host bucket named like the node. Isolating the node's
 *      namespace therefore takes its OSD off the cluster for real.
 *   3. Every file under `<runDir>/ceph/`: ceph.conf, the admin keyring, the daemons' data (memstore: objects in
 *      RAM, written to the data directory on a clean stop), logs and admin sockets. Nothing in /etc/ceph or
 *      /var/lib/ceph. Every daemon's command line names `<runDir>/ceph/ceph.conf`: that is how `lab down` and the
 *      leftover check recognise the lab's Ceph processes.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Environment } from '../../src/model/environment';
import type { LabCephCluster } from '../../src/kinds/ceph/environment';
import type { LabLayout, LabNamespace, LabNode } from '../layout';
import type { SupervisedProgram } from '../supervisor';

/** The monitors' and managers' ids, in order: the first `ceph.lab.monitors` / `ceph.lab.managers` of them run. */
export const CEPH_MON_IDS = ['a', 'b', 'c'] as const;
export const CEPH_MGR_IDS = ['x', 'y'] as const;
/** The first monitor's msgr2 and legacy ports (Ceph's registered defaults); monitor i uses these + i. */
export const MON_V2_PORT = 3300;
export const MON_V1_PORT = 6789;
/** The first manager's prometheus module port (its registered default); manager i uses this + i. */
export const MGR_PROMETHEUS_PORT = 9283;
/** How often the prometheus module refreshes its cached metrics (s); Prometheus scrapes the cache every second. */
export const MGR_PROMETHEUS_SCRAPE_INTERVAL_SEC = 5;
/** memstore's capacity per OSD: objects live in RAM, so this is a cap, not an allocation. */
export const MEMSTORE_BYTES = 1024 * 1024 * 1024;

/** CephBinaries: absolute paths of the daemons (lab/ceph/tools.ts finds them). */
export interface CephBinaries {
  mon: string;
  mgr: string;
  osd: string;
}

/** LabCephOsd: one OSD of the lab, on one node. */
export interface LabCephOsd {
  id: number;
  node: LabNode;
  /** The OSD's uuid (`ceph osd new`, `ceph-osd --mkfs --osd-uuid`), derived from the fsid and the id. */
  uuid: string;
  dataDir: string;
  keyring: string;
  program: SupervisedProgram;
}

/** LabCephMon: one monitor of the lab, in the control namespace. */
export interface LabCephMon {
  id: string;
  /** Its address vector, as in `mon host` and the monmap. */
  addrs: string;
  dataDir: string;
  program: SupervisedProgram;
}

/** LabCephMgr: one manager of the lab, in the control namespace, with its prometheus module's port. */
export interface LabCephMgr {
  id: string;
  dataDir: string;
  keyring: string;
  program: SupervisedProgram;
  /** "addr:port" of its prometheus module (only the active manager serves metrics; a standby answers empty). */
  prometheusTarget: string;
}

/** LabCephPlan: everything `lab up --with ceph` creates, by name. */
export interface LabCephPlan {
  /** `<runDir>/ceph`: everything of Ceph lives below; `lab down` deletes it with the run directory. */
  dir: string;
  confPath: string;
  confText: string;
  adminKeyring: string;
  /** The monitor's bootstrap keyring: every entity's key and caps, imported by `ceph-mon --mkfs`. */
  monKeyring: string;
  monmapPath: string;
  /** Written last by the bootstrap: without it, `lab up` starts the cluster afresh. */
  bootstrappedMarker: string;
  logDir: string;
  fsid: string;
  control: LabNamespace;
  /** Every monitor's address vector, comma-separated, as in `mon host`. */
  monAddrs: string;
  cluster: LabCephCluster;
  monitors: LabCephMon[];
  managers: LabCephMgr[];
  osds: LabCephOsd[];
  /** Every manager's prometheus module "addr:port", scraped by the lab's Prometheus as job "ceph" (the active one answers). */
  prometheusTargets: string[];
  /** `ceph config set mgr <key> <value>` pairs the bootstrap stores before the manager first starts. */
  mgrModuleOptions: Array<[string, string]>;
}

/**
 * labCephPlan derives the lab's Ceph cluster from the layout and `env.sections.ceph`; throws an Error naming the setting to
 * fix when the environment cannot describe a lab cluster (no control namespace, too few nodes for the pool, a
 * `ceph:` section whose paths are not the lab's).
 */
export function labCephPlan(layout: LabLayout, env: Environment, binaries: CephBinaries): LabCephPlan {
  const where = `(${env.sourcePath})`;
  const ceph = env.sections.ceph;
  if (!ceph || ceph.backend !== 'lab' || !ceph.lab) {
    throw new Error(`lab up --with ceph needs a ceph: section with backend: lab ${where}; see experiments/environments/lab.yaml`);
  }
  const control = layout.control;
  if (!control) throw new Error(`lab up --with ceph needs lab.control (namespace and address of Ceph's monitor and manager) ${where}`);
  const { cluster } = ceph.lab;
  if (layout.nodes.length < cluster.pool.size) {
    throw new Error(`the lab pool has size ${cluster.pool.size} with failure domain host, but the lab has only ${layout.nodes.length} nodes ${where}: lower ceph.lab.pool.size or add nodes`);
  }
  const dir = join(layout.spec.runDir, 'ceph');
  const confPath = join(dir, 'ceph.conf');
  const adminKeyring = join(dir, 'ceph.client.admin.keyring');
  if (ceph.conf !== confPath) throw new Error(`ceph.conf must be ${confPath} (the lab writes it there), not ${ceph.conf ?? 'absent'} ${where}`);
  if (ceph.keyring !== adminKeyring) throw new Error(`ceph.keyring must be ${adminKeyring} (the lab writes it there), not ${ceph.keyring ?? 'absent'} ${where}`);
  if (ceph.user !== undefined && ceph.user !== 'admin' && ceph.user !== 'client.admin') throw new Error(`ceph.user must be admin for the lab cluster, not ${ceph.user} ${where}`);
  if (ceph.cluster !== undefined && ceph.cluster !== 'ceph') throw new Error(`ceph.cluster must be ceph (or absent) for the lab cluster, not ${ceph.cluster} ${where}`);

  const fsid = labFsid(layout);
  const osds = layout.nodes.map((node, id): LabCephOsd => {
    const fill = (template: string): string => template.replaceAll('{node}', node.name).replaceAll('{id}', String(id));
    const supervisorConfig = fill(ceph.lab?.supervisorConfig ?? '');
    if (supervisorConfig !== node.supervisorConfig) {
      throw new Error(`ceph.lab.supervisorConfig gives ${supervisorConfig} for ${node.name}, but the node's supervisord reads ${node.supervisorConfig} ${where}: make them the same`);
    }
    const dataDir = join(dir, 'osd', `ceph-${id}`);
    return {
      id,
      node,
      uuid: derivedUuid(`${fsid}/osd.${id}`),
      dataDir,
      keyring: join(dataDir, 'keyring'),
      program: { name: fill(ceph.lab?.program ?? ''), argv: [binaries.osd, '-f', '-c', confPath, '-i', String(id)], logFile: join(node.dir, `ceph-osd.${id}.out`) },
    };
  });
  const controlSettings = ceph.lab;
  const controlProgram = (template: string, id: string): string => template.replaceAll('{id}', id).replaceAll('{node}', control.name);
  if (controlSettings.controlSupervisorConfig !== control.supervisorConfig) {
    throw new Error(`ceph.lab.controlSupervisorConfig is ${controlSettings.controlSupervisorConfig}, but the control namespace's supervisord reads ${control.supervisorConfig} ${where}: make them the same`);
  }
  const monitors = CEPH_MON_IDS.slice(0, cluster.monitors).map((id, index): LabCephMon => {
    const name = controlProgram(controlSettings.monProgram, id);
    return {
      id,
      addrs: `[v2:${control.address}:${MON_V2_PORT + index},v1:${control.address}:${MON_V1_PORT + index}]`,
      dataDir: join(dir, 'mon', `ceph-${id}`),
      program: { name, argv: [binaries.mon, '-f', '-c', confPath, '-i', id], logFile: join(control.dir, `${name}.out`) },
    };
  });
  const managers = CEPH_MGR_IDS.slice(0, cluster.managers).map((id, index): LabCephMgr => {
    const name = controlProgram(controlSettings.mgrProgram, id);
    const dataDir = join(dir, 'mgr', `ceph-${id}`);
    return {
      id,
      dataDir,
      keyring: join(dataDir, 'keyring'),
      program: { name, argv: [binaries.mgr, '-f', '-c', confPath, '-i', id], logFile: join(control.dir, `${name}.out`) },
      prometheusTarget: `${control.address}:${MGR_PROMETHEUS_PORT + index}`,
    };
  });
  const programNames = [...monitors, ...managers].map((d) => d.program.name);
  if (new Set(programNames).size !== programNames.length) throw new Error(`ceph.lab.monProgram and mgrProgram must name each daemon's program differently (with {id}), got ${programNames.join(', ')} ${where}`);
  const monAddrs = monitors.map((m) => m.addrs).join(',');
  const logDir = join(dir, 'log');
  const plan: Omit<LabCephPlan, 'confText'> = {
    dir,
    confPath,
    adminKeyring,
    monKeyring: join(dir, 'mon.keyring'),
    monmapPath: join(dir, 'monmap'),
    bootstrappedMarker: join(dir, 'bootstrapped'),
    logDir,
    fsid,
    control,
    monAddrs,
    cluster,
    monitors,
    managers,
    osds,
    prometheusTargets: managers.map((m) => m.prometheusTarget),
    // Every manager binds the same control address, so each gets its own port (a per-daemon module option).
    mgrModuleOptions: [
      ['mgr/prometheus/server_addr', control.address],
      ['mgr/prometheus/scrape_interval', String(MGR_PROMETHEUS_SCRAPE_INTERVAL_SEC)],
      ...managers.map((m, index): [string, string] => [`mgr/prometheus/${m.id}/server_port`, String(MGR_PROMETHEUS_PORT + index)]),
    ],
  };
  return { ...plan, confText: cephConfText(plan, layout, env.sourcePath) };
}

/**
 * cephConfText renders ceph.conf. The [global] timings come from the environment file; the fixed settings say
 * why they are there. Clients (the `ceph` CLI) get no admin socket and no log file: the framework runs several
 * at once, and they would fight over one socket path.
 */
export function cephConfText(plan: Omit<LabCephPlan, 'confText'>, layout: LabLayout, sourcePath: string): string {
  const { timings } = plan.cluster;
  const seconds = (ms: number): string => String(ms / 1000);
  const lines = [
    `# Generated by scs-chaos lab up --with ceph (lab/ceph/config.ts) from ${sourcePath}; rewritten on every lab up.`,
    '# The daemons read it when they start: after a change, lab down and lab up again.',
    '[global]',
    `fsid = ${plan.fsid}`,
    `mon initial members = ${plan.monitors.map((m) => m.id).join(',')}`,
    `mon host = ${plan.monAddrs}`,
    `public network = ${layout.spec.subnet}`,
    `cluster network = ${layout.spec.subnet}`,
    'ms bind ipv6 = false',
    'auth cluster required = cephx',
    'auth service required = cephx',
    'auth client required = cephx',
    '# otherwise HEALTH_WARN "mons are allowing insecure global_id reclaim" forever',
    'auth allow insecure global id reclaim = false',
    '# the host disk may be fuller than 70 %: no MON_DISK_LOW warning spoiling HEALTH_OK',
    'mon data avail warn = 2',
    'mon data avail crit = 1',
    'mon allow pool delete = true',
    `osd pool default size = ${plan.cluster.pool.size}`,
    `osd pool default min size = ${plan.cluster.pool.minSize}`,
    'osd pool default pg autoscale mode = off',
    '# lab timings (the environment file\'s ceph.lab.timings): failures seen in seconds, not Ceph\'s 20 s and 10 min',
    '# (monitor lease and election timeout: a stopped monitor leaves the quorum in seconds; beacon grace: a standby',
    '# manager takes over in seconds, not after 30 s)',
    `mon lease = ${seconds(timings.monLeaseMs)}`,
    `mon election timeout = ${seconds(timings.monElectionTimeoutMs)}`,
    `mon mgr beacon grace = ${seconds(timings.monMgrBeaconGraceMs)}`,
    `osd heartbeat interval = ${seconds(timings.osdHeartbeatIntervalMs)}`,
    `osd heartbeat grace = ${seconds(timings.osdHeartbeatGraceMs)}`,
    `mon osd down out interval = ${seconds(timings.monOsdDownOutIntervalMs)}`,
    '# the grace and the out interval as written, not stretched by the OSDs\' laggy history',
    'mon osd adjust heartbeat grace = false',
    'mon osd adjust down out interval = false',
    `mgr stats period = ${seconds(timings.mgrStatsPeriodMs)}`,
    `mon mgr digest period = ${seconds(timings.monMgrDigestPeriodMs)}`,
    '# OSDs report device class hdd: without this, recovery is throttled as for spinning disks',
    `osd recovery sleep = ${seconds(timings.osdRecoverySleepMs)}`,
    `osd recovery sleep hdd = ${seconds(timings.osdRecoverySleepMs)}`,
    `osd recovery sleep ssd = ${seconds(timings.osdRecoverySleepMs)}`,
    `osd recovery sleep hybrid = ${seconds(timings.osdRecoverySleepMs)}`,
    'osd recovery max active = 16',
    'osd max backfills = 16',
    `crash dir = ${join(plan.dir, 'crash')}`,
    '',
    '[mon]',
    `mon data = ${join(plan.dir, 'mon', '$cluster-$id')}`,
    'keyring = $mon_data/keyring',
    `mon cluster log file = ${join(plan.logDir, '$cluster.log')}`,
    `mgr initial modules = prometheus`,
    ...daemonFiles(plan),
    '',
    '[mgr]',
    `mgr data = ${join(plan.dir, 'mgr', '$cluster-$id')}`,
    'keyring = $mgr_data/keyring',
    ...daemonFiles(plan),
    '',
    '[osd]',
    `osd data = ${join(plan.dir, 'osd', '$cluster-$id')}`,
    'keyring = $osd_data/keyring',
    '# memstore: objects in RAM, no disk to prepare; it saves them only on a clean umount, which the default',
    '# fast shutdown skips, so without this a restarted OSD would start empty',
    'osd objectstore = memstore',
    `memstore device bytes = ${MEMSTORE_BYTES}`,
    'osd fast shutdown = false',
    ...daemonFiles(plan),
    '',
    '[client]',
    `keyring = ${plan.adminKeyring}`,
    'admin socket =',
    'log file =',
    '',
  ];
  // A monitor binds the address the monmap gives its name; public addr only picks the interface.
  for (const mon of plan.monitors) lines.push('', `[mon.${mon.id}]`, `public addr = ${plan.control.address}`);
  for (const mgr of plan.managers) lines.push('', `[mgr.${mgr.id}]`, `public addr = ${plan.control.address}`);
  for (const osd of plan.osds) {
    lines.push('', `[osd.${osd.id}]`, `public addr = ${osd.node.address}`, `cluster addr = ${osd.node.address}`, `crush location = root=default host=${osd.node.name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The daemons' log file and admin socket, under the plan's directory. */
function daemonFiles(plan: Omit<LabCephPlan, 'confText'>): string[] {
  return [`log file = ${join(plan.logDir, '$cluster-$name.log')}`, `admin socket = ${join(plan.dir, 'run', '$cluster-$name.asok')}`, `run dir = ${join(plan.dir, 'run')}`];
}

/** monCaps and friends: each entity's capabilities, as Ceph's own bootstrap tools give them. */
export const ENTITY_CAPS = {
  mon: { mon: 'allow *' },
  admin: { mon: 'allow *', osd: 'allow *', mds: 'allow *', mgr: 'allow *' },
  mgr: { mon: 'allow profile mgr', osd: 'allow *', mds: 'allow *' },
  osd: { mon: 'allow profile osd', mgr: 'allow profile osd', osd: 'allow *' },
} as const;

/**
 * labFsid: the cluster's fsid, fixed per lab (derived from its run directory and bridge), so regenerating
 * ceph.conf on every `lab up` never changes it.
 */
export function labFsid(layout: LabLayout): string {
  return derivedUuid(`scs-chaos lab ceph ${layout.spec.runDir} ${layout.spec.bridge}`);
}

/** A name-based UUID (version 5 layout over SHA-1 of `name`). */
function derivedUuid(name: string): string {
  const hash = createHash('sha1').update(name).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
