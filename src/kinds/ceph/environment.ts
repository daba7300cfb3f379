/**
 * The Ceph kind's section of the environment file (`ceph:`): where the `ceph` CLI runs, its access options, the OSD
 * deployment (lab, systemd, cephadm, rook) and, for the built-in lab, how `lab up --with ceph` builds the cluster.
 * Read and validated here, by line (src/environment/reader.ts), and stored as env.sections.ceph.
 */
import { isScalar } from 'yaml';
import type { Environment } from '../../model/environment';
import type { EnvironmentSection } from '../../core/kinds';
import type { EnvironmentReader, YAMLMap } from '../../environment/reader';

declare module '../../model/environment' {
  interface EnvironmentSections {
    /** The Ceph cluster OSD faults act on (optional: environments without Ceph leave it out). */
    ceph?: CephSpec;
  }
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The deployment that runs the OSD daemons: how an OSD daemon is stopped and started (src/kinds/ceph/client/osd-daemon.ts). */
export type CephBackend = 'lab' | 'systemd' | 'cephadm' | 'rook';

/** The environment's Ceph cluster: where the `ceph` CLI runs, its access options, and the OSD deployment. */
export interface CephSpec {
  /** The node whose executor runs the `ceph` CLI, or "local" for the runner's own host. */
  executorNode: string;
  /** Paths on that node; the CLI's defaults (/etc/ceph/<cluster>.conf, client.admin) when absent. */
  conf?: string;
  keyring?: string;
  /** Client id ("admin") or name ("client.chaos"). */
  user?: string;
  /** Cluster name, when not "ceph". */
  cluster?: string;
  backend: CephBackend;
  /** backend lab: the supervisor program per OSD (`{node}` and `{id}` are replaced) and how `lab up --with ceph` builds the cluster. */
  lab?: LabCephSettings;
  /** backend rook: the CephCluster's namespace and the kubeconfig context. */
  rook?: { namespace: string; kubeconfigContext?: string };
}

/**
 * LabCephSettings: the lab backend. OSDs run as `program` of each node's supervisord (`supervisorConfig`); monitors
 * and managers as `monProgram` / `mgrProgram` of the control namespace's supervisord (`controlSupervisorConfig`);
 * `{node}` and `{id}` are replaced.
 */
export interface LabCephSettings {
  supervisorConfig: string;
  program: string;
  controlSupervisorConfig: string;
  monProgram: string;
  mgrProgram: string;
  cluster: LabCephCluster;
}

/**
 * LabCephCluster: the built-in lab's Ceph cluster as `lab up --with ceph` builds it (lab/ceph/). The timings go
 * into the generated ceph.conf; they are here, in the environment file, so experiments can read what detection
 * and auto-out times to expect. All durations in milliseconds, whole seconds except the recovery sleep.
 */
export interface LabCephCluster {
  /** How many monitors (1 or 3: ids a, b, c) and managers (1 or 2: ids x, y) run in the control namespace. */
  monitors: 1 | 3;
  managers: 1 | 2;
  /** The replicated pool the lab creates (failure domain host: every OSD runs on its own node). */
  pool: { name: string; size: number; minSize: number; pgs: number };
  timings: {
    /** osd_heartbeat_interval: how often OSDs ping their peers. */
    osdHeartbeatIntervalMs: number;
    /** osd_heartbeat_grace: silence after which peers report an OSD failed (and the monitor marks it down). */
    osdHeartbeatGraceMs: number;
    /** mon_osd_down_out_interval: how long an OSD stays down before the monitor marks it out. */
    monOsdDownOutIntervalMs: number;
    /** mgr_stats_period: how often daemons send PG and OSD statistics to the manager. */
    mgrStatsPeriodMs: number;
    /** mon_mgr_digest_period: how often the manager sends its digest (what `ceph status` shows) to the monitor. */
    monMgrDigestPeriodMs: number;
    /** osd_recovery_sleep (hdd, ssd, hybrid): pause between recovery operations; 0 = not throttled. */
    osdRecoverySleepMs: number;
    /** mon_lease: how long a peon's lease lasts; a silent monitor is noticed after about twice this. */
    monLeaseMs: number;
    /** mon_election_timeout: how long an election waits for the monitors that do not answer. */
    monElectionTimeoutMs: number;
    /** mon_mgr_beacon_grace: silence after which the monitors replace the active manager with a standby. */
    monMgrBeaconGraceMs: number;
  };
}

const CEPH_BACKENDS: readonly CephBackend[] = ['lab', 'systemd', 'cephadm', 'rook'];
// The lab's default OSD programs: one supervisord per node, as for the web service.
const LAB_OSD_DEFAULTS = { supervisorConfig: '/run/scs-chaos-lab/{node}/supervisord.conf', program: 'ceph-osd-{id}' };
// The lab's monitors and managers: programs of the control namespace's supervisord (lab/layout.ts names its directory "control").
const LAB_CONTROL_DEFAULTS = { controlSupervisorConfig: '/run/scs-chaos-lab/control/supervisord.conf', monProgram: 'ceph-mon-{id}', mgrProgram: 'ceph-mgr-{id}' };
// The lab cluster's defaults (lab/ceph/, docs/decisions/0091): 3 copies that survive one node, failures seen in
// seconds rather than Ceph's 20 s grace and 10 min auto-out, fresh statistics, unthrottled recovery.
const LAB_CEPH_DEFAULTS: LabCephCluster = {
  monitors: 1,
  managers: 1,
  pool: { name: 'scs-chaos-lab', size: 3, minSize: 2, pgs: 16 },
  timings: { osdHeartbeatIntervalMs: 1000, osdHeartbeatGraceMs: 5000, monOsdDownOutIntervalMs: 30_000, mgrStatsPeriodMs: 1000, monMgrDigestPeriodMs: 1000, osdRecoverySleepMs: 0, monLeaseMs: 2000, monElectionTimeoutMs: 2000, monMgrBeaconGraceMs: 8000 },
};
const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function readCeph(r: EnvironmentReader, map: YAMLMap, nodeNames: Set<string>): CephSpec {
  const executorNode = r.string(map, 'executorNode', 'ceph');
  if (executorNode !== 'local' && !nodeNames.has(executorNode)) {
    throw r.error(r.get(map, 'executorNode', true), `ceph executorNode "${executorNode}" is neither "local" nor a node of this environment`, `write local or one of: ${[...nodeNames].join(', ')}`);
  }
  const backend = r.string(map, 'backend', 'ceph');
  if (!(CEPH_BACKENDS as readonly string[]).includes(backend)) {
    throw r.error(r.get(map, 'backend', true), `ceph backend "${backend}" is unknown`, `write one of ${CEPH_BACKENDS.join(', ')} (how the OSD daemons are deployed)`);
  }
  const spec: CephSpec = { executorNode, backend: backend as CephBackend };
  for (const key of ['conf', 'keyring', 'user', 'cluster'] as const) {
    const value = r.optionalString(map, key);
    if (value === '') throw r.error(r.get(map, key, true), `ceph ${key} is empty`, `remove ${key}: to use the ceph CLI's default, or write a value`);
    if (value !== undefined) spec[key] = value;
  }
  const labNode = r.get(map, 'lab', false);
  const rookNode = r.get(map, 'rook', false);
  if (spec.backend === 'lab') {
    const lab = labNode ? r.map(labNode, 'ceph lab', 'lab has supervisorConfig and program') : undefined;
    spec.lab = {
      supervisorConfig: (lab && r.optionalString(lab, 'supervisorConfig')) || LAB_OSD_DEFAULTS.supervisorConfig,
      program: (lab && r.optionalString(lab, 'program')) || LAB_OSD_DEFAULTS.program,
      controlSupervisorConfig: (lab && r.optionalString(lab, 'controlSupervisorConfig')) || LAB_CONTROL_DEFAULTS.controlSupervisorConfig,
      monProgram: (lab && r.optionalString(lab, 'monProgram')) || LAB_CONTROL_DEFAULTS.monProgram,
      mgrProgram: (lab && r.optionalString(lab, 'mgrProgram')) || LAB_CONTROL_DEFAULTS.mgrProgram,
      cluster: readLabCephCluster(r, lab),
    };
  } else if (labNode) {
    throw r.error(labNode, `ceph lab: is only read with backend: lab (this one is ${spec.backend})`, 'remove lab: or set backend: lab');
  }
  if (spec.backend === 'rook') {
    if (!rookNode) throw r.error(map, 'ceph backend rook needs a rook: section', 'add rook: { namespace: rook-ceph, kubeconfigContext: <context> }');
    const rook = r.map(rookNode, 'ceph rook', 'rook has namespace and kubeconfigContext');
    const namespace = r.string(rook, 'namespace', 'ceph rook');
    if (!NAME.test(namespace)) throw r.error(r.get(rook, 'namespace', true), `ceph rook namespace "${namespace}" is not a Kubernetes namespace name`, 'use lower-case letters, digits and dashes, e.g. rook-ceph');
    const kubeconfigContext = r.optionalString(rook, 'kubeconfigContext');
    spec.rook = kubeconfigContext ? { namespace, kubeconfigContext } : { namespace };
  } else if (rookNode) {
    throw r.error(rookNode, `ceph rook: is only read with backend: rook (this one is ${spec.backend})`, 'remove rook: or set backend: rook');
  }
  return spec;
}

/** The lab cluster's pool and timings (`ceph.lab.pool`, `ceph.lab.timings`); every key is optional. */
function readLabCephCluster(r: EnvironmentReader, lab: YAMLMap | undefined): LabCephCluster {
  const cluster = structuredClone(LAB_CEPH_DEFAULTS);
  // Monitors: 1 or 3 (2 would lose quorum with either one, more is beyond a lab); managers: 1 or a pair.
  const monitors = lab && r.optionalNumber(lab, 'monitors');
  if (monitors !== undefined) {
    if (monitors !== 1 && monitors !== 3) throw r.error(r.get(lab as YAMLMap, 'monitors', true), `ceph lab monitors must be 1 or 3, got ${monitors}`, 'write monitors: 3 for a quorum that survives one monitor, or 1');
    cluster.monitors = monitors as 1 | 3;
  }
  const managers = lab && r.optionalNumber(lab, 'managers');
  if (managers !== undefined) {
    if (managers !== 1 && managers !== 2) throw r.error(r.get(lab as YAMLMap, 'managers', true), `ceph lab managers must be 1 or 2, got ${managers}`, 'write managers: 2 for an active manager and a standby, or 1');
    cluster.managers = managers as 1 | 2;
  }
  const poolNode = lab && r.get(lab, 'pool', false);
  if (poolNode) {
    const pool = r.map(poolNode, 'ceph lab pool', 'pool has name, size, minSize and pgs');
    const name = r.optionalString(pool, 'name');
    if (name !== undefined) {
      if (!POOL_NAME.test(name)) throw r.error(r.get(pool, 'name', true), `ceph lab pool name "${name}" is not a plain pool name`, 'use letters, digits, "-", "_" and ".", e.g. scs-chaos-lab');
      cluster.pool.name = name;
    }
    for (const key of ['size', 'minSize', 'pgs'] as const) {
      const value = r.optionalNumber(pool, key);
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 1) throw r.error(r.get(pool, key, true), `ceph lab pool ${key} must be a positive integer, got ${value}`, `write e.g. ${key}: ${LAB_CEPH_DEFAULTS.pool[key]}`);
      cluster.pool[key] = value;
    }
    if (cluster.pool.minSize > cluster.pool.size) throw r.error(pool, `ceph lab pool minSize ${cluster.pool.minSize} exceeds size ${cluster.pool.size}`, 'min_size is at most size, e.g. size: 3, minSize: 2');
  }
  const timingsNode = lab && r.get(lab, 'timings', false);
  if (timingsNode) {
    const timings = r.map(timingsNode, 'ceph lab timings', 'timings maps Ceph options to durations, e.g. osdHeartbeatGrace: 5s');
    const keys = {
      osdHeartbeatInterval: 'osdHeartbeatIntervalMs',
      osdHeartbeatGrace: 'osdHeartbeatGraceMs',
      monOsdDownOutInterval: 'monOsdDownOutIntervalMs',
      mgrStatsPeriod: 'mgrStatsPeriodMs',
      monMgrDigestPeriod: 'monMgrDigestPeriodMs',
      osdRecoverySleep: 'osdRecoverySleepMs',
      monLease: 'monLeaseMs',
      monElectionTimeout: 'monElectionTimeoutMs',
      monMgrBeaconGrace: 'monMgrBeaconGraceMs',
    } as const;
    for (const pair of timings.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!(key in keys)) throw r.error(pair.key, `ceph lab timings: unknown key "${key}"`, `use ${Object.keys(keys).join(', ')}`);
    }
    for (const [key, field] of Object.entries(keys) as Array<[keyof typeof keys, (typeof keys)[keyof typeof keys]]>) {
      const ms = r.optionalDuration(timings, key);
      if (ms === undefined) continue;
      // Ceph takes these options in whole seconds (the recovery sleep is a float and may be 0).
      const fractionOk = field === 'osdRecoverySleepMs';
      if (ms < 0 || (!fractionOk && (ms < 1000 || ms % 1000 !== 0))) {
        throw r.error(r.get(timings, key, true), `ceph lab timings ${key} must be ${fractionOk ? 'zero or more' : 'a whole number of seconds, at least 1s'}`, `write e.g. ${key}: ${fractionOk ? '0s' : '5s'}`);
      }
      cluster.timings[field] = ms;
    }
    if (cluster.timings.osdHeartbeatGraceMs <= cluster.timings.osdHeartbeatIntervalMs) {
      throw r.error(timings, 'ceph lab timings: osdHeartbeatGrace must be longer than osdHeartbeatInterval', 'a grace of several intervals, e.g. interval 1s, grace 5s');
    }
  }
  return cluster;
}


/** cephSection: the `ceph:` key of the environment file. */
export const cephSection: EnvironmentSection = {
  key: 'ceph',
  read: (reader: EnvironmentReader, value: unknown, env: Environment): CephSpec =>
    readCeph(reader, reader.map(value, 'ceph', 'ceph is a mapping with executorNode and backend'), new Set(env.nodes.map((node) => node.name))),
};
