/**
 * The Ceph cluster log as timed events: when an OSD went down, was marked out, booted, was marked in, and when
 * the cluster said it was healthy again. Recovery measurements use the monitor's own timestamps from here
 * rather than when a poll happened to notice. Two sources, one result:
 *   - the monitor's cluster log file (`mon cluster log file`, /var/log/ceph/<cluster>.log), one line each:
 *     `2026-11-27T21:39:44.156947+0000 mon.a (mon.0) 2966 : cluster [INF] Marking osd.3 out (has been down for 13 seconds)`
 *   - `ceph log last N info cluster -f json` (short: the monitor keeps about 50 entries).
 * Message texts are Ceph 16's (src/mon/OSDMonitor.cc, src/mon/HealthMonitor.cc); unknown lines keep kind "other".
 */
import { isActiveClean } from './pg-states';

export type ClusterLogKind =
  /** The monitor marked the OSD down: failure reports ("osd.3 failed (...)"), a clean shutdown, or no beacon. */
  | 'osd-down'
  /** Marked out, automatically after mon_osd_down_out_interval or by an operator ("osd out"). */
  | 'osd-out'
  /** An operator's "osd in" finished (audit channel; an auto-out OSD that boots is marked in without a line). */
  | 'osd-in'
  | 'osd-boot'
  | 'health-check-failed'
  | 'health-check-cleared'
  /** "Cluster is now healthy": every health check cleared (HEALTH_OK). */
  | 'cluster-healthy'
  /** The manager's "pgmap vN: 17 pgs: 17 active+clean; ..." (DBG, every tick): `pgmapVersion`, `allActiveClean`. */
  | 'pgmap'
  /** The monitor's "osdmap e15: 3 total, 2 up, 3 in" (DBG): a new OSD map epoch was committed (`osdmapEpoch`). */
  | 'osdmap'
  /** "mon.a calling monitor election": a monitor starts an election (a monitor left or came back). */
  | 'mon-election'
  /** "mon.a is new leader, mons a,c in quorum (ranks 0,2)": an election ended with this quorum. */
  | 'mon-quorum'
  /** "Manager daemon y is unresponsive, replacing it with standby daemon x": the monitors failed the active manager over. */
  | 'mgr-failover'
  /** "Activating manager daemon y": a manager became active without a failover (the first, or after none was active). */
  | 'mgr-activating'
  /** "Manager daemon x is now available": the new active manager serves. */
  | 'mgr-available'
  | 'other';

export type ClusterLogPriority = 'DBG' | 'INF' | 'SEC' | 'WRN' | 'ERR';

/** ClusterLogEvent: one entry of the cluster log, classified. */
export interface ClusterLogEvent {
  /** The stamp as Ceph wrote it (microseconds, "+0000"). */
  stamp: string;
  /** The stamp in milliseconds since the Unix epoch (fractional: microseconds kept). */
  epochMs: number;
  /** The daemon that logged it: "mon.a", "osd.1", "mgr.x". */
  who: string;
  channel: string;
  priority: ClusterLogPriority;
  message: string;
  kind: ClusterLogKind;
  /** The OSD the event is about (osd-* kinds). */
  osd?: number;
  /** The health check code (health-check-* kinds), e.g. "OSD_DOWN". */
  check?: string;
  /** pgmap lines: the PG map version, and whether every PG was active+clean in it. */
  pgmapVersion?: number;
  allActiveClean?: boolean;
  /** osdmap lines: the epoch. */
  osdmapEpoch?: number;
  /** The monitor or manager id the event is about: the caller (mon-election), the new leader (mon-quorum), the manager now active (mgr-*). */
  daemon?: string;
  /** mon-quorum: the monitors in the new quorum. */
  quorum?: string[];
  /** mgr-failover: the manager that was replaced. */
  replaced?: string;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** parseStamp: a Ceph timestamp ("2026-11-27T21:39:44.156947+0000") in epoch milliseconds, or NaN. */
export function parseStamp(stamp: string): number {
  const m = STAMP.exec(stamp);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac = '0', zone = 'Z'] = m;
  const fraction = Number(`0.${frac}`) * 1000;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + fraction - offsetMinutes * 60_000;
}

