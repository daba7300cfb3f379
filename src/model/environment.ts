/**
 * The environment: the system under test, as described in experiments/environments/<name>.yaml.
 * These are the validated, typed values; load.ts turns YAML into them and reports bad input by line.
 */

export type ExecutorSpec =
  | { kind: 'local' }
  | { kind: 'netns'; namespace: string }
  | { kind: 'ssh'; host: string; user: string; port: number; identityFile?: string; knownHostsFile?: string };

export interface NodeSpec {
  name: string;
  /** The node's address on the environment's network (in the lab: inside the lab range). */
  address: string;
  /** Roles select nodes in steps ("1 of the web nodes") and place services. */
  roles: string[];
  executor: ExecutorSpec;
}

export interface ServiceSpec {
  name: string;
  /** The service runs on every node that has one of these roles. */
  roles: string[];
  /** TCP port the service's backend listens on, on each node. */
  port: number;
  /** URL through which clients use the service (in the lab: haproxy on the edge). */
  endpoint?: string;
  /** URL of one node's backend; `{address}` and `{node}` are replaced. Used to probe one backend directly. */
  backendUrl?: string;
  /** How to find the service's main process on a node: a `pgrep -f` pattern; `{node}` is replaced. */
  processMatch?: string;
  /** Supervisor program that keeps the service running (lab); `{node}` in the config path is replaced. */
  supervisor?: { program: string; config: string };
  /** systemd unit that runs the service on real hosts (e.g. "haproxy.service"); used when there is no supervisor. */
  systemdUnit?: string;
}

export interface ScopeSpec {
  /** Nodes that may be touched. Anything else is refused at plan time. */
  nodes: string[];
  /** Blast radius: never more than this many nodes faulted at the same time. */
  maxNodesAtOnce: number;
  /** Whether scenarios tagged @destructive may run here. */
  allowDestructive: boolean;
}

export interface Defaults {
  /** How long past its planned end a fault may live before the node removes it by itself (TTL = duration + grace). */
  faultTtlGraceMs: number;
  /** HTTP probe rate when a step gives none. */
  probeRateHz: number;
  /** HTTP probe timeout: a request slower than this counts as failed. */
  probeTimeoutMs: number;
  /** Recovery: the SLO must hold continuously this long before the service counts as recovered. */
  stabilizationMs: number;
}

/** The built-in lab's own settings (only in the lab environment). */
export interface LabSpec {
  /** Linux bridge joining the lab namespaces (lives in the root namespace). */
  bridge: string;
  /** The lab's subnet in CIDR notation; every lab address is inside it. */
  subnet: string;
  /** Address of the host (root namespace) on the bridge, so the runner can reach lab addresses. */
  hostAddress: string;
  /** Range that gets an `unreachable` route in the root namespace: no lab packet can leave the machine. */
  unreachableRange: string;
  /** Directory for the lab's generated configs, sockets, logs and pid files. */
  runDir: string;
  edge: {
    namespace: string;
    address: string;
    /** haproxy's frontend port for the web service. */
    httpPort: number;
  };
  /**
   * The control namespace (Ceph's monitor and manager); created only when the lab runs Ceph
   * (`lab up --with ceph`). Absent: the lab cannot run Ceph.
   */
  control?: { namespace: string; address: string };
  /** Prefix of the root-namespace veth ends ("scs-l-" when absent): a second lab on the same host needs its own. */
  vethPrefix?: string;
}

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

export interface Environment {
  name: string;
  /** The YAML file this came from (absolute path). */
  sourcePath: string;
  nodes: NodeSpec[];
  services: Record<string, ServiceSpec>;
  scope: ScopeSpec;
  defaults: Defaults;
  /** The Prometheus that PromQL probes and SLOs query (in the lab: on the edge). */
  prometheus?: { url: string };
  /** The Ceph cluster OSD faults act on (optional: environments without Ceph leave it out). */
  ceph?: CephSpec;
  lab?: LabSpec;
}
