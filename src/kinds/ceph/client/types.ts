/**
 * Typed values of the `ceph ... -f json` outputs the framework reads (Ceph 16 "pacific" and later). Only the
 * fields a fault, probe or safety check uses are kept. Ceph omits counters that are zero (degraded_objects,
 * misplaced_objects, recovering_*), so those are already 0 here; parse.ts fills them in.
 */

export type HealthStatus = 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';

/** HealthCheck: one named check of `health.checks` (e.g. OSD_DOWN), with its detail lines when asked for. */
export interface HealthCheck {
  code: string;
  severity: HealthStatus;
  summary: string;
  count: number;
  muted: boolean;
  /** Only `ceph health detail` fills this; `ceph status` leaves it empty. */
  detail: string[];
}

export interface Health {
  status: HealthStatus;
  checks: HealthCheck[];
}

/** PgStateCount: how many PGs are in one combined state, e.g. "active+undersized+degraded". */
export interface PgStateCount {
  state: string;
  count: number;
}

/** CephStatus: `ceph status -f json`. */
export interface CephStatus {
  fsid: string;
  health: Health;
  osdmap: { epoch: number; numOsds: number; numUpOsds: number; numInOsds: number; numRemappedPgs: number };
  pgmap: {
    pgsByState: PgStateCount[];
    numPgs: number;
    numPools: number;
    numObjects: number;
    degradedObjects: number;
    degradedTotal: number;
    degradedRatio: number;
    misplacedObjects: number;
    misplacedTotal: number;
    misplacedRatio: number;
    recoveringBytesPerSec: number;
    recoveringObjectsPerSec: number;
  };
  /** Whether a manager is active; without one the PG figures are stale or zero. */
  mgrAvailable: boolean;
}

/** OsdTreeNode: one bucket (root, host, rack, ...) or OSD of `ceph osd tree -f json`. */
export interface OsdTreeNode {
  id: number;
  name: string;
  /** CRUSH type: "osd", "host", "rack", "root", ... */
  type: string;
  /** Bucket children ids (empty for OSDs). */
  children: number[];
  /** OSDs only: status "up" (anything else — "down", "destroyed" — is false). */
  up?: boolean;
  /** OSDs only: 0 means "out". */
  reweight?: number;
  deviceClass?: string;
}

export interface OsdTree {
  nodes: OsdTreeNode[];
}

/** OsdState: one OSD of `ceph osd dump -f json`. */
export interface OsdState {
  id: number;
  up: boolean;
  in: boolean;
  weight: number;
}

/** OsdDump: `ceph osd dump -f json`; `flags` are the cluster-wide flags (noout, norebalance, ...). */
export interface OsdDump {
  epoch: number;
  /** When the monitor made this epoch (Ceph's stamp, epoch ms), or NaN when the dump has none. */
  modifiedMs: number;
  flags: string[];
  osds: OsdState[];
}

/** PoolDetail: one pool of `ceph osd pool ls detail -f json`. */
export interface PoolDetail {
  id: number;
  name: string;
  /** Replicas (replicated) or k+m (erasure). */
  size: number;
  /** The fewest copies (or shards) with which the pool still serves I/O. */
  minSize: number;
  crushRule: number;
  type: 'replicated' | 'erasure';
  pgNum: number;
}

/** CrushRule: one rule of `ceph osd crush rule dump -f json`. */
export interface CrushRule {
  id: number;
  name: string;
  /** The bucket type replicas are spread across: the type of the chooseleaf (or last choose) step. */
  failureDomain: string;
  /** The root the rule takes ("default"), or null when it has no take step. */
  root: string | null;
}

/** OkToStop: `ceph osd ok-to-stop <ids> -f json` (exit 16, EBUSY, with the same JSON when refused). */
export interface OkToStop {
  ok: boolean;
  osds: number[];
  numOkPgs: number;
  numNotOkPgs: number;
  /** PGs that would go inactive: the reason for a refusal. */
  badBecomeInactive: string[];
}

/** PgStat: `ceph pg stat -f json`. */
export interface PgStat {
  pgsByState: PgStateCount[];
  numPgs: number;
  degradedObjects: number;
  misplacedObjects: number;
}

/** PgMapSummary: `ceph pg dump summary -f json` — the manager's PG map version and when it was made. */
export interface PgMapSummary {
  version: number;
  /** The manager's stamp of this version (epoch ms): the time of its "pgmap vN" cluster-log line. */
  stampMs: number;
}

/** PgBrief: one PG of `ceph pg dump pgs_brief -f json`. */
export interface PgBrief {
  pgid: string;
  state: string;
  up: number[];
  acting: number[];
}

/** MonitorEntry: one monitor of the monmap. */
export interface MonitorEntry {
  name: string;
  rank: number;
}

/** QuorumStatus: `ceph quorum_status`: which monitors of the monmap form the quorum now, and who leads it. */
export interface QuorumStatus {
  electionEpoch: number;
  /** Names of the monitors in quorum. */
  quorumNames: string[];
  leader: string;
  monmapEpoch: number;
  /** Every monitor of the monmap, by rank. */
  monitors: MonitorEntry[];
}

/** MgrMap: `ceph mgr dump`: the active manager (if any) and the standbys. */
export interface MgrMap {
  epoch: number;
  /** The active manager's name; "" when there is none. */
  activeName: string;
  activeGid: number;
  /** Whether the active manager has finished starting and serves. */
  available: boolean;
  standbys: string[];
}
