/**
 * bench:overhead — what does measuring cost the runner? Ten HTTP probes at 10 Hz (the service endpoint and
 * every node backend, several times over) and a 50 requests/s built-in load run against the lab for five
 * minutes (by default) in this process; its CPU time and resident memory are sampled every second.
 * Targets: < 10 % of one core, < 200 MB RSS. Prints figures and, last, one JSON line.
 *   usage: npm run bench:overhead [-- --seconds N]   (root; brings the lab up and down if it is not up)
 */
import { parseArgs } from 'node:util';
import { sleep } from '../src/kernel/clock';
import { startLoad } from '../src/load/generator';
import { HttpProbe } from '../src/probes/http-probe';
import type { Sample } from '../src/model/sample';
import { withLab } from './lib/lab-session';

const PROBES = 10;
const PROBE_RATE_HZ = 10;
const LOAD_RATE = 50;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' } } });
  const seconds = Number(values.seconds);
  const figures = await withLab(async (env) => {
    const endpoint = env.services.web?.endpoint;
    const backendUrl = env.services.web?.backendUrl;
    if (!endpoint || !backendUrl) throw new Error('the lab environment has no web endpoint or backendUrl');
    const urls = [endpoint, ...env.nodes.map((n) => backendUrl.replaceAll('{address}', n.address))];
    let samples = 0;
    let bad = 0;
    const count = (sample: Sample): void => {
      samples++;
      if (!sample.ok) bad++;
    };
    const probes = Array.from({ length: PROBES }, (_, i) => new HttpProbe({ name: `p${i}`, url: urls[i % urls.length] as string, rateHz: PROBE_RATE_HZ, timeoutMs: env.defaults.probeTimeoutMs, onSample: count }));
    // Let V8 warm up and the first connections settle before measuring.
    probes.forEach((p) => p.start());
    const load = startLoad({ name: 'load', url: endpoint, ratePerSecond: LOAD_RATE, maxRequests: LOAD_RATE * (seconds + 10), maxDurationMs: (seconds + 10) * 1000, timeoutMs: env.defaults.probeTimeoutMs, onSample: count });
    await sleep(3000);
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    let rssMaxBytes = 0;
    const rss: number[] = [];
    for (let s = 0; s < seconds; s++) {
      await sleep(1000);
      const now = process.memoryUsage().rss;
      rss.push(now);
      rssMaxBytes = Math.max(rssMaxBytes, now);
      if (s % 30 === 29) process.stderr.write(`  ${s + 1}s: rss ${(now / 1e6).toFixed(0)} MB, ${samples} samples so far\n`);
    }
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    await Promise.all(probes.map((p) => p.stop()));
    const report = await load.stop();
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    return {
      benchmark: 'overhead',
      seconds,
      probes: PROBES,
      probeRateHz: PROBE_RATE_HZ,
      loadRatePerSecond: LOAD_RATE,
      samples,
      badSamples: bad,
      loadSent: report.sent,
      loadOk: report.ok,
      cpuPercentOfOneCore: Math.round(cpuPercent * 10) / 10,
      rssMB: Math.round(rssMaxBytes / 1e6),
      rssMedianMB: Math.round((rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)] ?? 0) / 1e6),
      targets: { cpuPercentOfOneCore: 10, rssMB: 200 },
    };
  });
  process.stdout.write(
    `runner overhead over ${figures.seconds}s with ${figures.probes} probes at ${figures.probeRateHz} Hz and ${figures.loadRatePerSecond} req/s load:\n` +
      `  CPU ${figures.cpuPercentOfOneCore}% of one core (target < 10%), RSS max ${figures.rssMB} MB, median ${figures.rssMedianMB} MB (target < 200 MB)\n` +
      `  ${figures.samples} samples (${figures.badSamples} bad), load ${figures.loadOk}/${figures.loadSent} ok\n`,
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:overhead failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
