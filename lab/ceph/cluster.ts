/**
 * The lab's Ceph cluster, carried out: the one-time bootstrap (keys, monitor store, OSD ids, pool, manager module
 * options), waiting until it is healthy, and finding its processes. Starting and stopping the daemons is
 * supervisord's job (lab/lab.ts puts their programs into the control and node namespaces' supervisord).
 *
 * Bootstrap, once per lab (until `lab down`), before any supervisord runs a Ceph program:
 *   1. keys and keyrings (lab/ceph/keys.ts), ceph.conf, the monmap, `ceph-mon --mkfs` (imports every key and cap);
 *   2. the monitors (all of them: three need two for a quorum) run alone for a moment, as children of `lab up`, in
 *      the control namespace, so that the managers'
 *      prometheus module options are stored before the manager ever starts (the module reads them only when it
 *      starts), the OSD ids are registered (`ceph osd new`) and the pool is created;
 *   3. `ceph-osd --mkfs` in each node namespace; the monitor stops; the `bootstrapped` marker is written.
 * Afterwards supervisord runs everything; a second `lab up` finds the marker and only starts what is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { now, sleep } from '../../src/kernel/clock';
import { formatDuration } from '../../src/kernel/duration';
import { CephClient } from '../../src/kinds/ceph/client/client';
import type { CephStatus } from '../../src/kinds/ceph/client/types';
import { runChecked } from '../../src/executors/command';
import { executorFor } from '../../src/executors';
import type { LabLayout } from '../layout';
import { isAlive, listProcesses, ProcessInfo, signal, waitForExit } from '../processes';
import { toolPath } from '../tools';
import type { Environment } from '../../src/model/environment';
import { CephBinaries, ENTITY_CAPS, labCephPlan, LabCephPlan } from './config';
import { cephxKey, keyringText } from './keys';
import { cephToolPath, requireCephTools } from './tools';

/** Ceph daemons, recognised by their program name and the lab's ceph.conf on the command line. */
const CEPH_DAEMONS = new Set(['ceph-mon', 'ceph-mgr', 'ceph-osd']);
/** How many clean readings in a row count as healthy: one clean reading can be stale manager data. */
const CLEAN_READINGS_IN_A_ROW = 3;
/** A progress line at most this often while waiting for health. */
const PROGRESS_EVERY_MS = 5000;

/** labCeph: the lab's Ceph plan (config.ts) with the installed daemons; throws before anything is touched when a binary or setting is missing. */
export function labCeph(layout: LabLayout, env: Environment): LabCephPlan {
  requireCephTools();
  const binaries: CephBinaries = { mon: cephToolPath('ceph-mon'), mgr: cephToolPath('ceph-mgr'), osd: cephToolPath('ceph-osd') };
  return labCephPlan(layout, env, binaries);
}

/** cephDirOf: `<runDir>/ceph`; the lab runs Ceph exactly when it exists. */
export function cephDirOf(layout: LabLayout): string {
  return join(layout.spec.runDir, 'ceph');
}

/** labCephPresent: whether the lab runs (or ran, and `lab down` has not cleaned up) a Ceph cluster. */
export function labCephPresent(layout: LabLayout): boolean {
  return existsSync(cephDirOf(layout));
}

/** labCephProcesses: the lab's Ceph daemons, wherever they run (a namespace may already be gone). */
export function labCephProcesses(layout: LabLayout, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const conf = join(cephDirOf(layout), 'ceph.conf');
  return processes.filter((p) => CEPH_DAEMONS.has(basename(p.argv[0] ?? '')) && p.argv.includes(conf));
}

/** labCephClient: the `ceph` CLI in the root namespace (it reaches the control namespace over the lab bridge). */
export function labCephClient(plan: LabCephPlan, timeoutMs = 15_000): CephClient {
  return new CephClient(executorFor({ kind: 'local' }), { conf: plan.confPath, keyring: plan.adminKeyring, user: 'admin' }, { timeoutMs });
}

/**
 * prepareLabCeph writes ceph.conf and, the first time, bootstraps the cluster (see the file comment); returns
 * what it did. Must run before the supervisords that run Ceph programs start.
 */
