/**
 * CephStatusProbe: samples the cluster every period through the ceph CLI — `status` and `osd dump` in ONE CLI
 * process (commands on standard input, one JSON answer per line), because each `ceph` start costs ~0.5 s of
 * Python on a small machine. Every measurement gives three samples with the same start time, so the existing
 * availability and recovery math applies to each:
 *   ceph          ok when ceph-health and ceph-pgs are both ok ("the cluster is clean")
 *   ceph-health   ok when HEALTH_OK, or every failing check is on the allow-list
 *   ceph-pgs      ok when PGs are reported and all of them are active+clean
 * The samples also carry the figures (PG state counts, degraded/misplaced ratios, recovery throughput, OSDs up
 * and in, which OSDs are down or out, the flags), from which the seen-down and marked-out times are read.
 * A CLI that cannot answer (no monitor quorum, timeout) gives measurement problems, never "clean".
 */
import { now } from '../../core/clock';
import { CommandTimeout } from '../../executors/command';
import type { CephClient } from '../../clients/ceph/client';
import { activeCleanCount, parseOsdDump, parseStatus } from '../../clients/ceph/parse';
import type { CephStatus, HealthStatus, OsdDump } from '../../clients/ceph/types';
import { CEPH_CONTROL_PROBE, ControlReading, judgeControl, parseControlDocuments } from './control-probe';
import { Measurement, PeriodicSampler, Probe } from '../probe';
import type { Sample } from '../sample';

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
  /** Monotonic time the answer arrived: the reading reflects the cluster somewhere between t and this. */
  answeredAt?: number;
}

/** CephReading: one batched answer; `control` when the monitors and managers were read too. */
export interface CephReading {
  status: CephStatus;
  dump: OsdDump;
  control?: ControlReading;
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
  const { status, dump } = reading;
  const checks = status.health.checks.map((c) => c.code);
  const healthOk = status.health.status === 'HEALTH_OK' || checks.every((code) => allowedChecks.includes(code));
  const activeClean = activeCleanCount(status.pgmap.pgsByState);
  const pgsOk = status.mgrAvailable && status.pgmap.numPgs > 0 && activeClean === status.pgmap.numPgs;
  return {
    clean: healthOk && pgsOk,
    healthOk,
    pgsOk,
    figures: {
      health: status.health.status,
      checks,
      activeClean,
      numPgs: status.pgmap.numPgs,
      pgStates: status.pgmap.pgsByState.map((s) => `${s.count} ${s.state}`).join(', '),
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

export class CephStatusProbe implements Probe {
  readonly name = CEPH_PROBE;
  readonly description: string;
  private readonly sampler: PeriodicSampler;

  constructor(private readonly options: CephStatusProbeOptions) {
    // The CLI needs ~0.5-1 s on a busy small machine: give it two periods, at least 5 s.
    const timeoutMs = Math.max(5000, 2000 / options.rateHz);
    this.description = `ceph status + osd dump on ${options.ceph.executor.description} at ${options.rateHz} Hz`;
    this.sampler = new PeriodicSampler({ name: CEPH_PROBE, rateHz: options.rateHz, timeoutMs, measure: (t) => this.measure(t, timeoutMs), onSample: options.onSample });
  }

  start(): void {
    this.sampler.start();
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }

  private async measure(t: number, timeoutMs: number): Promise<Measurement> {
    let reading: CephReading;
    try {
      reading = await readCluster(this.options.ceph, timeoutMs, this.options.withControl ?? false);
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
