/**
 * Ceph faults and probes against a REAL Ceph 16.2.15 cluster (testing-cluster.ts: mon, mgr, three memstore
 * OSDs on 127.0.0.1 in CRUSH hosts scf-1..3 under a supervisord of the test's own), through the `local`
 * executor, the `lab` OSD backend and the real Injection (journal, revert marker, expiry timer, apply, verify,
 * revert). For each fault the event times the probe measured are compared with the monitor's cluster log
 * (acceptance: within 1 s). Skipped with the reason when not root, Ceph is not installed, or CI=true; the
 * cluster is stopped and its directory removed on every path. About 1.5-2 minutes on 2 cores.
 */
import '../..';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { now, wallClockAt } from '../../../kernel/clock';
import { BadInput } from '../../../kernel/errors';
import { Injection } from '../../../core/injection';
import { Journal, openInjections, readJournal } from '../../../core/journal';
import { parseEnvironment } from '../../../environment/load';
import { firstEvent, parseClusterLogFile } from '../client/cluster-log';
import type { Sample } from '../../../model/sample';
import { CEPH_PROBE, CephSample, CephStatusProbe } from '../probes/status-probe';
import { RadosIoProbe } from '../probes/io-probe';
import { eventFromSamples } from '../probes/observe';
import { findRecovery } from '../../../slo/recovery';
import type { Fault } from '../../../core/fault';
import { cephFaultContext, CephFaultContext, assertSafe } from './context';
import { setClusterFlags } from './cluster-flags';
import { markOsdOut } from './osd-out';
import { killOsd, pauseOsd } from './osd-process';
import { stopOsd } from './osd-stop';
import { cephSkipReason, startTestCluster, TestCephCluster, TEST_NODES, TEST_POOL } from './testing-cluster';

const rmdirIfEmpty = (dir: string): void => {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (another run's markers) or absent: left as it is
  }
};

const skip = cephSkipReason();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const wall = (t: number): number => Date.parse(wallClockAt(t));
const figures: Record<string, number | string> = {};

