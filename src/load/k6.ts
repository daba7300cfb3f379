/**
 * k6 support: run a k6 script the user already has a k6 binary for, and read its summary into a LoadReport.
 * k6 is AGPL-3.0: this project never installs, vendors or builds it; it only runs a binary found on PATH or
 * named by $K6_BINARY, and falls back to the built-in generator (and says so) when there is none.
 * Decisions: docs/decisions/0030-load-generator.md.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BadInput, ExperimentCompromised } from '../kernel/errors';
import { emptyLatencySummary, type LatencySummary, type LoadReport } from '../model/load';

/** K6_NOT_FOUND: the reason given when no k6 binary is found and the built-in generator is used. */
export const K6_NOT_FOUND = 'k6 not found on PATH; using the built-in generator';

/** K6Location: where k6 was looked for and what was found, in words for the person running the experiment. */
export interface K6Location {
  path: string | null;
  reason: string;
}

/** LoadEngineChoice: which engine makes the load, and why, so the run can say it out loud. */
export type LoadEngineChoice =
  | { engine: 'k6'; k6Path: string; reason: string }
  | { engine: 'builtin'; k6Path: null; reason: string };

/** locateK6: $K6_BINARY when set (it must be an executable file), else the first executable `k6` on PATH. */
export async function locateK6(env: NodeJS.ProcessEnv = process.env): Promise<K6Location> {
  const explicit = env.K6_BINARY;
  if (explicit !== undefined && explicit !== '') {
    // A K6_BINARY that is set but wrong is named, not silently replaced by whatever PATH holds.
    if (await isExecutableFile(explicit)) return { path: explicit, reason: `k6 from K6_BINARY=${explicit}` };
    return { path: null, reason: `K6_BINARY=${explicit} is not an executable file; using the built-in generator` };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'k6');
    if (await isExecutableFile(candidate)) return { path: candidate, reason: `k6 found on PATH at ${candidate}` };
  }
  return { path: null, reason: K6_NOT_FOUND };
}

/** findK6: the k6 binary to run ($K6_BINARY, else k6 on PATH), or null when there is none. */
export async function findK6(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return (await locateK6(env)).path;
}

