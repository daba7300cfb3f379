/**
 * CephStatusProbe: samples the cluster every period — through a librados session (rados-session.ts: `status` and
 * `osd dump` from the monitors, the PG map's version, stamp and state counts from the manager, milliseconds each),
 * or, where the client node has no python3-rados, through the ceph CLI (`status` and `osd dump` in ONE CLI process,
 * ~0.5 s of Python per reading, no PG map stamps). Every measurement gives three samples with the same start
 * time, so the existing availability and recovery math applies to each:
 *   ceph          ok when ceph-health and ceph-pgs are both ok ("the cluster is clean")
 *   ceph-health   ok when HEALTH_OK, or every failing check is on the allow-list
 *   ceph-pgs      ok when PGs are reported and all of them are active+clean
 * The samples also carry the figures (PG state counts, degraded/misplaced ratios, recovery throughput, OSDs up
 * and in, which OSDs are down or out, the flags) and Ceph's own stamps — the OSD map epoch and when the monitor
 * made it, the PG map version and when the manager made it — from which the seen-down, marked-out and
 * active+clean times are pinpointed (observe.ts).
 * A CLI that cannot answer (no monitor quorum, timeout) gives measurement problems, never "clean".
 */
import { now } from '../../../kernel/clock';
import { CommandTimeout } from '../../../executors/command';
import type { CephClient } from '../client/client';
import { activeCleanCount, parseOsdDump, parsePgMapSummary, parsePgStat, parseStatus } from '../client/parse';
import { RadosSession } from '../client/rados-session';
import type { CephStatus, HealthStatus, OsdDump, PgMapSummary, PgStat } from '../client/types';
import { CEPH_CONTROL_PROBE, ControlReading, judgeControl, parseControlDocuments } from './control-probe';
import { Measurement, PeriodicSampler, Probe } from '../../../probes/probe';
import type { Sample } from '../../../model/sample';

export const CEPH_PROBE = 'ceph';
export const CEPH_HEALTH_PROBE = 'ceph-health';
export const CEPH_PGS_PROBE = 'ceph-pgs';

/** CephSample: a sample of the cluster, with the figures of that reading. */
export interface CephSample extends Sample {
  health?: HealthStatus;
  /** Failing health check codes (allow-listed ones included). */
  checks?: string[];
  activeClean?: number;
  numPgs?: number;
  /** PG states and counts, e.g. "28 active+clean, 5 active+undersized+degraded". */
  pgStates?: string;
  degradedObjects?: number;
  misplacedObjects?: number;
  degradedRatio?: number;
  misplacedRatio?: number;
  recoveringBytesPerSec?: number;
  osdsUp?: number;
  osdsIn?: number;
  numOsds?: number;
  /** OSD ids that are down / out in the OSD map of this reading. */
  down?: number[];
  out?: number[];
  flags?: string[];
  /** The OSD map epoch of this reading, and when the monitor made it (epoch ms; NaN when unknown). */
  osdmapEpoch?: number;
  osdmapModifiedMs?: number;
  /** The manager's PG map version whose state counts this reading judged, and its stamp (epoch ms). */
  pgmapVersion?: number;
  pgmapStampMs?: number;
  /** Monotonic time the answer arrived: the reading reflects the cluster somewhere between t and this. */
  answeredAt?: number;
}

/**
 * CephReading: one batched answer; `pgs` is the manager's PG map when it could be read consistently, `control`
 * when the monitors and managers were read too.
 */
export interface CephReading {
  status: CephStatus;
  dump: OsdDump;
  pgs?: { map: PgMapSummary; stat: PgStat };
  control?: ControlReading;
}

/**
 * readThroughSession: `status` and `osd dump` from the monitors, and the manager's PG state counts bracketed by
 * its PG map version (`pg dump summary`, `pg stat`, `pg dump summary`): only when both versions agree do the
 * counts belong to that version and its stamp (two retries: the map moves with every OSD map epoch while PGs
 * peer). A manager that is down or busy, or a map that keeps moving, leaves `pgs` out for this reading.
 */
