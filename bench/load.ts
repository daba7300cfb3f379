/**
 * bench:load — how much load can the built-in generator (src/load/generator.ts) make, at what CPU cost, and
 * how does that compare with Debian's wrk against the same target?
 *
 * Maximum rate (docs/decisions/0030-load-generator.md): the highest offered rate at which, over one step of
 * --step-ms, at least 99% of the offered requests completed ok, none was dropped, and the generator kept
 * its schedule (achieved rate >= 95% of offered). Found by doubling from 250 req/s until a step fails,
 * then bisecting to 10%; a failed step is tried once more before it counts (the machine may be shared).
 * wrk is a closed model (32 connections, each sending its next request when the last one is answered), so
 * its figure is throughput, not a sustained arrival rate: the ratios say "how far from a C tool", nothing more.
 *
 *   usage: npm run bench:load [-- --local | --url URL] [--step-ms MS]
 *   --local   start a tiny node:http server on 127.0.0.1 in a child process (for when the lab is not up)
 *   --url     the target; default http://198.18.0.10:80/, the lab's web service through haproxy
 * Every measurement is bounded: a step by --step-ms (<= 10 s) plus its 1 s request timeout, wrk by 10 s.
 * Prints a table and, last, one JSON line with builtinMaxRps, wrkRps and ratioToWrk (and more).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startLoad } from '../src/load/generator';
import type { BuiltinLoadReport } from '../src/model/load';
import type { Sample } from '../src/model/sample';

const DEFAULT_URL = 'http://198.18.0.10:80/';
const START_RATE = 250;
const MAX_RATE = 64_000;
const MIN_RATE = 10;
const REQUEST_TIMEOUT_MS = 1000;
const WRK_ARGS = ['-t2', '-c32', '-d10s'];
const WRK_LIMIT_MS = 15_000;

interface Step {
  rate: number;
  keepAlive: boolean;
  pass: boolean;
  report: BuiltinLoadReport;
  cpuMicrosPerRequest: number;
}

interface Search {
  maxRps: number | null;
  cpuMicrosPerRequest: number | null;
  steps: Step[];
}

interface WrkResult {
  rps: number | null;
  note: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, local: { type: 'boolean', default: false }, 'step-ms': { type: 'string', default: '2000' } },
  });
  const stepMs = Number(values['step-ms']);
  if (!(stepMs >= 500 && stepMs <= 10_000)) {
    process.stderr.write(`bench:load: --step-ms ${values['step-ms']} is outside 500..10000 (each measurement stays <= 15 s)\n`);
    return 2;
  }
  if (values.local && values.url) {
    process.stderr.write('bench:load: give either --local or --url, not both\n');
    return 2;
  }
  const server = values.local ? await startLocalServer() : null;
  try {
    const url = server ? server.url : (values.url ?? DEFAULT_URL);
    const reachable = await startLoad({ name: 'bench-check', url, ratePerSecond: 10, maxRequests: 3, maxDurationMs: 1000, timeoutMs: 2000 }).done;
    if (reachable.ok === 0) {
      const why = Object.keys(reachable.errorClasses).join(', ') || 'no answer';
      process.stderr.write(`bench:load: ${url} did not answer ok (${why}). Is the lab up (scs-chaos lab up)? Or measure with --local.\n`);
      return 2;
    }
    const loadAverage = os.loadavg()[0] as number;
    say(`target ${url}${server ? ' (local node:http server in a child process)' : ''}; ${os.cpus().length} CPUs, load average ${loadAverage.toFixed(2)}`);
    say(`maximum rate: highest offered rate with >= 99% ok, 0 dropped, achieved >= 95% of offered, over ${stepMs} ms steps\n`);

    await warmUp(url, stepMs);
    say('built-in generator, a new connection per request (the default):');
    const fresh = await searchMaxRate(url, false, stepMs);
    say('\nbuilt-in generator, keep-alive:');
    const reused = await searchMaxRate(url, true, stepMs);

    say('\nwrk (closed model, 32 connections, 2 threads, 10 s):');
    const wrkPath = ensureWrk();
    const wrk = wrkPath ? await runWrk(wrkPath, url, []) : { rps: null, note: 'wrk is not installed and could not be installed' };
    say(`  keep-alive:        ${formatRps(wrk.rps)}  ${wrk.note}`);
    const wrkClose = wrkPath ? await runWrk(wrkPath, url, ['-H', 'Connection: close']) : { rps: null, note: '' };
    say(`  Connection: close: ${formatRps(wrkClose.rps)}  ${wrkClose.note}`);

    const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? round(a / b, 3) : null);
    const result = {
      bench: 'load',
      target: url,
      local: server !== null,
      cpus: os.cpus().length,
      loadAverage1m: round(loadAverage, 2),
      stepMs,
      builtinMaxRps: fresh.maxRps,
      builtinCpuMicrosPerRequest: fresh.cpuMicrosPerRequest,
      builtinKeepAliveMaxRps: reused.maxRps,
      builtinKeepAliveCpuMicrosPerRequest: reused.cpuMicrosPerRequest,
      wrkRps: wrk.rps,
      wrkConnectionCloseRps: wrkClose.rps,
      ratioToWrk: ratio(fresh.maxRps, wrk.rps),
      keepAliveRatioToWrk: ratio(reused.maxRps, wrk.rps),
      connectionCloseRatioToWrk: ratio(fresh.maxRps, wrkClose.rps),
      steps: [...fresh.steps, ...reused.steps].map((s) => [s.keepAlive ? 'keep-alive' : 'new-connection', s.rate, s.pass ? 'pass' : 'fail']),
    };
    say('\nsummary:');
    say(`  built-in, new connection per request: ${formatRps(fresh.maxRps)} (${fresh.cpuMicrosPerRequest ?? '-'} µs CPU per request at that rate)`);
    say(`  built-in, keep-alive:                  ${formatRps(reused.maxRps)} (${reused.cpuMicrosPerRequest ?? '-'} µs CPU per request at that rate)`);
    say(`  wrk keep-alive ${formatRps(wrk.rps)}, wrk Connection: close ${formatRps(wrkClose.rps)}`);
    say(`  ratioToWrk (built-in default / wrk default) ${result.ratioToWrk ?? '-'}; like for like: keep-alive ` +
      `${result.keepAliveRatioToWrk ?? '-'}, new connection per request ${result.connectionCloseRatioToWrk ?? '-'}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    server?.stop();
  }
}

/** Two short unmeasured runs, so the first measured step does not pay for V8 compiling the HTTP client. */
async function warmUp(url: string, stepMs: number): Promise<void> {
  for (const [rate, keepAlive] of [[200, false], [1000, false], [1000, true]] as const) {
    await startLoad({ name: 'bench-warm-up', url, ratePerSecond: rate, maxRequests: rate * 2, maxDurationMs: Math.min(stepMs, 1500), timeoutMs: REQUEST_TIMEOUT_MS, keepAlive }).done;
  }
  await pause(300);
}