export async function prepareLabCeph(layout: LabLayout, plan: LabCephPlan, log: (line: string) => void): Promise<'bootstrapped' | 'present'> {
  if (existsSync(plan.bootstrappedMarker)) {
    const old = await readFile(plan.confPath, 'utf8').catch(() => '');
    if (old !== plan.confText) {
      await writeFile(plan.confPath, plan.confText, { mode: 0o644 });
      log(`ceph: ${plan.confPath} changed; running daemons read it when they restart (lab down, then lab up --with ceph)`);
    }
    return 'present';
  }
  const started = now();
  await wipeUnfinishedBootstrap(layout, plan);
  await writeBootstrapFiles(plan);
  const monmaptool = cephToolPath('monmaptool');
  const addv = plan.monitors.flatMap((m) => ['--addv', m.id, m.addrs]);
  await runChecked([monmaptool, '--create', '--clobber', '--fsid', plan.fsid, ...addv, plan.monmapPath], { timeoutMs: 15_000 });
  await Promise.all(
    plan.monitors.map((m) => runChecked([cephToolPath('ceph-mon'), '--mkfs', '-c', plan.confPath, '-i', m.id, '--monmap', plan.monmapPath, '--keyring', plan.monKeyring], { timeoutMs: 30_000 })),
  );

  const mons = plan.monitors.map((m) => {
    const child = spawn(toolPath('ip'), ['netns', 'exec', plan.control.namespace, ...m.program.argv], { stdio: 'ignore' });
    return { child, exited: new Promise<void>((resolve) => child.on('exit', () => resolve())) };
  });
  try {
    const ceph = labCephClient(plan, 10_000);
    await waitForMonitor(ceph, mons.map((m) => m.child.pid ?? 0));
    await Promise.all([
      ...plan.mgrModuleOptions.map(([key, value]) => ceph.text(['config', 'set', 'mgr', key, value, '--force'])),
      ...plan.osds.map(async (osd) => {
        const id = (await ceph.text(['osd', 'new', osd.uuid, String(osd.id)])).trim();
        if (id !== String(osd.id)) throw new Error(`ceph osd new ${osd.uuid} ${osd.id} answered "${id}", expected ${osd.id}`);
      }),
    ]);
    const { pool } = plan.cluster;
    await ceph.text(['osd', 'pool', 'create', pool.name, String(pool.pgs), String(pool.pgs), 'replicated']);
    await Promise.all([
      ceph.text(['osd', 'pool', 'set', pool.name, 'size', String(pool.size)]).then(() => ceph.text(['osd', 'pool', 'set', pool.name, 'min_size', String(pool.minSize)])),
      ceph.text(['osd', 'pool', 'application', 'enable', pool.name, 'rados']),
      // ceph-osd --mkfs inside the node's namespace: it asks the monitor for its configuration like the daemon will.
      ...plan.osds.map((osd) =>
        runChecked([toolPath('ip'), 'netns', 'exec', osd.node.namespace, cephToolPath('ceph-osd'), '-c', plan.confPath, '-i', String(osd.id), '--mkfs', '--osd-uuid', osd.uuid], { timeoutMs: 60_000 }),
      ),
    ]);
  } finally {
    await Promise.all(
      mons.map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!stopped) {
          child.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }
  await writeFile(plan.bootstrappedMarker, `${new Date().toISOString()}\n`, { mode: 0o644 });
  log(`ceph: bootstrapped cluster ${plan.fsid} in ${formatDuration(now() - started)} (${[...plan.monitors.map((m) => `mon.${m.id}`), ...plan.managers.map((m) => `mgr.${m.id}`)].join(', ')} in ${plan.control.namespace}, ${plan.osds.map((o) => `osd.${o.id} on ${o.node.name}`).join(', ')}; pool ${plan.cluster.pool.name} size ${plan.cluster.pool.size}/${plan.cluster.pool.minSize} with ${plan.cluster.pool.pgs} PGs)`);
  return 'bootstrapped';
}

/** A bootstrap that stopped half-way leaves an unusable cluster: kill its daemons and start over. */
async function wipeUnfinishedBootstrap(layout: LabLayout, plan: LabCephPlan): Promise<void> {
  const stray = labCephProcesses(layout).map((p) => p.pid);
  signal(stray, 'SIGKILL');
  await waitForExit(stray, 5000);
  await rm(plan.dir, { recursive: true, force: true });
}

async function writeBootstrapFiles(plan: LabCephPlan): Promise<void> {
  for (const dir of [plan.dir, plan.logDir, join(plan.dir, 'run'), join(plan.dir, 'crash'), join(plan.dir, 'mon'), ...plan.managers.map((m) => m.dataDir), ...plan.osds.map((o) => o.dataDir)]) {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  }
  const admin = { entity: 'client.admin', key: cephxKey(), caps: ENTITY_CAPS.admin };
  const mgrs = plan.managers.map((m) => ({ path: m.keyring, entry: { entity: `mgr.${m.id}`, key: cephxKey(), caps: ENTITY_CAPS.mgr } }));
  const osds = plan.osds.map((osd) => ({ path: osd.keyring, entry: { entity: `osd.${osd.id}`, key: cephxKey(), caps: ENTITY_CAPS.osd } }));
  await writeFile(plan.confPath, plan.confText, { mode: 0o644 });
  await writeFile(plan.adminKeyring, keyringText([admin]), { mode: 0o600 });
  for (const { path, entry } of [...mgrs, ...osds]) await writeFile(path, keyringText([entry]), { mode: 0o600 });
  // The monitor's mkfs imports every entity of this keyring, with its caps, into its auth database.
  const monEntry = { entity: 'mon.', key: cephxKey(), caps: ENTITY_CAPS.mon };
  await writeFile(plan.monKeyring, keyringText([monEntry, admin, ...mgrs.map((m) => m.entry), ...osds.map((o) => o.entry)]), { mode: 0o600 });
}

/**
 * Waits until the monitors answer: a lone fresh one forms its quorum of one in about a second, three need an
 * election (a few election timeouts).
 */
async function waitForMonitor(ceph: CephClient, pids: number[]): Promise<void> {
  const deadline = now() + 30_000;
  let last = '';
  while (now() < deadline) {
    if (!pids.every(isAlive)) throw new Error(`a ceph-mon exited during the bootstrap; see its log under the lab's ceph/log directory`);
    try {
      await ceph.text(['mon', 'stat']);
      return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`the bootstrap monitors did not answer within 30s: ${last}`);
}

/** CephReading: one `ceph status`, judged; `line` is what the progress log shows. */
interface CephReading {
  clean: boolean;
  line: string;
  status?: CephStatus;
}

/** judgeStatus: clean when HEALTH_OK, a manager active, every OSD up and in, PGs reported and all active+clean. */
export function judgeStatus(status: CephStatus, expectedOsds: number): CephReading {
  const { osdmap, pgmap, health } = status;
  const activeClean = pgmap.pgsByState.filter((s) => s.state === 'active+clean').reduce((sum, s) => sum + s.count, 0);
  const clean =
    health.status === 'HEALTH_OK' &&
    status.mgrAvailable &&
    osdmap.numOsds === expectedOsds &&
    osdmap.numUpOsds === expectedOsds &&
    osdmap.numInOsds === expectedOsds &&
    pgmap.numPgs > 0 &&
    activeClean === pgmap.numPgs;
  const states = pgmap.pgsByState.map((s) => `${s.count} ${s.state}`).join(', ') || 'none reported';
  const checks = health.checks.map((c) => c.code).join(', ');
  const line = `${health.status}${checks ? ` (${checks})` : ''}, ${osdmap.numUpOsds}/${osdmap.numInOsds}/${osdmap.numOsds} OSDs up/in/total, ${pgmap.numPgs} PGs: ${states}${status.mgrAvailable ? '' : ', no manager yet'}`;
  return { clean, line, status };
}

/**
 * waitLabCephHealthy waits until CLEAN_READINGS_IN_A_ROW consecutive `ceph status` readings are clean (judgeStatus),
 * logging progress; returns the last reading. Throws after `timeoutMs` with the last state and where the logs are.
 */
export async function waitLabCephHealthy(plan: LabCephPlan, log: (line: string) => void, timeoutMs: number): Promise<CephStatus> {
  const ceph = labCephClient(plan, 10_000);
  const started = now();
  let inARow = 0;
  let lastLine = '';
  let lastLogged = 0;
  while (now() - started < timeoutMs) {
    let reading: CephReading;
    try {
      reading = judgeStatus(await ceph.status(), plan.osds.length);
    } catch (error) {
      reading = { clean: false, line: `no answer: ${(error as Error).message.split('\n')[0]}` };
    }
    inARow = reading.clean ? inARow + 1 : 0;
    if (inARow >= CLEAN_READINGS_IN_A_ROW && reading.status) return reading.status;
    // A new state is logged (at most once a second), an unchanged one every PROGRESS_EVERY_MS.
    if (!reading.clean && now() - lastLogged >= (reading.line !== lastLine ? 1000 : PROGRESS_EVERY_MS)) {
      log(`ceph: waiting (${formatDuration(now() - started)}): ${reading.line}`);
      lastLogged = now();
    }
    lastLine = reading.line;
    await sleep(250);
  }
  throw new Error(`the lab's Ceph cluster did not become healthy within ${formatDuration(timeoutMs)}: ${lastLine}\n  see the logs in ${plan.logDir}; run scs-chaos lab down to clean up`);
}
