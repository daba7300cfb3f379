/**
 * `scs-chaos run` and `scs-chaos plan`. Both first run every scenario in plan mode (steps resolve targets and
 * validate everything, nothing is touched); any problem ends the command with exit 2. `plan` then prints the
 * plan; `run` checks the environment (preflight) and runs the scenarios for real, reverting on SIGINT/SIGTERM.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { loadConfiguration, loadSupport, runCucumber, IRunConfiguration, ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { Journal } from '../core/journal';
import { revertAllLive } from '../core/injection';
import { PlannedAction, RunContext, RunMode, setRunContext } from '../core/run-context';
import type { Environment } from '../model/environment';
import { loadEnvironment } from '../environment/load';
import { redact } from '../kernel/secrets';
import type { ScenarioSummary } from '../model/summary';
import type { RunProgress } from '../core/progress';
import { notRunSummary } from '../core/scenario-summary';
import { ConsoleProgress } from './console-progress';
import { CucumberProblems } from './cucumber-problems';
import { preflight, refusedByPreflight } from './preflight';
import { createRunDirectory, newRunId, pointLatestAt } from './run-directory';
import { requireScenarios } from './input-checks';

export interface RunOptions {
  envPath: string;
  profile: string;
  tags?: string;
  name?: string;
  paths: string[];
  reportsDir: string;
  /** Seed for random node selections; a random one when not given (it is printed, to repeat the run). */
  seed?: number;
  /** Progress output (stderr by default). */
  log: (line: string) => void;
  /** A finished run directory whose recovery times the summary page compares with. */
  baselineRunDir?: string;
  /** Push the run's metrics to this Pushgateway (job "scs-chaos"; cloud label: the environment name unless given). */
  pushgateway?: { url: string; cloud?: string };
  /** A selection of no scenario is fine (exit 0, nothing run); otherwise it is bad input (exit 2). */
  allowEmpty?: boolean;
}

/** The names Cucumber sees as its run's cwd-relative feature paths. */
const CWD = process.cwd();

/** discard: a stream for Cucumber output nobody reads. */
export const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });

export async function planCommand(options: RunOptions): Promise<number> {
  const checked = await checkedPlan(options);
  if (typeof checked === 'number') return checked;
  printPlan(checked.env, checked.plan.planned, checked.plan.scenarioCount, options.log);
  return 0;
}

/**
 * checkedPlan: the environment and the plan of `options`, or the exit code of its problems (reported): 3 for an
 * internal error, 2 for bad input; an empty selection is BadInput unless allowed. Shared by `plan`, `k8s shards` and
 * `k8s submit`, which plans with the scope each shard gets (`shape`).
 */
export async function checkedPlan(options: RunOptions, shape: (env: Environment) => Environment = (env) => env): Promise<{ env: Environment; plan: PlanResult } | number> {
  const env = shape(loadEnvironment(options.envPath));
  const plan = await planPass(env, options);
  if (plan.internal.length) return reportInternal(plan.internal, options.log);
  if (plan.problems.length) return reportProblems(plan.problems, options.log);
  requireScenarios(plan.scenarioCount, options, options.allowEmpty === true);
  return { env, plan };
}

