/**
 * Parsers for `ceph ... -f json` outputs: JSON text in, typed values (types.ts) out. They tolerate what Ceph
 * leaves out — zero counters (degraded/misplaced/recovering), `pgs_by_state` before the first PG report, keys a
 * version does not have yet — and reject what would make a wrong decision: a missing health status, an OSD
 * without an id, a pool without size. Such an error names the command and the JSON path that was wrong.
 */
import type {
  CephStatus,
  CrushRule,
  Health,
  HealthCheck,
  HealthStatus,
  MgrMap,
  OkToStop,
  OsdDump,
  OsdTree,
  OsdTreeNode,
  PgBrief,
  PgMapSummary,
  PgStat,
  PgStateCount,
  PoolDetail,
  QuorumStatus,
} from './types';
import { parseStamp } from './cluster-log';
import { isActiveClean } from './pg-states';

export { isActiveClean };

/** CephOutputError: a `ceph` output did not have the shape its parser needs (a version change, a truncated answer). */
export class CephOutputError extends Error {
  override readonly name = 'CephOutputError';
  constructor(
    readonly command: string,
    readonly path: string,
    expectation: string,
  ) {
    super(`ceph ${command}: ${path} ${expectation}. Is this a Ceph version the framework knows (16 or later), and was the output complete?`);
  }
}

type Json = Record<string, unknown>;

/** Field reads with the command and path in every error. */
class JsonReader {
  constructor(readonly command: string) {}

  parse(text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new CephOutputError(this.command, 'the output', `is not JSON (${(error as Error).message}): ${text.slice(0, 120)}`);
    }
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CephOutputError(this.command, path, 'must be an object');
    return value as Json;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw new CephOutputError(this.command, path, 'must be a list');
    return value;
  }

  number(obj: Json, key: string, path: string): number {
    const value = obj[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new CephOutputError(this.command, `${path}.${key}`, 'must be a number');
    return value;
  }

  /** A counter Ceph omits when it is zero: absent is 0, anything else but a number is an error. */
  counter(obj: Json, key: string, path: string): number {
    return obj[key] === undefined ? 0 : this.number(obj, key, path);
  }

  string(obj: Json, key: string, path: string): string {
    const value = obj[key];
    if (typeof value !== 'string') throw new CephOutputError(this.command, `${path}.${key}`, 'must be a string');
    return value;
  }

  optionalObject(obj: Json, key: string, path: string): Json {
    return obj[key] === undefined ? {} : this.object(obj[key], `${path}.${key}`);
  }

  optionalArray(obj: Json, key: string, path: string): unknown[] {
    return obj[key] === undefined ? [] : this.array(obj[key], `${path}.${key}`);
  }

  numbers(value: unknown, path: string): number[] {
    return this.array(value, path).map((item, index) => {
      if (typeof item !== 'number') throw new CephOutputError(this.command, `${path}[${index}]`, 'must be a number');
      return item;
    });
  }

  strings(value: unknown, path: string): string[] {
    return this.array(value, path).map((item, index) => {
      if (typeof item !== 'string') throw new CephOutputError(this.command, `${path}[${index}]`, 'must be a string');
      return item;
    });
  }

  /** A 0/1 flag (osd dump) or a boolean. */
  flag(obj: Json, key: string, path: string): boolean {
    const value = obj[key];
    if (value === 0 || value === 1 || typeof value === 'boolean') return value === 1 || value === true;
    throw new CephOutputError(this.command, `${path}.${key}`, 'must be 0 or 1');
  }
}

const HEALTH: readonly HealthStatus[] = ['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR'];

function healthStatus(r: JsonReader, obj: Json, key: string, path: string): HealthStatus {
  const value = r.string(obj, key, path);
  if (!(HEALTH as readonly string[]).includes(value)) throw new CephOutputError(r.command, `${path}.${key}`, `must be one of ${HEALTH.join(', ')}, got "${value}"`);
  return value as HealthStatus;
}

function readHealth(r: JsonReader, value: unknown, path: string): Health {
  const obj = r.object(value, path);
  const checksObj = r.optionalObject(obj, 'checks', path);
  const checks: HealthCheck[] = Object.entries(checksObj).map(([code, raw]) => {
    const at = `${path}.checks.${code}`;
    const check = r.object(raw, at);
    const summary = r.optionalObject(check, 'summary', at);
    return {
      code,
      severity: healthStatus(r, check, 'severity', at),
      summary: typeof summary.message === 'string' ? summary.message : '',
      count: r.counter(summary, 'count', `${at}.summary`),
      muted: check.muted === true,
      detail: r.optionalArray(check, 'detail', at).map((item, index) => {
        const line = r.object(item, `${at}.detail[${index}]`);
        return r.string(line, 'message', `${at}.detail[${index}]`);
      }),
    };
  });
  return { status: healthStatus(r, obj, 'status', path), checks };
}

