/**
 * bench:accuracy — how exactly does scs-chaos measure an outage? The benchmark makes the lab's web service
 * unavailable for known durations (an nftables rule on the edge that resets every new connection to haproxy,
 * added and removed by the benchmark itself), while an HttpProbe samples the service at the environment's
 * default rate. Measured downtime (interpolated outage edges, src/slo/outage.ts) is compared with the true
 * one (between the midpoints of the nft add and delete commands). Prints a table and, last, one JSON line.
 *   usage: npm run bench:accuracy [-- --reps N]   (root; brings the lab up and down if it is not up)
 */
import { parseArgs } from 'node:util';
import { now, sleep } from '../src/kernel/clock';
import { NetnsExecutor } from '../src/executors/netns';
import { HttpProbe } from '../src/probes/http-probe';
import type { Sample } from '../src/model/sample';
import { downtimeMs } from '../src/slo/outage';
import { median, withLab } from './lib/lab-session';

const DURATIONS_MS = [500, 2000, 5000];
const TABLE = 'scs_chaos_bench_accuracy';

interface Run {
  trueMs: number;
  measuredMs: number;
  errorMs: number;
  nftAddMs: number;
  nftDeleteMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
  const reps = Number(values.reps);
  const runs = await withLab(async (env) => {
    if (!env.lab) throw new Error('the lab environment has no lab block');
    const edge = new NetnsExecutor(env.lab.edge.namespace);
    const port = env.lab.edge.httpPort;
    const url = env.services.web?.endpoint;
    if (!url) throw new Error('the lab environment has no web endpoint');
    const rateHz = env.defaults.probeRateHz;
    const ruleset = `table inet ${TABLE} {\n  chain input {\n    type filter hook input priority -150; policy accept;\n    tcp dport ${port} reject with tcp reset\n  }\n}\n`;
    const results: Run[] = [];
    process.stdout.write(`probe: GET ${url} at ${rateHz} Hz (timeout ${env.defaults.probeTimeoutMs}ms); ${reps} repetitions per duration\n`);
    process.stdout.write('true (ms)   measured (ms)   error (ms)   nft add/delete (ms)\n');
    try {
      for (const durationMs of DURATIONS_MS) {
        for (let rep = 0; rep < reps; rep++) {
          const samples: Sample[] = [];
          const probe = new HttpProbe({ name: 'web', url, rateHz, timeoutMs: env.defaults.probeTimeoutMs, onSample: (s) => samples.push(s) });
          probe.start();
          // A random offset puts the outage edges at random phases of the sampling schedule.
          await sleep(700 + Math.random() * (1000 / rateHz));
          const addStart = now();
          const added = await edge.run(['nft', '-f', '-'], { input: ruleset, timeoutMs: 5000 });
          const addEnd = now();
          if (added.code !== 0) throw new Error(`nft add failed: ${added.stderr}`);
          const trueStart = (addStart + addEnd) / 2;
          await sleep(trueStart + durationMs - now());
          const deleteStart = now();
          await edge.run(['nft', 'delete', 'table', 'inet', TABLE], { timeoutMs: 5000 });
          const deleteEnd = now();
          const trueEnd = (deleteStart + deleteEnd) / 2;
          await sleep(700);
          await probe.stop();
          const measuredMs = downtimeMs(samples, trueStart - 500, trueEnd + 600);
          const run: Run = { trueMs: trueEnd - trueStart, measuredMs, errorMs: measuredMs - (trueEnd - trueStart), nftAddMs: addEnd - addStart, nftDeleteMs: deleteEnd - deleteStart };
          results.push(run);
          process.stdout.write(`${run.trueMs.toFixed(1).padStart(8)}   ${run.measuredMs.toFixed(1).padStart(13)}   ${run.errorMs.toFixed(1).padStart(10)}   ${run.nftAddMs.toFixed(1)}/${run.nftDeleteMs.toFixed(1)}\n`);
        }
      }
    } finally {
      await edge.run(['nft', 'delete', 'table', 'inet', TABLE], { timeoutMs: 5000 }).catch(() => undefined);
    }
    return { results, rateHz };
  });
  const absErrors = runs.results.map((r) => Math.abs(r.errorMs));
  const byDuration = Object.fromEntries(
    DURATIONS_MS.map((d) => [String(d), Math.round(median(runs.results.filter((r) => Math.abs(r.trueMs - d) < 200).map((r) => Math.abs(r.errorMs))) * 10) / 10]),
  );
  const figures = {
    benchmark: 'accuracy',
    probeRateHz: runs.rateHz,
    runs: runs.results.length,
    medianAbsErrorMs: Math.round(median(absErrors) * 10) / 10,
    maxAbsErrorMs: Math.round(Math.max(...absErrors) * 10) / 10,
    medianAbsErrorMsByTrueDurationMs: byDuration,
    targetMedianAbsErrorMs: 50,
  };
  process.stdout.write(`median absolute error ${figures.medianAbsErrorMs}ms (max ${figures.maxAbsErrorMs}ms) over ${figures.runs} outages at ${figures.probeRateHz} Hz; target <= 50ms\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:accuracy failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