/** Doubles from START_RATE until a step fails, then bisects to 10%; see the header for the definition. */
async function searchMaxRate(url: string, keepAlive: boolean, stepMs: number): Promise<Search> {
  const steps: Step[] = [];
  const tryRate = async (rate: number): Promise<Step> => {
    let step = await measure(url, rate, keepAlive, stepMs);
    steps.push(step);
    if (!step.pass) {
      step = await measure(url, rate, keepAlive, stepMs);
      steps.push(step);
    }
    return step;
  };
  say('  offered/s   sent    ok      dropped  achieved/s  p50 ms   p99 ms   lag max ms  CPU µs/req  verdict');
  let pass: Step | null = null;
  let failRate: number | null = null;
  for (let rate = START_RATE; rate <= MAX_RATE; rate *= 2) {
    const step = await tryRate(rate);
    if (!step.pass) {
      failRate = rate;
      break;
    }
    pass = step;
  }
  if (pass === null) {
    // Even the start rate failed: halve until one passes (or give up at MIN_RATE).
    for (let rate = START_RATE / 2; rate >= MIN_RATE; rate /= 2) {
      const step = await tryRate(Math.round(rate));
      if (step.pass) {
        pass = step;
        break;
      }
      failRate = Math.round(rate);
    }
  }
  while (pass !== null && failRate !== null && failRate / pass.rate > 1.1) {
    const rate = Math.round((pass.rate + failRate) / 2);
    const step = await tryRate(rate);
    if (step.pass) pass = step;
    else failRate = rate;
  }
  return { maxRps: pass ? pass.rate : null, cpuMicrosPerRequest: pass ? pass.cpuMicrosPerRequest : null, steps };
}

