/**
 * bench:ceph-probe — what one reading of the Ceph cluster probe costs: through the `ceph` CLI (status + osd dump
 * in one CLI process, the fallback) and through the librados session (status + osd dump from the monitors, PG
 * map bracketed by its version from the manager). Prints the median latency and the CPU seconds per reading
 * (the CLI's from the reaped children's times, the session's from its python process) for READS readings each,
 * one after the other. Needs a running cluster: the lab's by default (`scs-chaos lab up --with ceph`).
 *   usage: npm run bench:ceph-probe [-- --conf FILE --keyring FILE --reads N]
 * Last line: {"cliMsMedian": …, "cliCpuMsPerReading": …, "sessionMsMedian": …, "sessionCpuMsPerReading": …}
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CephClient } from '../src/kinds/ceph/client/client';
import { RadosSession, SESSION_PYTHON } from '../src/kinds/ceph/client/rados-session';
import { LocalExecutor } from '../src/executors/local';
import { readCluster, readThroughSession } from '../src/kinds/ceph/probes/status-probe';
import { listProcesses, parentPid, statFields } from '../lab/processes';

const { values } = parseArgs({ options: { conf: { type: 'string', default: '/run/scs-chaos-lab/ceph/ceph.conf' }, keyring: { type: 'string', default: '/run/scs-chaos-lab/ceph/ceph.client.admin.keyring' }, reads: { type: 'string', default: '20' } } });
const reads = Number(values.reads);
const access = { conf: values.conf, keyring: values.keyring, user: 'admin' };
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** cpuMsOf: user+system CPU of a process (fields 14, 15 of /proc/<pid>/stat), or of its reaped children (16, 17). */
function cpuMsOf(pid: number | 'self', children = false): number {
  const fields = statFields(pid);
  if (!fields) throw new Error(`process ${pid} is gone`);
  const [u, s] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return ((Number(u) + Number(s)) / TICKS_PER_SECOND) * 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const executor = new LocalExecutor();
  const ceph = new CephClient(executor, access, { timeoutMs: 10_000 });
  const cliMs: number[] = [];
  const cliCpuBefore = cpuMsOf('self', true);
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    await readCluster(ceph, 10_000);
    cliMs.push(performance.now() - started);
  }
  const cliCpuMsPerReading = (cpuMsOf('self', true) - cliCpuBefore) / reads;

  const session = await RadosSession.start(executor, access, 600);
  const sessionProcess = listProcesses().find((p) => parentPid(p.pid) === process.pid && p.argv[0] === SESSION_PYTHON);
  if (!sessionProcess) throw new Error('the session process is not a child of this one');
  const sessionPid = sessionProcess.pid;
  await readThroughSession(session, 10_000); // warm
  const sessionCpuBefore = cpuMsOf(sessionPid);
  const sessionMs: number[] = [];
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    const reading = await readThroughSession(session, 10_000);
    sessionMs.push(performance.now() - started);
    if (i === 0 && !reading.pgs) console.log('note: the manager part of the reading was not consistent this time');
  }
  const sessionCpuMsPerReading = (cpuMsOf(sessionPid) - sessionCpuBefore) / reads;
  await session.stop();
  const figures = { reads, cliMsMedian: Math.round(median(cliMs)), cliCpuMsPerReading: Math.round(cliCpuMsPerReading), sessionMsMedian: Math.round(median(sessionMs) * 10) / 10, sessionCpuMsPerReading: Math.round(sessionCpuMsPerReading * 10) / 10 };
  console.log(`ceph CLI:         median ${figures.cliMsMedian} ms per reading, ${figures.cliCpuMsPerReading} ms CPU per reading`);
  console.log(`librados session: median ${figures.sessionMsMedian} ms per reading, ${figures.sessionCpuMsPerReading} ms CPU per reading (its python process)`);
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
