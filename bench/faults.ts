/**
 * bench:faults — how long do inject and revert take, per fault kind, on the lab? Each kind is injected and
 * reverted REPS times through the real Injection path (journal, revert marker, expiry timer, apply, verify;
 * revert, verify, timer and marker removal). Also: isolating and restoring 3 nodes at once versus one after
 * another (fanout3VsOneRatio = at once / one after another; below 1 means fan-out pays). Prints a table and, last, one JSON line with injectMsMedian and
 * revertMsMedian per kind and fanout3VsOneRatio.
 *   usage: npm run bench:faults [-- --reps N] [-- --env FILE]   (root; brings the lab up and down if needed)
 */
import '../src/kinds';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { now, sleep } from '../src/kernel/clock';
import { Injection } from '../src/core/injection';
import { Journal } from '../src/core/journal';
import { loadEnvironment } from '../src/environment/load';
import type { Environment } from '../src/model/environment';
import { closeSshMasters } from '../src/executors/ssh';
import type { Fault } from '../src/core/fault';
import { bandwidthLimit } from '../src/kinds/hosts/network/bandwidth';
import { dnsFailure } from '../src/kinds/hosts/network/dns-failure';
import { isolateNode } from '../src/kinds/hosts/network/isolate';
import { packetLoss } from '../src/kinds/hosts/network/packet-loss';
import { partition } from '../src/kinds/hosts/network/partition';
import { portBlackhole } from '../src/kinds/hosts/network/port-blackhole';
import { diskFill } from '../src/kinds/hosts/node/disk-fill';
import { stressNode } from '../src/kinds/hosts/node/stress';
import { pauseProcess } from '../src/kinds/hosts/process/pause';
import { stopService } from '../src/kinds/hosts/service/stop';
import { faultTarget } from '../src/kinds/hosts/target';
import { median, percentileOf, withLab } from './lib/lab-session';

type Kind = { kind: string; make: (env: Environment) => Fault };

const KINDS: Kind[] = [
  { kind: 'network-isolate', make: (env) => isolateNode(faultTarget(env, 'node-1')) },
  { kind: 'network-partition', make: (env) => partition(faultTarget(env, 'node-1'), { peers: ['198.18.0.12'] }) },
  { kind: 'network-packet-loss', make: (env) => packetLoss(faultTarget(env, 'node-1'), { percent: 10, direction: 'egress' }) },
  { kind: 'network-bandwidth', make: (env) => bandwidthLimit(faultTarget(env, 'node-1'), { rateBitsPerSecond: 8_000_000, direction: 'egress' }) },
  { kind: 'network-port-blackhole', make: (env) => portBlackhole(faultTarget(env, 'node-1', 'web'), { port: 8080 }) },
  { kind: 'network-dns', make: (env) => dnsFailure(faultTarget(env, 'node-1'), { mode: 'reject' }) },
  { kind: 'process-pause', make: (env) => pauseProcess(faultTarget(env, 'node-2', 'web')) },
  { kind: 'service-stop', make: (env) => stopService(faultTarget(env, 'node-3', 'web')) },
  { kind: 'disk-fill', make: (env) => diskFill(faultTarget(env, 'node-2'), { path: '/run/scs-chaos-lab/node-2/data', targetPercent: 90 }) },
  { kind: 'node-stress', make: (env) => stressNode(faultTarget(env, 'node-3'), { ttlMs: 30_000, cpu: { workers: 1, loadPercent: 10 } }) },
];

async function cycle(fault: Fault, journal: Journal): Promise<{ injectMs: number; revertMs: number }> {
  const injection = new Injection(fault, 30_000, journal, 'bench:faults');
  const started = now();
  await injection.inject();
  await injection.verify();
  const injected = now();
  await injection.revert('bench');
  return { injectMs: injected - started, revertMs: now() - injected };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, env: { type: 'string' } } });
  const reps = Number(values.reps);
  const figures = await withLab(async (labEnvironment) => {
    const env = values.env ? loadEnvironment(resolve(values.env)) : labEnvironment;
    const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'scs-chaos-bench-faults-')), 'journal.jsonl'));
    const perKind: Record<string, { injectMsMedian: number; injectMsP95: number; revertMsMedian: number; revertMsP95: number }> = {};
    process.stdout.write(`executor: ${env.nodes[0]?.executor.kind}; ${reps} cycles per kind\nkind                     inject median/p95 (ms)   revert median/p95 (ms)\n`);
    for (const { kind, make } of KINDS) {
      const injects: number[] = [];
      const reverts: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const { injectMs, revertMs } = await cycle(make(env), journal);
        injects.push(injectMs);
        reverts.push(revertMs);
        await sleep(300);
      }
      perKind[kind] = {
        injectMsMedian: Math.round(median(injects)),
        injectMsP95: Math.round(percentileOf(injects, 95)),
        revertMsMedian: Math.round(median(reverts)),
        revertMsP95: Math.round(percentileOf(reverts, 95)),
      };
      const f = perKind[kind];
      process.stdout.write(`${kind.padEnd(24)} ${`${f?.injectMsMedian}/${f?.injectMsP95}`.padStart(22)}   ${`${f?.revertMsMedian}/${f?.revertMsP95}`.padStart(22)}\n`);
    }
    // Fan-out: three nodes isolated and restored one after another, versus all three at once.
    const nodes = ['node-1', 'node-2', 'node-3'];
    const sequential: number[] = [];
    const three: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      let started = now();
      for (const node of nodes) await cycle(isolateNode(faultTarget(env, node)), journal);
      sequential.push(now() - started);
      await sleep(300);
      started = now();
      await Promise.all(nodes.map((node) => cycle(isolateNode(faultTarget(env, node)), journal)));
      three.push(now() - started);
      await sleep(300);
    }
    journal.close();
    await closeSshMasters();
    const fanout3VsOneRatio = Math.round((median(three) / median(sequential)) * 100) / 100;
    process.stdout.write(`isolate + restore 3 nodes: one after another ${Math.round(median(sequential))} ms, all at once ${Math.round(median(three))} ms (ratio ${fanout3VsOneRatio})\n`);
    return { benchmark: 'faults', executor: env.nodes[0]?.executor.kind, reps, perKind, injectMsMedian: Object.fromEntries(Object.entries(perKind).map(([k, v]) => [k, v.injectMsMedian])), revertMsMedian: Object.fromEntries(Object.entries(perKind).map(([k, v]) => [k, v.revertMsMedian])), threeNodesSequentialMs: Math.round(median(sequential)), threeNodesAtOnceMs: Math.round(median(three)), fanout3VsOneRatio };
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:faults failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