/** parseStatus: `ceph status -f json`. */
export function parseStatus(text: string): CephStatus {
  const r = new JsonReader('status');
  const root = r.object(r.parse(text), 'the output');
  const osdmapRaw = r.object(root.osdmap, '.osdmap');
  // Before Octopus the counters sat one level deeper, in osdmap.osdmap.
  const osdmap = osdmapRaw.osdmap !== undefined ? r.object(osdmapRaw.osdmap, '.osdmap.osdmap') : osdmapRaw;
  const pgmap = r.object(root.pgmap, '.pgmap');
  const mgrmap = r.optionalObject(root, 'mgrmap', '');
  return {
    fsid: typeof root.fsid === 'string' ? root.fsid : '',
    health: readHealth(r, root.health, '.health'),
    osdmap: {
      epoch: r.counter(osdmap, 'epoch', '.osdmap'),
      numOsds: r.number(osdmap, 'num_osds', '.osdmap'),
      numUpOsds: r.number(osdmap, 'num_up_osds', '.osdmap'),
      numInOsds: r.number(osdmap, 'num_in_osds', '.osdmap'),
      numRemappedPgs: r.counter(osdmap, 'num_remapped_pgs', '.osdmap'),
    },
    pgmap: {
      pgsByState: r.optionalArray(pgmap, 'pgs_by_state', '.pgmap').map((item, index) => {
        const at = `.pgmap.pgs_by_state[${index}]`;
        const entry = r.object(item, at);
        return { state: r.string(entry, 'state_name', at), count: r.number(entry, 'count', at) };
      }),
      numPgs: r.counter(pgmap, 'num_pgs', '.pgmap'),
      numPools: r.counter(pgmap, 'num_pools', '.pgmap'),
      numObjects: r.counter(pgmap, 'num_objects', '.pgmap'),
      degradedObjects: r.counter(pgmap, 'degraded_objects', '.pgmap'),
      degradedTotal: r.counter(pgmap, 'degraded_total', '.pgmap'),
      degradedRatio: r.counter(pgmap, 'degraded_ratio', '.pgmap'),
      misplacedObjects: r.counter(pgmap, 'misplaced_objects', '.pgmap'),
      misplacedTotal: r.counter(pgmap, 'misplaced_total', '.pgmap'),
      misplacedRatio: r.counter(pgmap, 'misplaced_ratio', '.pgmap'),
      recoveringBytesPerSec: r.counter(pgmap, 'recovering_bytes_per_sec', '.pgmap'),
      recoveringObjectsPerSec: r.counter(pgmap, 'recovering_objects_per_sec', '.pgmap'),
    },
    mgrAvailable: mgrmap.available === true,
  };
}

/** parseHealthDetail: `ceph health detail -f json` (checks with their detail lines). */
export function parseHealthDetail(text: string): Health {
  const r = new JsonReader('health detail');
  return readHealth(r, r.parse(text), 'the output');
}

/** parseOsdTree: `ceph osd tree -f json` (`stray` OSDs, not in the CRUSH map, are left out). */
export function parseOsdTree(text: string): OsdTree {
  const r = new JsonReader('osd tree');
  const root = r.object(r.parse(text), 'the output');
  const nodes = r.array(root.nodes, '.nodes').map((item, index): OsdTreeNode => {
    const at = `.nodes[${index}]`;
    const node = r.object(item, at);
    const type = r.string(node, 'type', at);
    const parsed: OsdTreeNode = {
      id: r.number(node, 'id', at),
      name: r.string(node, 'name', at),
      type,
      children: node.children === undefined ? [] : r.numbers(node.children, `${at}.children`),
    };
    if (type === 'osd') {
      parsed.up = node.status === 'up';
      parsed.reweight = r.counter(node, 'reweight', at);
      if (typeof node.device_class === 'string') parsed.deviceClass = node.device_class;
    }
    return parsed;
  });
  return { nodes };
}

