/**
 * CephControlProbe: samples the cluster's control plane every period (alone; with the cluster probe, the same
 * reading rides along in its CLI process instead: CephStatusProbe withControl) — `quorum_status` and `mgr stat` in ONE
 * ceph CLI process (commands on standard input, as the status probe does). Probe "ceph-control" is ok when every
 * monitor of the monmap is in quorum and a manager is active and available. The samples carry the quorum, the
 * monmap's monitors and the active manager, from which the monitor and manager steps read when a monitor left
 * or rejoined the quorum and when a standby took over. A CLI that cannot answer (no quorum: it hangs until its
 * timeout) is a measurement problem, never "ok".
 */
import { now } from '../../../kernel/clock';
import { CommandTimeout } from '../../../executors/command';
import type { CephClient } from '../client/client';
import { MgrStat, parseMgrStat, parseQuorumStatus } from '../client/parse';
import type { QuorumStatus } from '../client/types';
import { Measurement, PeriodicSampler, Probe } from '../../../probes/probe';
import type { Sample } from '../../../model/sample';

export const CEPH_CONTROL_PROBE = 'ceph-control';

/** CephControlSample: one reading of the monitors and managers. */
export interface CephControlSample extends Sample {
  /** Monitors in quorum, and every monitor of the monmap. */
  quorum?: string[];
  monitors?: string[];
  leader?: string;
  /** The active manager ("" when none), whether it is available, how many stand by. */
  activeMgr?: string;
  mgrAvailable?: boolean;
  mgrStandbys?: number;
  /** Monotonic time the answer arrived. */
  answeredAt?: number;
}

export interface ControlReading {
  quorum: QuorumStatus;
  mgr: MgrStat;
}

/** readControl: `quorum_status` and `mgr stat` through one CLI process. */
export async function readControl(ceph: CephClient, timeoutMs: number): Promise<ControlReading> {
  const result = await ceph.executor.run(ceph.argv([]), { input: 'quorum_status\nmgr stat\n', timeoutMs });
  if (result.code !== 0) throw new Error(`ceph exited ${result.code}: ${(result.stderr || result.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return parseControlDocuments(result.stdout.split('\n').filter((line) => line.trim().startsWith('{')));
}

/** parseControlDocuments: the answers to `quorum_status` and `mgr stat`, one JSON document each. */
export function parseControlDocuments(documents: readonly string[]): ControlReading {
  if (documents.length !== 2) throw new Error(`expected 2 JSON answers from ceph (quorum_status, mgr stat), got ${documents.length}`);
  return { quorum: parseQuorumStatus(documents[0] as string), mgr: parseMgrStat(documents[1] as string) };
}

/** judgeControl: ok when every monitor is in quorum and a manager is active and available; and the figures. */
export function judgeControl(reading: ControlReading): { ok: boolean; error?: string; figures: Omit<CephControlSample, 'probe' | 't' | 'ok'> } {
  const monitors = reading.quorum.monitors.map((m) => m.name);
  const quorum = reading.quorum.quorumNames;
  const outOfQuorum = monitors.filter((m) => !quorum.includes(m));
  const mgrOk = reading.mgr.activeName !== '' && reading.mgr.available;
  const problems = [...(outOfQuorum.length ? [`out of quorum: ${outOfQuorum.map((m) => `mon.${m}`).join(', ')}`] : []), ...(mgrOk ? [] : ['no manager active'])];
  return {
    ok: problems.length === 0,
    ...(problems.length ? { error: problems.join('; ') } : {}),
    figures: { quorum, monitors, leader: reading.quorum.leader, activeMgr: reading.mgr.activeName, mgrAvailable: reading.mgr.available, mgrStandbys: reading.mgr.numStandby },
  };
}

export interface CephControlProbeOptions {
  ceph: CephClient;
  rateHz: number;
  onSample: (sample: Sample) => void;
}

export class CephControlProbe implements Probe {
  readonly name = CEPH_CONTROL_PROBE;
  readonly description: string;
  private readonly sampler: PeriodicSampler;

  constructor(private readonly options: CephControlProbeOptions) {
    // Without a quorum the CLI waits for one: two periods, at least 5 s, then it is a measurement problem.
    const timeoutMs = Math.max(5000, 2000 / options.rateHz);
    this.description = `ceph quorum_status + mgr stat on ${options.ceph.executor.description} at ${options.rateHz} Hz`;
    this.sampler = new PeriodicSampler({ name: CEPH_CONTROL_PROBE, rateHz: options.rateHz, timeoutMs, measure: (t) => this.measure(t, timeoutMs), onSample: options.onSample });
  }

  start(): void {
    this.sampler.start();
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }

  private async measure(t: number, timeoutMs: number): Promise<Measurement> {
    let reading: ControlReading;
    try {
      reading = await readControl(this.options.ceph, timeoutMs);
    } catch (error) {
      const why = error instanceof CommandTimeout ? 'timeout' : `ceph-unreadable: ${String(error).slice(0, 200)}`;
      return { ok: false, error: why, measurementProblem: true, latencyMs: now() - t };
    }
    const answeredAt = now();
    const { ok, error, figures } = judgeControl(reading);
    const measurement: Omit<CephControlSample, 'probe' | 't'> = { ok, latencyMs: answeredAt - t, answeredAt, ...figures, ...(error ? { error } : {}) };
    return measurement;
  }
}
