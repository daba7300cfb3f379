/**
 * RadosIoProbe: client I/O as a Ceph client sees it — every period it writes one small object with the `rados`
 * CLI (`rados -p POOL put OBJ -`, the payload on standard input) and reads it back (`rados -p POOL get OBJ -`,
 * good only when the bytes are the ones written). Two probes, so each can carry its own SLO:
 *   rados-write:<pool>   ok when the put exited 0 within the timeout; latency = the command's time
 *   rados-read:<pool>    ok when the get returned the same bytes within the timeout
 * Ceph does not fail client I/O while a PG keeps min_size copies: a write to a PG whose primary just died
 * BLOCKS until the OSD is marked down and the PG re-peers (the heartbeat grace, 20 s by default, 5 s in the
 * lab), then succeeds. So the timeout decides what "available" means: longer than grace + peering, and a write
 * is slow but good (judge it with a latency SLO); shorter, and the stall counts as unavailability.
 * Objects rotate over 32 names `scs-chaos-io-<probe id>-<n>` (spread over PGs, bounded in number) and are
 * removed when the probe stops. `rados` is a C++ binary: ~60 ms per call here, cheap enough for 2-5 Hz.
 */
import { randomBytes } from 'node:crypto';
import { now } from '../../../kernel/clock';
import { CommandTimeout } from '../../../executors/command';
import type { Executor } from '../../../executors/executor';
import type { CephAccess } from '../client/client';
import { Measurement, PeriodicSampler, Probe } from '../../../probes/probe';
import type { Sample } from '../../../model/sample';

export const writeProbeName = (pool: string): string => `rados-write:${pool}`;
export const readProbeName = (pool: string): string => `rados-read:${pool}`;

/** OBJECT_SLOTS: how many object names the probe rotates over. */
const OBJECT_SLOTS = 32;

/** radosArgv: `rados` with the environment's access options (the same as the ceph CLI's), then `args`. */
export function radosArgv(access: CephAccess, args: readonly string[]): string[] {
  const argv = ['rados'];
  if (access.conf) argv.push('--conf', access.conf);
  if (access.cluster) argv.push('--cluster', access.cluster);
  if (access.user) argv.push(access.user.includes('.') ? '--name' : '--id', access.user);
  if (access.keyring) argv.push('--keyring', access.keyring);
  return [...argv, ...args];
}

export interface RadosIoProbeOptions {
  executor: Executor;
  access: CephAccess;
  pool: string;
  rateHz: number;
  /** Per command; a put or get slower than this is a failed sample. */
  timeoutMs: number;
  /** Bytes per object (default 4 KiB). */
  objectBytes?: number;
  onSample: (sample: Sample) => void;
}

export class RadosIoProbe implements Probe {
  readonly name: string;
  readonly description: string;
  private readonly sampler: PeriodicSampler;
  private readonly id = randomBytes(3).toString('hex');
  private readonly used = new Set<string>();
  private tick = 0;

  constructor(private readonly options: RadosIoProbeOptions) {
    this.name = writeProbeName(options.pool);
    this.description = `rados put/get of ${options.objectBytes ?? 4096}-byte objects in pool ${options.pool} on ${options.executor.description} at ${options.rateHz} Hz (timeout ${options.timeoutMs} ms each)`;
    // A measurement is a put and a get, each bounded by the timeout.
    this.sampler = new PeriodicSampler({ name: this.name, rateHz: options.rateHz, timeoutMs: 2 * options.timeoutMs, measure: (t) => this.measure(t), onSample: options.onSample });
  }

  /** objectName: the object of tick n (recognisable, so a leftover is clearly ours). */
  objectName(n: number): string {
    return `scs-chaos-io-${this.id}-${n % OBJECT_SLOTS}`;
  }

  start(): void {
    this.sampler.start();
  }

  /** stop: no new I/O; waits for what is in flight, then removes the objects (best effort, bounded). */
  async stop(): Promise<void> {
    await this.sampler.stop();
    if (this.used.size === 0) return;
    const { executor, access, pool } = this.options;
    await executor.run(radosArgv(access, ['-p', pool, 'rm', ...this.used]), { timeoutMs: 15_000 }).catch(() => undefined);
  }

  private async run(args: readonly string[], input?: string): Promise<{ ok: boolean; latencyMs: number; stdout: string; error?: string }> {
    const started = now();
    try {
      const result = await this.options.executor.run(radosArgv(this.options.access, args), { timeoutMs: this.options.timeoutMs, ...(input !== undefined ? { input } : {}) });
      const latencyMs = now() - started;
      return result.code === 0 ? { ok: true, latencyMs, stdout: result.stdout } : { ok: false, latencyMs, stdout: '', error: `exit ${result.code}: ${result.stderr.trim().split('\n').pop() ?? ''}`.slice(0, 160) };
    } catch (error) {
      return { ok: false, latencyMs: now() - started, stdout: '', error: error instanceof CommandTimeout ? 'timeout' : 'unreachable' };
    }
  }

  private async measure(t: number): Promise<Measurement> {
    const object = this.objectName(this.tick++);
    this.used.add(object);
    const bytes = this.options.objectBytes ?? 4096;
    // Printable payload (rados get writes it to stdout as text), unique per write so a stale read is caught.
    const payload = randomBytes(Math.ceil(bytes / 2)).toString('hex').slice(0, bytes);
    const write = await this.run(['-p', this.options.pool, 'put', object, '-'], payload);
    const readProbe = readProbeName(this.options.pool);
    if (!write.ok) {
      // Without a written object there is nothing to read back: the read is not measured.
      this.options.onSample({ probe: readProbe, t, ok: false, error: 'not-written', measurementProblem: true });
      return { ok: false, latencyMs: write.latencyMs, error: write.error ?? 'write' };
    }
    const read = await this.run(['-p', this.options.pool, 'get', object, '-']);
    const same = read.ok && read.stdout === payload;
    this.options.onSample({ probe: readProbe, t: t + write.latencyMs, ok: same, latencyMs: read.latencyMs, ...(same ? {} : { error: read.ok ? 'wrong-bytes' : (read.error ?? 'read') }) });
    return { ok: true, latencyMs: write.latencyMs };
  }
}