/** parseOsdDump: `ceph osd dump -f json`: epoch, flags and each OSD's up/in. */
export function parseOsdDump(text: string): OsdDump {
  const r = new JsonReader('osd dump');
  const root = r.object(r.parse(text), 'the output');
  // flags_set (a list) exists since Nautilus; flags is the same as one comma-separated string.
  const flags = root.flags_set !== undefined ? r.strings(root.flags_set, '.flags_set') : r.string(root, 'flags', '').split(',').filter((flag) => flag !== '');
  return {
    epoch: r.number(root, 'epoch', ''),
    modifiedMs: root.modified === undefined ? NaN : parseStamp(r.string(root, 'modified', '')),
    flags,
    osds: r.array(root.osds, '.osds').map((item, index) => {
      const at = `.osds[${index}]`;
      const osd = r.object(item, at);
      return { id: r.number(osd, 'osd', at), up: r.flag(osd, 'up', at), in: r.flag(osd, 'in', at), weight: r.counter(osd, 'weight', at) };
    }),
  };
}

/** parsePgMapSummary: `ceph pg dump summary -f json` (version and stamp of the manager's PG map). */
export function parsePgMapSummary(text: string): PgMapSummary {
  const r = new JsonReader('pg dump summary');
  const root = r.object(r.parse(text), 'the output');
  const map = r.object(root.pg_map, '.pg_map');
  const stamp = r.string(map, 'stamp', '.pg_map');
  const stampMs = parseStamp(stamp);
  if (Number.isNaN(stampMs)) throw new CephOutputError(r.command, '.pg_map.stamp', `is not a Ceph time stamp: "${stamp}"`);
  return { version: r.number(map, 'version', '.pg_map'), stampMs };
}

/** parsePoolDetails: `ceph osd pool ls detail -f json`. Pool type 1 is replicated, 3 erasure (pg_pool_t). */
export function parsePoolDetails(text: string): PoolDetail[] {
  const r = new JsonReader('osd pool ls detail');
  return r.array(r.parse(text), 'the output').map((item, index) => {
    const at = `[${index}]`;
    const pool = r.object(item, at);
    const typeCode = r.number(pool, 'type', at);
    if (typeCode !== 1 && typeCode !== 3) throw new CephOutputError(r.command, `${at}.type`, `must be 1 (replicated) or 3 (erasure), got ${typeCode}`);
    return {
      id: r.number(pool, 'pool_id', at),
      name: r.string(pool, 'pool_name', at),
      size: r.number(pool, 'size', at),
      minSize: r.number(pool, 'min_size', at),
      crushRule: r.number(pool, 'crush_rule', at),
      type: typeCode === 1 ? 'replicated' : 'erasure',
      pgNum: r.number(pool, 'pg_num', at),
    };
  });
}

/**
 * parseCrushRules: `ceph osd crush rule dump -f json`. The failure domain is the type of the chooseleaf step
 * (replicas land under distinct buckets of that type); without one, the type of the last choose step.
 */
export function parseCrushRules(text: string): CrushRule[] {
  const r = new JsonReader('osd crush rule dump');
  return r.array(r.parse(text), 'the output').map((item, index) => {
    const at = `[${index}]`;
    const rule = r.object(item, at);
    const steps = r.array(rule.steps, `${at}.steps`).map((step, stepIndex) => r.object(step, `${at}.steps[${stepIndex}]`));
    const name = r.string(rule, 'rule_name', at);
    const leaf = steps.find((step) => typeof step.op === 'string' && step.op.startsWith('chooseleaf'));
    const choose = [...steps].reverse().find((step) => typeof step.op === 'string' && step.op.startsWith('choose'));
    const domainStep = leaf ?? choose;
    if (!domainStep || typeof domainStep.type !== 'string') throw new CephOutputError(r.command, `${at}.steps`, `of rule "${name}" must have a choose or chooseleaf step with a type`);
    const take = steps.find((step) => step.op === 'take');
    return {
      id: r.number(rule, 'rule_id', at),
      name,
      failureDomain: domainStep.type,
      root: take && typeof take.item_name === 'string' ? take.item_name : null,
    };
  });
}

/** parseOkToStop: `ceph osd ok-to-stop <ids> -f json` (the same JSON on exit 0 and on exit 16 EBUSY). */
export function parseOkToStop(text: string): OkToStop {
  const r = new JsonReader('osd ok-to-stop');
  const root = r.object(r.parse(text), 'the output');
  const ok = root.ok_to_stop;
  if (typeof ok !== 'boolean') throw new CephOutputError(r.command, '.ok_to_stop', 'must be true or false');
  return {
    ok,
    osds: r.numbers(root.osds ?? [], '.osds'),
    numOkPgs: r.counter(root, 'num_ok_pgs', ''),
    numNotOkPgs: r.counter(root, 'num_not_ok_pgs', ''),
    badBecomeInactive: r.strings(root.bad_become_inactive ?? [], '.bad_become_inactive'),
  };
}