const PATTERNS: ReadonlyArray<{ kind: ClusterLogKind; pattern: RegExp }> = [
  // "osd.3 failed (root=default,host=vm) (connection refused reported by osd.1)", also "(2 reporters from different host after 21.5 >= grace 20.0)"
  { kind: 'osd-down', pattern: /^osd\.(\d+) failed \(/ },
  // "osd.2 marked itself down and dead" (SIGTERM), "osd.2 marked itself down" (older), "osd.2 marked down after no beacon for 900.0 seconds"
  { kind: 'osd-down', pattern: /^osd\.(\d+) marked (?:itself down|down after)/ },
  // "Marking osd.3 out (has been down for 13 seconds)"; "Client client.admin marked osd.2 out, after it was down for 5 seconds"
  { kind: 'osd-out', pattern: /^Marking osd\.(\d+) out\b/ },
  { kind: 'osd-out', pattern: / marked osd\.(\d+) out\b/ },
  // "osd.3 [v2:127.0.0.1:17826/16217,v1:127.0.0.1:17827/16217] boot"
  { kind: 'osd-boot', pattern: /^osd\.(\d+) .*\bboot$/ },
];

/** classifyControl: monitor elections and manager failovers (Ceph 16's MonmapMonitor/Elector and MgrMonitor texts). */
function classifyControl(message: string): Pick<ClusterLogEvent, 'kind' | 'daemon' | 'quorum' | 'replaced'> | null {
  const election = /^mon\.(\S+) calling monitor election$/.exec(message);
  if (election) return { kind: 'mon-election', daemon: election[1] as string };
  const quorum = /^mon\.(\S+) is new leader, mons (\S+) in quorum \(ranks [\d,]+\)$/.exec(message);
  if (quorum) return { kind: 'mon-quorum', daemon: quorum[1] as string, quorum: (quorum[2] as string).split(',') };
  const failover = /^Manager daemon (\S+) is unresponsive, replacing it with standby daemon (\S+)$/.exec(message);
  if (failover) return { kind: 'mgr-failover', replaced: failover[1] as string, daemon: failover[2] as string };
  const activating = /^Activating manager daemon (\S+)$/.exec(message);
  if (activating) return { kind: 'mgr-activating', daemon: activating[1] as string };
  const available = /^Manager daemon (\S+) is now available$/.exec(message);
  if (available) return { kind: 'mgr-available', daemon: available[1] as string };
  return null;
}

/** classify: the kind of a cluster-log message, and the OSD or health check it names. */
export function classify(channel: string, message: string): Pick<ClusterLogEvent, 'kind' | 'osd' | 'check' | 'pgmapVersion' | 'allActiveClean' | 'osdmapEpoch' | 'daemon' | 'quorum' | 'replaced'> {
  if (channel === 'audit') {
    // cmd='[{"prefix": "osd in", "ids": ["2"]}]': finished — only the finished line, not the dispatch.
    const audit = /"prefix": "osd (in|out)", "ids": \["?(\d+)"?\]\}\]'?: finished$/.exec(message);
    if (audit) return { kind: audit[1] === 'in' ? 'osd-in' : 'osd-out', osd: Number(audit[2]) };
    return { kind: 'other' };
  }
  if (message === 'Cluster is now healthy') return { kind: 'cluster-healthy' };
  const osdmap = /^osdmap e(\d+): \d+ total/.exec(message);
  if (osdmap) return { kind: 'osdmap', osdmapEpoch: Number(osdmap[1]) };
  // "pgmap v455: 33 pgs: 33 active+clean; 125 MiB data, ..." or "... 24 peering, 9 active+clean; ..."
  const pgmap = /^pgmap v(\d+): (\d+) pgs: ([^;]*)/.exec(message);
  if (pgmap) {
    const total = Number(pgmap[2]);
    const clean = (pgmap[3] as string).split(', ').reduce((sum, part) => {
      const m = /^(\d+) (\S+)$/.exec(part.trim());
      return m && isActiveClean(m[2] as string) ? sum + Number(m[1]) : sum;
    }, 0);
    return { kind: 'pgmap', pgmapVersion: Number(pgmap[1]), allActiveClean: total > 0 && clean === total };
  }
  const control = classifyControl(message);
  if (control) return control;
  const failed = /^Health check failed: .* \(([A-Z_]+)\)$/.exec(message);
  if (failed) return { kind: 'health-check-failed', check: failed[1] as string };
  const cleared = /^Health check cleared: ([A-Z_]+) \(was:/.exec(message);
  if (cleared) return { kind: 'health-check-cleared', check: cleared[1] as string };
  for (const { kind, pattern } of PATTERNS) {
    const m = pattern.exec(message);
    if (m) return { kind, osd: Number(m[1]) };
  }
  return { kind: 'other' };
}

