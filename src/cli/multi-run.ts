/**
 * `scs-chaos run --env a.yaml --env b.yaml [--parallel N] [run options] [FEATURE...]`: the same features against
 * several environments (clouds, SCS versions) at once, at most N runs at a time (default 4), one run directory each,
 * then `scs-chaos compare` over them (reports/compare-<time>/).
 *
 * Every environment is loaded and planned here first, in this process: bad input in any of them is exit 2 before
 * anything is touched anywhere. Each run is then a child `scs-chaos run --env X` in a process group of its own
 * (a terminal's Ctrl-C reaches only this process, which passes one SIGINT/SIGTERM on, so each child reverts its
 * faults instead of seeing two signals and exiting at once). Output lines carry the environment's name.
 * Exit code: the most serious of the runs' (4 aborted, 3 compromised, 1 refuted, 0), 2 only before anything ran.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachBounded } from '../kernel/bounded';
import { BadInput } from '../kernel/errors';
import { loadEnvironment } from '../environment/load';
import { requireScenarios } from './input-checks';
import { planPass, RunOptions } from './run';
import { newRunId } from './run-directory';

const CLI = join(__dirname, '..', '..', 'bin', 'scs-chaos.js');
const DEFAULT_PARALLEL = 4;
/** The child tells its run directory through this file (src/cli/run.ts). */
export const RUN_DIR_FILE_VARIABLE = 'SCS_CHAOS_RUN_DIR_FILE';

export interface MultiRunArgs {
  envPaths: string[];
  parallel: number;
  /** Every other argument, passed to each run unchanged. */
  rest: string[];
}

/** splitMultiRunArgs: the --env and --parallel flags out of `run`'s arguments; the rest is each run's. */
export function splitMultiRunArgs(args: readonly string[]): MultiRunArgs {
  const envPaths: string[] = [];
  let parallel: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--env' && flag !== '--parallel') {
      rest.push(arg);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--')) throw new BadInput(`${flag} needs a value`, undefined, flag === '--env' ? 'give an environment file after each --env' : 'give how many runs may go at once, e.g. --parallel 2');
    if (flag === '--env') envPaths.push(value);
    else parallel = value;
  }
  if (parallel !== undefined && !/^[1-9]\d*$/.test(parallel)) throw new BadInput(`--parallel ${parallel} is not a whole number >= 1`, undefined, 'give how many runs may go at once, e.g. --parallel 2');
  return { envPaths, parallel: parallel === undefined ? DEFAULT_PARALLEL : Number(parallel), rest };
}

interface Outcome {
  environment: string;
  code: number;
  runDir?: string;
}

export async function multiRunCommand(args: string[], checkOptions: (rest: string[]) => RunOptions, log: (line: string) => void): Promise<number> {
  const { envPaths, parallel, rest } = splitMultiRunArgs(args);
  if (rest.some((a) => a === '--cloud' || a.startsWith('--cloud='))) {
    throw new BadInput('--cloud names one cloud, but several --env were given', undefined, 'leave out --cloud: each run is pushed with its environment\'s name as the cloud label');
  }
  const options = checkOptions(rest);
  const envs = envPaths.map((path) => loadEnvironment(resolve(path)));
  const byName = new Map<string, string>();
  for (const [i, env] of envs.entries()) {
    const other = byName.get(env.name);
    if (other !== undefined) throw new BadInput(`environments ${other} and ${envPaths[i]} are both named "${env.name}"`, { file: resolve(envPaths[i] as string) }, 'give each environment its own name: (the comparison shows runs by name)');
    byName.set(env.name, envPaths[i] as string);
  }
  // Plan every environment before any run starts: bad input anywhere touches nothing anywhere.
  let problems = 0;
  for (const env of envs) {
    const plan = await planPass(env, { ...options, envPath: env.sourcePath });
    for (const problem of [...plan.internal, ...plan.problems]) log(`[${env.name}] ${problem}`);
    if (plan.internal.length) return 3;
    problems += plan.problems.length;
    if (plan.problems.length === 0) requireScenarios(plan.scenarioCount, options, options.allowEmpty === true);
  }
  if (problems) {
    log(`bad input: ${problems} problem(s) found while planning ${envs.length} environments; nothing was touched.`);
    return 2;
  }
  log(`runs against ${envs.map((e) => e.name).join(', ')}: at most ${parallel} at a time, one run directory each in ${options.reportsDir}`);
  const outcomes = await runAll(envs.map((env) => ({ name: env.name, path: env.sourcePath })), rest, parallel, log);
  for (const outcome of outcomes) log(`[${outcome.environment}] exit code ${outcome.code}${outcome.runDir ? `, run directory ${outcome.runDir}` : ', no run directory'}`);
  const runDirs = outcomes.flatMap((o) => (o.runDir && existsSync(join(o.runDir, 'summary.json')) ? [o.runDir] : []));
  if (runDirs.length >= 2) {
    const { compareRuns } = await import('./compare');
    const compared = compareRuns(runDirs, join(options.reportsDir, `compare-${newRunId()}`));
    log(`compare: ${compared.differing} scenario(s) differ between the runs; page ${compared.html}, json ${compared.json}`);
  }
  return mostSerious(outcomes.map((o) => o.code));
}