/** parsePgStat: `ceph pg stat -f json` (pacific wraps it in pg_summary; older versions do not). */
export function parsePgStat(text: string): PgStat {
  const r = new JsonReader('pg stat');
  const root = r.object(r.parse(text), 'the output');
  const summary = root.pg_summary !== undefined ? r.object(root.pg_summary, '.pg_summary') : root;
  const pgsByState: PgStateCount[] = r.optionalArray(summary, 'num_pg_by_state', '.pg_summary').map((item, index) => {
    const at = `.pg_summary.num_pg_by_state[${index}]`;
    const entry = r.object(item, at);
    return { state: r.string(entry, 'name', at), count: r.number(entry, 'num', at) };
  });
  return {
    pgsByState,
    numPgs: r.number(summary, 'num_pgs', '.pg_summary'),
    degradedObjects: r.counter(summary, 'degraded_objects', '.pg_summary'),
    misplacedObjects: r.counter(summary, 'misplaced_objects', '.pg_summary'),
  };
}

/** parsePgsBrief: `ceph pg dump pgs_brief -f json` (an object with pg_stats since Octopus, a bare list before). */
export function parsePgsBrief(text: string): PgBrief[] {
  const r = new JsonReader('pg dump pgs_brief');
  const parsed = r.parse(text);
  const list = Array.isArray(parsed) ? parsed : r.array(r.object(parsed, 'the output').pg_stats, '.pg_stats');
  return list.map((item, index) => {
    const at = `.pg_stats[${index}]`;
    const pg = r.object(item, at);
    return { pgid: r.string(pg, 'pgid', at), state: r.string(pg, 'state', at), up: r.numbers(pg.up, `${at}.up`), acting: r.numbers(pg.acting, `${at}.acting`) };
  });
}

/** activeCleanCount: PGs with full redundancy (isActiveClean), summed over the state counts. */
export function activeCleanCount(pgsByState: readonly PgStateCount[]): number {
  return pgsByState.filter((entry) => isActiveClean(entry.state)).reduce((sum, entry) => sum + entry.count, 0);
}

/**
 * parseQuorumStatus: `ceph quorum_status -f json`: the quorum's names and leader, and the monmap's monitors. A
 * monitor out of quorum is in `monmap.mons` but not in `quorum_names`.
 */
export function parseQuorumStatus(text: string): QuorumStatus {
  const r = new JsonReader('quorum_status');
  const root = r.object(r.parse(text), '$');
  const monmap = r.object(root.monmap, '$.monmap');
  return {
    electionEpoch: r.number(root, 'election_epoch', '$'),
    quorumNames: r.strings(root.quorum_names, '$.quorum_names'),
    leader: r.string(root, 'quorum_leader_name', '$'),
    monmapEpoch: r.number(monmap, 'epoch', '$.monmap'),
    monitors: r.array(monmap.mons, '$.monmap.mons').map((item, index) => {
      const mon = r.object(item, `$.monmap.mons[${index}]`);
      return { name: r.string(mon, 'name', `$.monmap.mons[${index}]`), rank: r.number(mon, 'rank', `$.monmap.mons[${index}]`) };
    }),
  };
}

/** parseMgrDump: `ceph mgr dump -f json`: the active manager ("" with gid 0 when none) and the standbys' names. */
export function parseMgrDump(text: string): MgrMap {
  const r = new JsonReader('mgr dump');
  const root = r.object(r.parse(text), '$');
  return {
    epoch: r.number(root, 'epoch', '$'),
    activeName: r.string(root, 'active_name', '$'),
    activeGid: r.number(root, 'active_gid', '$'),
    available: r.flag(root, 'available', '$'),
    standbys: r.optionalArray(root, 'standbys', '$').map((item, index) => r.string(r.object(item, `$.standbys[${index}]`), 'name', `$.standbys[${index}]`)),
  };
}

/** MgrStat: `ceph mgr stat -f json`, the short form of the manager map (answered by the monitors). */
export interface MgrStat {
  epoch: number;
  activeName: string;
  available: boolean;
  numStandby: number;
}

export function parseMgrStat(text: string): MgrStat {
  const r = new JsonReader('mgr stat');
  const root = r.object(r.parse(text), '$');
  return { epoch: r.number(root, 'epoch', '$'), activeName: r.string(root, 'active_name', '$'), available: r.flag(root, 'available', '$'), numStandby: r.number(root, 'num_standby', '$') };
}