export async function readThroughSession(session: RadosSession, timeoutMs: number, withControl = false): Promise<CephReading> {
  const managerTimeoutMs = Math.min(timeoutMs, 2000);
  const summary = async (): Promise<PgMapSummary> => parsePgMapSummary(await session.json('mgr', { prefix: 'pg dump', dumpcontents: ['summary'] }, managerTimeoutMs));
  const readPgs = async (): Promise<CephReading['pgs']> => {
    let before = await summary();
    for (let attempt = 0; attempt < 3; attempt++) {
      const stat = parsePgStat(await session.json('mgr', { prefix: 'pg stat' }, managerTimeoutMs));
      const after = await summary();
      if (before.version === after.version) return { map: after, stat };
      before = after; // the map moved: the summary that closed this bracket opens the next
    }
    return undefined;
  };
  const readControl = async (): Promise<ControlReading | undefined> => {
    if (!withControl) return undefined;
    const [quorum, mgr] = await Promise.all([session.json('mon', { prefix: 'quorum_status' }, timeoutMs), session.json('mon', { prefix: 'mgr stat' }, timeoutMs)]);
    return parseControlDocuments([quorum, mgr]);
  };
  const [statusText, dumpText, pgs, control] = await Promise.all([
    session.json('mon', { prefix: 'status' }, timeoutMs),
    session.json('mon', { prefix: 'osd dump' }, timeoutMs),
    readPgs().catch(() => undefined),
    readControl(),
  ]);
  return { status: parseStatus(statusText), dump: parseOsdDump(dumpText), ...(pgs ? { pgs } : {}), ...(control ? { control } : {}) };
}

/**
 * readCluster: `status` and `osd dump` through one CLI process; with `withControl` also `quorum_status` and
 * `mgr stat` in the same process (one Python start for all four: the control-plane reading costs ~0.1 s more
 * instead of a second CLI process).
 */