/** mostSerious: one exit code for several runs (the order of src/core/verdict.ts exitCodeOf, bad input first). */
export function mostSerious(codes: readonly number[]): number {
  for (const code of [2, 4, 3, 1]) if (codes.includes(code)) return code;
  return codes.every((c) => c === 0) ? 0 : 3;
}

async function runAll(envs: { name: string; path: string }[], rest: string[], parallel: number, log: (line: string) => void): Promise<Outcome[]> {
  const running = new Set<number>();
  const forward = (signal: NodeJS.Signals): void => {
    log(`${signal}: passed on to ${running.size} run(s); each reverts its faults (send it again to make them exit at once)`);
    for (const pid of running) {
      try {
        process.kill(pid, signal);
      } catch {
        // that run has ended meanwhile
      }
    }
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const outcomes: Outcome[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'scs-chaos-multi-'));
  try {
    await forEachBounded(envs, parallel, async (env, index) => {
      const runDirFile = join(scratch, `${index}.run-dir`);
      const code = await runOne(env, rest, runDirFile, running);
      const runDir = existsSync(runDirFile) ? readFileSync(runDirFile, 'utf8').trim() : undefined;
      outcomes[index] = { environment: env.name, code, ...(runDir ? { runDir } : {}) };
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    rmSync(scratch, { recursive: true, force: true });
  }
  return outcomes;
}

function runOne(env: { name: string; path: string }, rest: string[], runDirFile: string, running: Set<number>): Promise<number> {
  const child = spawn(process.execPath, [CLI, 'run', '--env', env.path, ...rest], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [RUN_DIR_FILE_VARIABLE]: runDirFile },
  });
  if (child.pid !== undefined) running.add(child.pid);
  // Each line of the child's output, prefixed with the environment's name; a last line without newline at the end.
  const prefixed = (write: (text: string) => void): { data: (chunk: Buffer) => void; end: () => void } => {
    let partial = '';
    return {
      data: (chunk) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) write(`[${env.name}] ${line}\n`);
      },
      end: () => (partial ? write(`[${env.name}] ${partial}\n`) : undefined),
    };
  };
  const out = prefixed((t) => process.stdout.write(t));
  const err = prefixed((t) => process.stderr.write(t));
  child.stdout.on('data', out.data);
  child.stderr.on('data', err.data);
  return new Promise((resolvePromise) => {
    child.on('close', (code) => {
      if (child.pid !== undefined) running.delete(child.pid);
      out.end();
      err.end();
      // Killed by a signal: it could not finish its own reports, as with a compromised run.
      resolvePromise(code ?? 3);
    });
  });
}