/** One bounded step at `rate`; samples are kept as an experiment would keep them, so their cost is counted. */
async function measure(url: string, rate: number, keepAlive: boolean, stepMs: number): Promise<Step> {
  const samples: Sample[] = [];
  const cpuBefore = process.cpuUsage();
  const report = await startLoad({
    name: 'bench',
    url,
    ratePerSecond: rate,
    maxRequests: Math.ceil((rate * stepMs) / 1000),
    maxDurationMs: stepMs,
    timeoutMs: REQUEST_TIMEOUT_MS,
    keepAlive,
    onSample: (s) => samples.push(s),
  }).done;
  const cpu = process.cpuUsage(cpuBefore);
  const pass = report.dropped === 0 && report.ok >= 0.99 * report.offered && report.achievedRatePerSecond >= 0.95 * rate;
  const cpuMicrosPerRequest = report.sent > 0 ? Math.round((cpu.user + cpu.system) / report.sent) : 0;
  const l = report.latencyMs;
  say(`  ${pad(rate, 9)}   ${pad(report.sent, 6)}  ${pad(report.ok, 6)}  ${pad(report.dropped, 7)}  ${pad(report.achievedRatePerSecond.toFixed(0), 10)}  ` +
    `${pad(l.p50?.toFixed(1) ?? '-', 7)}  ${pad(l.p99?.toFixed(1) ?? '-', 7)}  ${pad(report.scheduleLagMs.max.toFixed(1), 10)}  ` +
    `${pad(cpuMicrosPerRequest, 10)}  ${pass ? 'pass' : `fail${failureNote(report)}`}`);
  // After an overloaded step the target still works off connections we gave up on; let it drain, or the next
  // step would measure that hangover instead of its own rate.
  await pause(pass ? 300 : 2000);
  return { rate, keepAlive, pass, report, cpuMicrosPerRequest };
}

function failureNote(report: BuiltinLoadReport): string {
  const errors = Object.entries(report.errorClasses).map(([k, v]) => `${k} ${v}`).join(', ');
  return errors ? ` (${errors})` : '';
}

/** The wrk binary: on PATH, else installed with apt-get when running as root (Debian's wrk, Apache-2.0). */
function ensureWrk(): string | null {
  const which = (): string | null => {
    const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : null;
  };
  const present = which();
  if (present || process.getuid?.() !== 0) return present;
  say('  wrk is missing: apt-get install -y wrk');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', env, timeout: 300_000 }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
    install();
  }
  return which();
}

/** Runs wrk for 10 s (killed at 15 s) and reads "Requests/sec" and its error counts. */
function runWrk(wrk: string, url: string, extra: string[]): Promise<WrkResult> {
  return new Promise((resolve) => {
    const child = spawn(wrk, [...WRK_ARGS, ...extra, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const limit = setTimeout(() => child.kill('SIGKILL'), WRK_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(limit);
      resolve({ rps: null, note: `wrk did not start: ${error.message}` });
    });
    child.on('close', () => {
      clearTimeout(limit);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const notes: string[] = [];
      const socketErrors = /Socket errors: (.*)/.exec(out);
      if (socketErrors) notes.push(`socket errors: ${socketErrors[1]}`);
      const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      if (bad) notes.push(`${bad[1]} non-2xx/3xx`);
      resolve({ rps: rps ? round(Number(rps[1]), 0) : null, note: rps ? notes.join('; ') : `no Requests/sec in wrk output: ${out.trim().slice(-200)}` });
    });
  });
}

/** A tiny node:http server on 127.0.0.1 in its own process, so it does not share the generator's event loop. */
async function startLocalServer(): Promise<{ url: string; stop: () => void }> {
  const script = [
    "const http = require('node:http');",
    "const server = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok\\n'); });",
    'server.keepAliveTimeout = 5000;',
    "server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));",
    // The server ends with its parent: a stdin that closes means the benchmark is gone.
    "process.stdin.on('end', () => process.exit(0)); process.stdin.resume();",
  ].join('\n');
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the local server did not report its port within 5 s')), 5000);
    child.stdout?.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(Number(chunk.toString('utf8').trim()));
    });
    child.once('exit', (code) => reject(new Error(`the local server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => {
      child.stdin?.end();
      child.kill('SIGTERM');
    },
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function pad(value: number | string, width: number): string {
  return String(value).padStart(width);
}

function formatRps(rps: number | null): string {
  return rps === null ? '-' : `${rps} req/s`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:load: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