/** chooseLoadEngine: k6 when a binary is found, else the built-in generator; `reason` says which and why. */
export async function chooseLoadEngine(env: NodeJS.ProcessEnv = process.env): Promise<LoadEngineChoice> {
  const found = await locateK6(env);
  if (found.path !== null) return { engine: 'k6', k6Path: found.path, reason: `${found.reason}; running the k6 script` };
  return { engine: 'builtin', k6Path: null, reason: found.reason };
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** K6Version: a k6 release number. */
export interface K6Version {
  major: number;
  minor: number;
  patch: number;
}

/** parseK6Version: the version in `k6 version` output ("k6 v0.56.0 (go1.23.4, linux/amd64)"), or null. */
export function parseK6Version(output: string): K6Version | null {
  const match = /\bk6 v(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** K6ScriptRun: what runK6Script runs. */
export interface K6ScriptRun {
  /** Path of the script, .js or .ts (experiments/load/*.ts). */
  script: string;
  /** Variables the script reads from __ENV, passed as `-e NAME=VALUE` (only these, visible in the command). */
  env?: Record<string, string>;
  /** Where k6 writes its --summary-export JSON. */
  summaryPath: string;
  /** Hard limit for the whole k6 process; then SIGTERM, and SIGKILL 5 s later. */
  timeoutMs: number;
  /** The k6 binary; default: findK6(). */
  k6Path?: string;
}

/**
 * k6RunArgs: the arguments of `k6 run` for `run`. TypeScript runs natively from k6 v0.57; v0.52-v0.56 need
 * --compatibility-mode=experimental_enhanced (a flag v0.57 removed, so it is only given to older versions);
 * older k6 cannot run a .ts script at all (BadInput). An unknown version is treated as current.
 */
export function k6RunArgs(run: Pick<K6ScriptRun, 'script' | 'env' | 'summaryPath'>, version: K6Version | null): string[] {
  const args = ['run', '--no-color', '--summary-export', run.summaryPath];
  for (const [name, value] of Object.entries(run.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new BadInput(`k6 environment variable name "${name}" is not valid`, undefined, 'use letters, digits and _ only');
    }
    args.push('-e', `${name}=${value}`);
  }
  if (run.script.endsWith('.ts') && version !== null && version.major === 0) {
    if (version.minor < 52) {
      throw new BadInput(
        `k6 v0.${version.minor}.${version.patch} cannot run the TypeScript script ${run.script}`,
        undefined,
        'install k6 v0.57 or later (TypeScript runs natively), or give a .js script',
      );
    }
    if (version.minor < 57) args.push('--compatibility-mode=experimental_enhanced');
  }
  args.push(run.script);
  return args;
}

/** K6_THRESHOLDS_CROSSED: k6's exit code when the run completed but a threshold of the script failed. */
const K6_THRESHOLDS_CROSSED = 99;

/** K6LoadReport: a LoadReport from a k6 summary, plus the k6 thresholds it reports as crossed. */
export interface K6LoadReport extends LoadReport {
  engine: 'k6';
  /** "metric: expression" of every threshold in the summary that failed (k6's own verdict, not ours). */
  failedThresholds: string[];
}

/**
 * runK6Script: runs `k6 run --summary-export FILE SCRIPT` and reads the summary. A run whose thresholds were
 * crossed (exit 99) still yields its report; any other failure, a timeout or a missing summary is
 * ExperimentCompromised (the load could not be measured), with the tail of k6's stderr.
 */
export async function runK6Script(run: K6ScriptRun): Promise<K6LoadReport> {
  const k6 = run.k6Path ?? (await findK6());
  if (k6 === null) throw new ExperimentCompromised(`${K6_NOT_FOUND}, but a k6 script was asked to run (${run.script})`);
  const version = parseK6Version((await runProcess(k6, ['version'], 10_000)).stdout);
  const result = await runProcess(k6, k6RunArgs(run, version), run.timeoutMs);
  if (result.timedOut) {
    throw new ExperimentCompromised(`k6 run ${run.script} did not finish within ${run.timeoutMs}ms and was stopped; ` +
      `is the script's duration (plus gracefulStop) shorter than the timeout?`);
  }
  if (result.code !== 0 && result.code !== K6_THRESHOLDS_CROSSED) {
    throw new ExperimentCompromised(`k6 run ${run.script} exited with ${result.code ?? result.signal}: ${tail(result.stderr)}`);
  }
  let text: string;
  try {
    text = await readFile(run.summaryPath, 'utf8');
  } catch (error) {
    throw new ExperimentCompromised(`k6 run ${run.script} wrote no summary at ${run.summaryPath}: ${tail(result.stderr)}`, { cause: error });
  }
  return parseK6Summary(JSON.parse(text), path.basename(run.script).replace(/\.[jt]s$/, ''));
}

interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a process without a shell; output is kept to its last 64 KiB each so a chatty k6 cannot fill memory. */
function runProcess(file: string, args: string[], timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (text: string, chunk: Buffer): string => (text + chunk.toString('utf8')).slice(-65_536);
    child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      // SIGTERM first: k6 then stops the test and still writes its summary; SIGKILL if it does not exit.
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killer);
      reject(new ExperimentCompromised(`could not start ${file}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function tail(text: string): string {
  const lines = text.trim().split('\n').slice(-5).join('\n');
  return lines === '' ? '(no output on stderr)' : lines;
}

type Json = Record<string, unknown>;

/**
 * parseK6Summary: a LoadReport from k6's summary JSON. Reads the --summary-export shape (metric values flat,
 * a rate metric's ratio under `value`) and handleSummary's shape (values under `values`, ratio under `rate`).
 * Mapping: sent = http_reqs.count; failed = http_req_failed.passes (a failed request adds a true value);
 * ok = sent - failed; dropped = dropped_iterations.count (k6 omits the metric when none was dropped; one
 * request per iteration assumed); completed = sent (k6 does not tell a response from a transport error here);
 * achievedRatePerSecond = http_reqs.rate; durationMs = state.testRunDurationMs when present, else count/rate;
 * p50 = med, p99 = p(99) when the summary has it (default summaryTrendStats do not), else null.
 * Throws BadInput naming what is missing when the JSON is not a k6 summary of an HTTP test.
 */
export function parseK6Summary(summary: unknown, name = 'k6'): K6LoadReport {
  const root = asObject(summary, 'the k6 summary');
  const metrics = asObject(root.metrics, 'the k6 summary\'s "metrics"');
  const values = (metric: string, required: boolean): Json | null => {
    const raw = metrics[metric];
    if (raw === undefined) {
      if (!required) return null;
      throw new BadInput(`the k6 summary has no "${metric}" metric`, undefined,
        'did the script make HTTP requests with k6/http? Give k6 --summary-export FILE');
    }
    const object = asObject(raw, `k6 metric "${metric}"`);
    return typeof object.values === 'object' && object.values !== null ? (object.values as Json) : object;
  };
  const reqs = values('http_reqs', true) as Json;
  const sent = count(reqs.count, 'http_reqs.count');
  const rate = optionalNumber(reqs.rate, 'http_reqs.rate') ?? 0;
  const failedMetric = values('http_req_failed', false);
  const failed = failedMetric ? count(failedMetric.passes, 'http_req_failed.passes') : 0;
  if (failed > sent) throw new BadInput(`the k6 summary counts ${failed} failed of ${sent} requests`);
  const droppedMetric = values('dropped_iterations', false);
  const dropped = droppedMetric ? count(droppedMetric.count, 'dropped_iterations.count') : 0;
  const duration = values('http_req_duration', sent > 0);
  const state = typeof root.state === 'object' && root.state !== null ? (root.state as Json) : {};
  const runMs = optionalNumber(state.testRunDurationMs, 'state.testRunDurationMs');
  const latencyMs: LatencySummary = duration
    ? {
        p50: optionalNumber(duration.med, 'http_req_duration.med'),
        p90: optionalNumber(duration['p(90)'], 'http_req_duration.p(90)'),
        p95: optionalNumber(duration['p(95)'], 'http_req_duration.p(95)'),
        p99: optionalNumber(duration['p(99)'], 'http_req_duration.p(99)'),
        max: optionalNumber(duration.max, 'http_req_duration.max'),
        mean: optionalNumber(duration.avg, 'http_req_duration.avg'),
      }
    : emptyLatencySummary();
  return {
    name,
    engine: 'k6',
    ratePerSecond: null,
    offered: sent + dropped,
    sent,
    completed: sent,
    ok: sent - failed,
    failed,
    dropped,
    // k6's summary keeps no error classes; every failure is counted under "k6-failed".
    errorClasses: failed > 0 ? { 'k6-failed': failed } : {},
    achievedRatePerSecond: rate,
    latencyMs: sent > 0 ? latencyMs : emptyLatencySummary(),
    durationMs: runMs ?? (rate > 0 ? (sent / rate) * 1000 : 0),
    failedThresholds: failedThresholds(metrics),
  };
}

/** Thresholds marked as failed: --summary-export writes `{"p(95)<300": true}` (true = failed), handleSummary `{ok}`. */
function failedThresholds(metrics: Json): string[] {
  const failed: string[] = [];
  for (const [metric, raw] of Object.entries(metrics)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const object = raw as Json;
    const nested = typeof object.values === 'object' && object.values !== null ? (object.values as Json) : {};
    const thresholds = object.thresholds ?? nested.thresholds;
    if (typeof thresholds !== 'object' || thresholds === null) continue;
    for (const [expression, verdict] of Object.entries(thresholds as Json)) {
      const crossed = typeof verdict === 'boolean' ? verdict : (verdict as { ok?: unknown } | null)?.ok === false;
      if (crossed) failed.push(`${metric}: ${expression}`);
    }
  }
  return failed;
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadInput(`${what} is not a JSON object`, undefined, 'give the file k6 wrote with --summary-export');
  }
  return value as Json;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new BadInput(`the k6 summary's ${what} is ${JSON.stringify(value)}, expected a count`);
  }
  return value;
}

function optionalNumber(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new BadInput(`the k6 summary's ${what} is ${JSON.stringify(value)}, expected a number`);
  }
  return value;
}