describe('Ceph faults against a real cluster', { skip, timeout: 240_000 }, () => {
  let cluster: TestCephCluster | null = null;
  let ctx: CephFaultContext;
  let journal: Journal;
  let journalDir: string;
  const samples: Sample[] = [];
  let probe: CephStatusProbe | null = null;
  let io: RadosIoProbe | null = null;
  const injections: Injection[] = [];
  const applyStarted = new Map<Injection, number>();
  const startOf = (injection: Injection): number => applyStarted.get(injection) ?? (injection.injectedAt as number);

  before(async () => {
    const started = Date.now();
    cluster = await startTestCluster();
    figures.clusterUpSeconds = (Date.now() - started) / 1000;
    const env = parseEnvironment(cluster.environmentYaml(), join(cluster.dir, 'env.yaml'));
    ctx = cephFaultContext(env, []);
    journalDir = mkdtempSync(join(tmpdir(), 'scs-cf-journal-'));
    journal = new Journal(join(journalDir, 'journal.jsonl'));
    probe = new CephStatusProbe({ ceph: ctx.ceph, rateHz: 1, allowedChecks: [], onSample: (s) => samples.push(s) });
    probe.start();
    io = new RadosIoProbe({ executor: ctx.ceph.executor, access: { conf: cluster.conf }, pool: TEST_POOL, rateHz: 1, timeoutMs: 15_000, onSample: (s) => samples.push(s) });
    io.start();
  });

  after(async () => {
    // Every injection is reverted (idempotent) before the cluster goes, whatever happened.
    await Promise.allSettled(injections.map((i) => i.revert('test end')));
    await Promise.allSettled([probe?.stop(), io?.stop()]);
    journal?.close();
    const open = journalDir ? openInjections(readJournal(join(journalDir, 'journal.jsonl'))) : [];
    if (journalDir) rmSync(journalDir, { recursive: true, force: true });
    await cluster?.stop();
    // The markers' per-node directories of this test (empty once every injection is reverted).
    for (const node of ['local', ...TEST_NODES]) rmdirIfEmpty(`/run/scs-chaos/${node}`);
    console.log(`figures: ${JSON.stringify(figures)}`);
    assert.deepEqual(open.map((o) => o.injectionId), [], 'every injection of the journal is reverted');
  });

  const cephSamples = (): CephSample[] => samples.filter((s) => s.probe === CEPH_PROBE) as CephSample[];
  const inject = async (fault: Fault, ttlMs: number | null, waitClean = true): Promise<Injection> => {
    const started = Date.now();
    if (waitClean) await cluster?.waitClean(60_000);
    figures[`${fault.kind}WaitCleanSeconds`] = (Date.now() - started) / 1000;
    const injection = new Injection(fault, ttlMs, journal, 'integration');
    injections.push(injection);
    // Events of CLI faults (`osd out`) happen while apply() runs, before injectedAt: times count from here.
    applyStarted.set(injection, now());
    await injection.inject();
    await injection.verify();
    return injection;
  };
  /** cleanAfter: ms from `from` until the probe shows clean for 3 s (progress is visible in the samples). */
  const cleanAfter = async (from: number, capMs: number): Promise<number> => {
    const deadline = now() + capMs;
    for (;;) {
      const found = findRecovery(cephSamples(), { from, stabilizationMs: 3000 });
      if (found.recoveredAt !== null) return found.recoveredAt - from;
      if (now() > deadline) throw new Error(`not clean ${capMs} ms after ${from}: ${cephSamples().at(-1)?.pgStates}`);
      await sleep(250);
    }
  };
  const waitEvent = async (osd: number, event: 'down' | 'out', after: number, capMs: number): Promise<number> => {
    const deadline = now() + capMs;
    for (;;) {
      const at = eventFromSamples(cephSamples(), osd, event, after);
      if (at !== null) return at;
      if (now() > deadline) throw new Error(`osd.${osd} not seen ${event} within ${capMs} ms`);
      await sleep(200);
    }
  };
  /** compareWithLog: the probe's event time against the monitor's stamp for the same event; within 1 s. */
  const compareWithLog = async (name: string, osd: number, kind: 'osd-down' | 'osd-out', probeAt: number, injectedAt: number): Promise<void> => {
    await sleep(500);
    // An operator's `osd out` is logged before the CLI returns, i.e. before injectedAt: look 3 s back.
    const event = firstEvent(parseClusterLogFile(cluster?.clusterLog() ?? ''), kind, { osd, sinceMs: wall(injectedAt) - 3000 });
    assert.ok(event, `${kind} of osd.${osd} in the cluster log`);
    const probeMs = wall(probeAt) - wall(injectedAt);
    const logMs = event.epochMs - wall(injectedAt);
    figures[`${name}ProbeSeconds`] = Math.round(probeMs) / 1000;
    figures[`${name}LogSeconds`] = Math.round(logMs) / 1000;
    assert.ok(Math.abs(probeMs - logMs) <= 1000, `${name}: probe ${probeMs} ms vs cluster log ${logMs} ms after the injection`);
  };

  it('the refusal touches nothing: two hosts at once exceed the budget of pool scs-chaos-lab (3/2, host); the OSD map is unchanged', async () => {
    const before = (await ctx.ceph.osdDump()).epoch;
    await assert.rejects(assertSafe(ctx, [0, 1], 'plan'), (error: unknown) => error instanceof BadInput && /pool "scs-chaos-lab" \(size 3, min_size 2\) tolerates 1 host bucket\(s\) down \(failure domain "host"\), and this would hit 2: host scf-1, host scf-2/.test(error.message));
    assert.equal((await ctx.ceph.osdDump()).epoch, before);
    assert.match(await assertSafe(ctx, [1], 'plan'), /osd\.1 may be faulted: HEALTH_OK/);
  });

  it('kill -9 of osd.1: seen down as the cluster log says, restarted by supervisord, clean again, writes never failed', async () => {
    const injection = await inject(await killOsd(ctx, 1), null);
    const injectedAt = startOf(injection);
    // supervisord restarts the daemon at once: the OSD map may show it down for less than one reading. The
    // monitor's log must have the failure; the probe's time is compared with it when a reading caught it.
    await sleep(3000);
    const logged = firstEvent(parseClusterLogFile(cluster?.clusterLog() ?? ''), 'osd-down', { osd: 1, sinceMs: wall(injectedAt) - 3000 });
    assert.ok(logged, 'the monitor logged osd.1 down after the kill');
    figures.killSeenDownLogSeconds = Math.round(logged.epochMs - wall(injectedAt)) / 1000;
    const seen = eventFromSamples(cephSamples(), 1, 'down', injectedAt);
    if (seen !== null) await compareWithLog('killSeenDown', 1, 'osd-down', seen, injectedAt);
    else figures.killSeenDownProbe = 'not caught by a 1 Hz reading (restarted at once)';
    figures.killCleanSeconds = (await cleanAfter(injectedAt, 60_000)) / 1000;
    const writes = samples.filter((s) => s.probe === `rados-write:${TEST_POOL}` && s.t >= injectedAt);
    assert.ok(writes.length > 5 && writes.every((s) => s.ok), `every write after the kill succeeded (${writes.filter((s) => !s.ok).length} failed)`);
    figures.killMaxWriteMs = Math.round(Math.max(...writes.map((s) => s.latencyMs ?? 0)));
  });

  it('SIGSTOP of osd.0 for 9s: reported down after the heartbeat grace, SIGCONT on revert, clean again', async () => {
    const injection = await inject(await pauseOsd(ctx, 0), 40_000);
    const injectedAt = startOf(injection);
    const downAt = await waitEvent(0, 'down', injectedAt, 15_000);
    await compareWithLog('pauseSeenDown', 0, 'osd-down', downAt, injectedAt);
    await sleep(Math.max(0, injectedAt + 9000 - now()));
    await injection.revert('test');
    figures.pauseCleanAfterRevertSeconds = (await cleanAfter(injection.revertedAt as number, 60_000)) / 1000;
  });

  it('osd out / in of osd.2: marked out as the cluster log says, in again by the revert, clean again', async () => {
    const injection = await inject(await markOsdOut(ctx, 2), 40_000);
    const injectedAt = startOf(injection);
    const outAt = await waitEvent(2, 'out', injectedAt, 10_000);
    await compareWithLog('markedOut', 2, 'osd-out', outAt, injectedAt);
    await sleep(3000);
    await injection.revert('test');
    figures.outInCleanAfterRevertSeconds = (await cleanAfter(injection.revertedAt as number, 60_000)) / 1000;
  });

  it('stop of osd.2 through the lab backend (supervisorctl), started again by the revert; noout set and unset', async () => {
    const flags = await inject(setClusterFlags(ctx, ['noout']), 40_000);
    assert.ok((await ctx.ceph.osdDump()).flags.includes('noout'));
    // noout makes the cluster HEALTH_WARN (OSDMAP_FLAGS): the stop is checked with that check allowed.
    const injection = await inject(await stopOsd({ ...ctx, allowedHealthChecks: ['OSDMAP_FLAGS'] }, 2), 40_000, false);
    const downAt = await waitEvent(2, 'down', startOf(injection), 15_000);
    figures.stopSeenDownProbeSeconds = Math.round(wall(downAt) - wall(startOf(injection))) / 1000;
    await injection.revert('test');
    await flags.revert('test');
    assert.ok(!(await ctx.ceph.osdDump()).flags.includes('noout'));
    figures.stopCleanAfterRevertSeconds = (await cleanAfter(injection.revertedAt as number, 60_000)) / 1000;
  });
});