const PRIORITIES: readonly string[] = ['DBG', 'INF', 'SEC', 'WRN', 'ERR'];
// <stamp> <who> (<rank>) <seq> : <channel> [<PRIO>] <message>
const LINE = /^(\S+) (\S+) \(([^)]*)\) (\d+) : (\w+) \[(\w+)\] (.*)$/;

/** parseClusterLogLine: one line of the cluster log file, or null for a line of another shape (a wrapped message). */
export function parseClusterLogLine(line: string): ClusterLogEvent | null {
  const m = LINE.exec(line.trimEnd());
  if (!m) return null;
  const [, stamp, who, , , channel, priority, message] = m as unknown as [string, string, string, string, string, string, string, string];
  const epochMs = parseStamp(stamp);
  if (Number.isNaN(epochMs) || !PRIORITIES.includes(priority)) return null;
  return { stamp, epochMs, who, channel, priority: priority as ClusterLogPriority, message, ...classify(channel, message) };
}

/** parseClusterLogFile: every parseable line, in file order (daemons' lines may arrive slightly out of time order). */
export function parseClusterLogFile(text: string): ClusterLogEvent[] {
  return text.split('\n').map(parseClusterLogLine).filter((event): event is ClusterLogEvent => event !== null);
}

/** parseLogLast: `ceph log last N ... -f json` (a list of {name, stamp, channel, priority "[INF]", message}). */
export function parseLogLast(text: string): ClusterLogEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`ceph log last: the output is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error('ceph log last: the output must be a list of log entries');
  return parsed.map((item: unknown, index) => {
    const entry = item as Record<string, unknown>;
    const stamp = entry?.stamp;
    const message = entry?.message;
    if (typeof stamp !== 'string' || typeof message !== 'string' || Number.isNaN(parseStamp(stamp))) {
      throw new Error(`ceph log last: entry ${index} needs a stamp and a message, got ${JSON.stringify(item).slice(0, 120)}`);
    }
    const channel = typeof entry.channel === 'string' ? entry.channel : 'cluster';
    const priority = typeof entry.priority === 'string' ? entry.priority.replace(/[[\]]/g, '') : 'INF';
    return {
      stamp,
      epochMs: parseStamp(stamp),
      who: typeof entry.name === 'string' ? entry.name : '',
      channel,
      priority: (PRIORITIES.includes(priority) ? priority : 'INF') as ClusterLogPriority,
      message,
      ...classify(channel, message),
    };
  });
}

/** firstCleanPgmap: the earliest "pgmap vN" line at or after `sinceMs` in which every PG is active+clean. */
export function firstCleanPgmap(events: readonly ClusterLogEvent[], sinceMs: number): ClusterLogEvent | undefined {
  return events.filter((event) => event.kind === 'pgmap' && event.allActiveClean && event.epochMs >= sinceMs).reduce<ClusterLogEvent | undefined>((first, event) => (!first || event.epochMs < first.epochMs ? event : first), undefined);
}

/** osdmapCommitted: the "osdmap eN" line of epoch N, if the log has it. */
export function osdmapCommitted(events: readonly ClusterLogEvent[], epoch: number): ClusterLogEvent | undefined {
  return events.find((event) => event.kind === 'osdmap' && event.osdmapEpoch === epoch);
}

/** firstEvent: the earliest event of `kind` (for `osd`, if given) at or after `sinceMs`, by time not file order. */
export function firstEvent(events: readonly ClusterLogEvent[], kind: ClusterLogKind, options: { osd?: number; sinceMs?: number } = {}): ClusterLogEvent | undefined {
  return events
    .filter((event) => event.kind === kind && (options.osd === undefined || event.osd === options.osd) && event.epochMs >= (options.sinceMs ?? -Infinity))
    .reduce<ClusterLogEvent | undefined>((first, event) => (!first || event.epochMs < first.epochMs ? event : first), undefined);
}

/**
 * healthyAgainAt: the "Cluster is now healthy" event after `sinceMs` that no later health-check failure undid,
 * or undefined if the cluster is not (yet) healthy by the log. The first such line is not enough: the captured
 * log shows "Cluster is now healthy" as a paused OSD came back, then PG_DEGRADED one second later.
 */
export function healthyAgainAt(events: readonly ClusterLogEvent[], sinceMs: number): ClusterLogEvent | undefined {
  const window = events.filter((event) => event.epochMs >= sinceMs).sort((a, b) => a.epochMs - b.epochMs);
  let candidate: ClusterLogEvent | undefined;
  for (const event of window) {
    if (event.kind === 'cluster-healthy') candidate = event;
    else if (event.kind === 'health-check-failed') candidate = undefined;
  }
  return candidate;
}