export async function readCluster(ceph: CephClient, timeoutMs: number, withControl = false): Promise<CephReading> {
  const argv = ceph.argv([]);
  const result = await ceph.executor.run(argv, { input: `status\nosd dump\n${withControl ? 'quorum_status\nmgr stat\n' : ''}`, timeoutMs });
  if (result.code !== 0) throw new Error(`ceph exited ${result.code}: ${(result.stderr || result.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  const documents = result.stdout.split('\n').filter((line) => line.trim().startsWith('{'));
  const expected = withControl ? 4 : 2;
  if (documents.length !== expected) throw new Error(`expected ${expected} JSON answers from ceph (status, osd dump${withControl ? ', quorum_status, mgr stat' : ''}), got ${documents.length}`);
  const reading: CephReading = { status: parseStatus(documents[0] as string), dump: parseOsdDump(documents[1] as string) };
  if (withControl) reading.control = parseControlDocuments(documents.slice(2));
  return reading;
}

/** judgeReading: the three samples' verdicts and the shared figures of one reading. */
export function judgeReading(reading: CephReading, allowedChecks: readonly string[]): { clean: boolean; healthOk: boolean; pgsOk: boolean; figures: Omit<CephSample, 'probe' | 't' | 'ok'> } {
  const { status, dump, pgs } = reading;
  const checks = status.health.checks.map((c) => c.code);
  const healthOk = status.health.status === 'HEALTH_OK' || checks.every((code) => allowedChecks.includes(code));
  // The manager's own PG map when it was read (fresher than the monitor's digest of it, and stamped).
  const pgsByState = pgs ? pgs.stat.pgsByState : status.pgmap.pgsByState;
  const numPgs = pgs ? pgs.stat.numPgs : status.pgmap.numPgs;
  const activeClean = activeCleanCount(pgsByState);
  const pgsOk = (pgs !== undefined || status.mgrAvailable) && numPgs > 0 && activeClean === numPgs;
  return {
    clean: healthOk && pgsOk,
    healthOk,
    pgsOk,
    figures: {
      health: status.health.status,
      checks,
      activeClean,
      numPgs,
      pgStates: pgsByState.map((s) => `${s.count} ${s.state}`).join(', '),
      degradedObjects: status.pgmap.degradedObjects,
      misplacedObjects: status.pgmap.misplacedObjects,
      degradedRatio: status.pgmap.degradedRatio,
      misplacedRatio: status.pgmap.misplacedRatio,
      recoveringBytesPerSec: status.pgmap.recoveringBytesPerSec,
      osdsUp: status.osdmap.numUpOsds,
      osdsIn: status.osdmap.numInOsds,
      numOsds: status.osdmap.numOsds,
      down: dump.osds.filter((o) => !o.up).map((o) => o.id),
      out: dump.osds.filter((o) => !o.in).map((o) => o.id),
      flags: dump.flags,
      osdmapEpoch: dump.epoch,
      osdmapModifiedMs: dump.modifiedMs,
      ...(pgs ? { pgmapVersion: pgs.map.version, pgmapStampMs: pgs.map.stampMs } : {}),
    },
  };
}

export interface CephStatusProbeOptions {
  ceph: CephClient;
  rateHz: number;
  allowedChecks: readonly string[];
  onSample: (sample: Sample) => void;
  /** Also read the monitors and managers (probe ceph-control, control-probe.ts) in the same CLI process. */
  withControl?: boolean;
}

/** How long a probe's librados session may live: longer than any scenario; it ends with the probe anyway. */
const SESSION_MAX_SECONDS = 6 * 3600;

export class CephStatusProbe implements Probe {
  readonly name = CEPH_PROBE;
  readonly description: string;
  private readonly sampler: PeriodicSampler;
  /** The librados session; null before the first reading; a string says why the CLI is used instead. */
  private session: RadosSession | string | null = null;
  private sessionStarting: Promise<void> | null = null;

  constructor(private readonly options: CephStatusProbeOptions) {
    // The CLI needs ~0.5-1 s on a busy small machine: give it two periods, at least 5 s.
    const timeoutMs = Math.max(5000, 2000 / options.rateHz);
    this.description = `ceph status + osd dump + PG map on ${options.ceph.executor.description} at ${options.rateHz} Hz (librados session; the CLI where it cannot start)`;
    this.sampler = new PeriodicSampler({ name: CEPH_PROBE, rateHz: options.rateHz, timeoutMs, measure: (t) => this.measure(t, timeoutMs), onSample: options.onSample });
  }

  /** via: how the probe reads the cluster ("librados session" or "ceph CLI (why)"), once the first reading ran. */
  get via(): string {
    if (this.session === null) return 'not started';
    return typeof this.session === 'string' ? `ceph CLI (${this.session})` : 'librados session';
  }

  start(): void {
    this.sampler.start();
  }

  async stop(): Promise<void> {
    await this.sampler.stop();
    await this.sessionStarting;
    if (this.session instanceof RadosSession) await this.session.stop();
  }

  private async ensureSession(): Promise<void> {
    // A session that ended under the probe (its python process died) is replaced: without this every later
    // reading would fail with "session has ended" and a healed cluster would never be seen clean again.
    if (this.session instanceof RadosSession && this.session.ended) {
      this.session = null;
      this.sessionStarting = null;
    }
    if (this.session !== null) return;
    this.sessionStarting ??= RadosSession.start(this.options.ceph.executor, this.options.ceph.access, SESSION_MAX_SECONDS).then(
      (session) => void (this.session = session),
      (error: unknown) => void (this.session = error instanceof Error ? error.message : String(error)),
    );
    await this.sessionStarting;
  }

  private async read(timeoutMs: number): Promise<CephReading> {
    await this.ensureSession();
    const withControl = this.options.withControl ?? false;
    return this.session instanceof RadosSession ? readThroughSession(this.session, timeoutMs, withControl) : readCluster(this.options.ceph, timeoutMs, withControl);
  }

  private async measure(t: number, timeoutMs: number): Promise<Measurement> {
    let reading: CephReading;
    try {
      reading = await this.read(timeoutMs);
    } catch (error) {
      const why = error instanceof CommandTimeout ? 'timeout' : `ceph-unreadable: ${String(error).slice(0, 200)}`;
      for (const probe of [CEPH_HEALTH_PROBE, CEPH_PGS_PROBE, ...(this.options.withControl ? [CEPH_CONTROL_PROBE] : [])]) this.options.onSample({ probe, t, ok: false, error: why, measurementProblem: true });
      return { ok: false, error: why, measurementProblem: true, latencyMs: now() - t };
    }
    const answeredAt = now();
    const latencyMs = answeredAt - t;
    const { clean, healthOk, pgsOk, figures } = judgeReading(reading, this.options.allowedChecks);
    const sample = (probe: string, ok: boolean, error: string): CephSample => ({ probe, t, ok, latencyMs, answeredAt, ...figures, ...(ok ? {} : { error }) });
    this.options.onSample(sample(CEPH_HEALTH_PROBE, healthOk, `health ${figures.health}`));
    this.options.onSample(sample(CEPH_PGS_PROBE, pgsOk, `pgs ${figures.activeClean}/${figures.numPgs} active+clean`));
    if (reading.control) {
      const control = judgeControl(reading.control);
      this.options.onSample({ probe: CEPH_CONTROL_PROBE, t, ok: control.ok, latencyMs, answeredAt, ...control.figures, ...(control.error ? { error: control.error } : {}) } as Sample);
    }
    const measurement: Omit<CephSample, 'probe' | 't'> = { ok: clean, latencyMs, answeredAt, ...figures, ...(clean ? {} : { error: healthOk ? 'pgs' : 'health' }) };
    return measurement;
  }
}