export async function runCommand(options: RunOptions): Promise<number> {
  const planned = await checkedPlan(options);
  if (typeof planned === 'number') return planned;
  const { env, plan } = planned;
  if (plan.scenarioCount === 0) {
    options.log('no scenario selected (--allow-empty): nothing to run, nothing touched');
    return 0;
  }
  const refused = refusedByPreflight(
    await preflight(env),
    options.log,
    'preflight refused to start; nothing was injected:',
    '`scs-chaos rollback` (replays the last journal) or `scs-chaos sweep` (finds them by name), then run again; they also expire at their TTL',
  );
  if (refused) return 2;

  const runId = newRunId();
  const runDir = createRunDirectory(options.reportsDir, runId);
  pointLatestAt(options.reportsDir, runId);
  // A run started by `run --env a --env b` (multi-run.ts) tells its parent where its reports go.
  if (process.env.SCS_CHAOS_RUN_DIR_FILE) writeFileSync(process.env.SCS_CHAOS_RUN_DIR_FILE, runDir);
  const journal = new Journal(resolve(runDir, 'journal.jsonl'));
  // A live status line only on a terminal outside CI; CI logs get plain heartbeat lines during long waits.
  const liveStatus = process.stderr.isTTY === true && !process.env.CI ? (text: string): void => void process.stderr.write(text) : undefined;
  const progress = new ConsoleProgress({ log: options.log, total: plan.scenarioCount, ...(liveStatus ? { live: liveStatus } : {}) });
  const ctx = newContext(env, 'execute', (line) => progress.log(line), { runId, runDir, journal }, plan.seed, progress);
  const startedAt = new Date().toISOString();
  options.log(`run ${runId}: ${plan.scenarioCount} scenario(s) against environment ${env.name}; seed ${plan.seed} (repeat with --seed ${plan.seed}); reports in ${runDir}`);

  const onSignal = (signal: NodeJS.Signals): void => {
    if (ctx.interruption.signal.aborted) {
      options.log(`${signal} again: exiting now. Faults left active are removed by their on-node timers at their TTL.`);
      process.exit(4);
    }
    options.log(`\n${signal}: reverting every active fault, then stopping (send it again to exit at once)`);
    ctx.interruption.abort(signal);
    void revertAllLive(`interrupted by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runCucumberPass(plan.runConfiguration, plan.support, ctx);
  } finally {
    await revertAllLive('run finished');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    journal.close();
    progress.stop();
    setRunContext(null);
  }

  // The report writers load only once a run has something to report (plan never pays for them; decision 0103).
  const [{ buildRunSummary }, { finishRunReports }, { formatConsoleSummary }] = await Promise.all([
    import('../report/write-run'),
    import('../report/finish-run'),
    import('../report/console-summary'),
  ]);
  const scenarios = [...ctx.scenarios, ...notStarted(plan.scenarioIds, ctx)];
  const summary = buildRunSummary({ runId, environment: env.name, startedAt, scenarios, seed: plan.seed });
  await finishRunReports(runDir, summary, {
    log: options.log,
    ...(options.baselineRunDir ? { baselineRunDir: options.baselineRunDir } : {}),
    ...(options.pushgateway ? { pushgateway: { url: options.pushgateway.url, labels: { job: 'scs-chaos', cloud: options.pushgateway.cloud ?? env.name } } } : {}),
  });
  process.stdout.write(`\n${redact(formatConsoleSummary(summary))}\n`);
  options.log(`reports: ${runDir}`);
  return summary.exitCode;
}

export interface PlanResult {
  problems: string[];
  /** Problems that are not bad input: a step failed with an error no input explains (a bug). */
  internal: string[];
  planned: PlannedAction[];
  scenarioCount: number;
  scenarioIds: { id: string; name: string; feature: string; line: number; tags: string[] }[];
  runConfiguration: IRunConfiguration;
  support: ISupportCodeLibrary;
  seed: number;
}

/**
 * selectedRun: the profile's Cucumber configuration with the command line's selection and the support code (the
 * steps): what the plan pass and `k8s rbac`'s dry run (k8s/step-matches.ts) both run Cucumber with.
 */
export async function selectedRun(options: Pick<RunOptions, 'profile' | 'paths' | 'tags' | 'name'>): Promise<{ runConfiguration: IRunConfiguration; support: ISupportCodeLibrary }> {
  const { runConfiguration } = await loadConfiguration({ profiles: [options.profile] }, { cwd: CWD, stdout: discard, stderr: process.stderr });
  // Feature paths, tags and names given on the command line replace the profile's, never add to them.
  if (options.paths.length) runConfiguration.sources.paths = options.paths;
  if (options.tags) runConfiguration.sources.tagExpression = options.tags;
  if (options.name) runConfiguration.sources.names = [options.name];
  return { runConfiguration, support: await supportFor(runConfiguration) };
}

export async function planPass(env: Environment, options: RunOptions): Promise<PlanResult> {
  const { runConfiguration, support } = await selectedRun(options);
  const seed = options.seed ?? randomInt(0, 2 ** 32);
  const ctx = newContext(env, 'plan', () => undefined, null, seed);
  const collector = new CucumberProblems();
  // Cucumber's own stderr (its "Parse error in ..." lines) is held back: the collector reports every problem
  // once, with its fix. What Cucumber says beyond those problems is passed on.
  let cucumberSaid = '';
  const heldBack = new Writable({ write: (chunk, _encoding, callback) => void ((cucumberSaid += String(chunk)), callback()) });
  try {
    await runCucumber({ ...runConfiguration, support }, { cwd: CWD, stdout: discard, stderr: heldBack }, collector.onMessage);
  } finally {
    setRunContext(null);
  }
  if (collector.problems.length === 0 && cucumberSaid.trim()) process.stderr.write(cucumberSaid);
  const scenarioIds = ctx.plannedScenarios;
  return {
    problems: collector.problems.filter((p) => !p.internal).map((p) => `${p.uri}${p.line ? `:${p.line}` : ''}: ${p.message}`),
    internal: collector.problems.filter((p) => p.internal).map((p) => `${p.uri}${p.line ? `:${p.line}` : ''}: ${p.message}`),
    planned: ctx.planned,
    scenarioCount: scenarioIds.length,
    scenarioIds,
    runConfiguration,
    support,
    seed,
  };
}

/**
 * Support code (the steps) is loaded once per process and reused: Cucumber registers steps as files are required,
 * and a second loadSupport of the same files finds them in Node's require cache and registers nothing, so a
 * second plan in one process (tests, the fuzz suite) would see every step as undefined.
 */
const supportLibraries = new Map<string, Promise<ISupportCodeLibrary>>();

export function supportFor(runConfiguration: IRunConfiguration): Promise<ISupportCodeLibrary> {
  const key = JSON.stringify(runConfiguration.support);
  let library = supportLibraries.get(key);
  if (!library) {
    library = loadSupport(runConfiguration, { cwd: CWD, stderr: process.stderr });
    supportLibraries.set(key, library);
  }
  return library;
}

export async function runCucumberPass(runConfiguration: IRunConfiguration, support: ISupportCodeLibrary, ctx: RunContext): Promise<void> {
  const { allureFormatterFiles, allureFormatterOptions } = await import('../report/allure/formatter');
  setRunContext(ctx);
  // Cucumber's own verdicts are not ours (an expected failure is fine): its output goes to the run's
  // message file for the record, and our console summary speaks for the run.
  await runCucumber(
    {
      ...runConfiguration,
      formats: {
        stdout: 'summary',
        files: { [resolve(ctx.runDir, 'cucumber-messages.ndjson')]: 'message', ...allureFormatterFiles() },
        publish: false,
        options: allureFormatterOptions(ctx.runDir),
      },
      support,
    },
    { cwd: CWD, stdout: discard, stderr: process.stderr },
  );
}

function newContext(
  env: Environment,
  mode: RunMode,
  log: (line: string) => void,
  run: { runId: string; runDir: string; journal: Journal } | null,
  seed: number,
  progress?: RunProgress,
): RunContext {
  const ctx: RunContext = {
    runId: run?.runId ?? 'plan',
    runDir: run?.runDir ?? '',
    env,
    mode,
    seed,
    journal: run?.journal ?? null,
    interruption: new AbortController(),
    scenarios: [],
    planned: [],
    plannedScenarios: [],
    log,
    ...(progress ? { progress } : {}),
  };
  setRunContext(ctx);
  return ctx;
}

/** Scenarios the plan had but the run never finished (interrupted): they count as aborted. */
function notStarted(planned: PlanResult['scenarioIds'], ctx: RunContext): ScenarioSummary[] {
  const done = new Set(ctx.scenarios.map((s) => s.id));
  const reason = ctx.interruption.signal.aborted ? `not run: the run was interrupted (${String(ctx.interruption.signal.reason)})` : 'not run';
  const at = new Date().toISOString();
  return planned.filter((meta) => !done.has(meta.id)).map((meta) => notRunSummary(meta, 'aborted', reason, at));
}

/** reportInternal: a step failed while planning with an error that is not bad input — a bug, exit 3 like any internal error. */
function reportInternal(problems: string[], log: (line: string) => void): number {
  log(`internal error: ${problems.length} step(s) failed while planning with an error that is not bad input; nothing was touched. Please report it:`);
  for (const problem of problems) log(problem);
  return 3;
}

function reportProblems(problems: string[], log: (line: string) => void): number {
  log(`bad input: ${problems.length} problem(s) found while planning; nothing was touched.`);
  for (const problem of problems) log(problem);
  return 2;
}

function printPlan(env: Environment, planned: PlannedAction[], scenarioCount: number, log: (line: string) => void): void {
  log(`plan for environment ${env.name} (${env.sourcePath}): ${scenarioCount} scenario(s); nothing was touched`);
  let current = '';
  for (const action of planned) {
    if (action.scenario !== current) {
      current = action.scenario;
      log(`\n${current}`);
    }
    log(`  - ${action.action}`);
  }
}
