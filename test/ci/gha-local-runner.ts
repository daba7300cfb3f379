/**
 * runJobLocally: runs one job of a GitHub Actions workflow on this machine, step by step, the way a runner does —
 * for the test that the project's nightly workflow, run for real, ends with the gate's result. `run:` steps run
 * in `bash -e` (GitHub's default shell) with the job's and step's env, `${{ }}` expressions, `if:` conditions,
 * `continue-on-error`, and the GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files. `uses:` steps (GitHub-hosted
 * actions) run only through a stand-in the caller gives, or are skipped with the caller's reason; an action without
 * either is an error, so a new action in the workflow cannot pass unnoticed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { condition, ExpressionContext, interpolate } from './gha-expressions';

export interface WorkflowStep {
  name?: string;
  id?: string;
  if?: unknown;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: boolean;
  shell?: string;
}

export interface StepResult {
  name: string;
  id?: string;
  outcome: 'success' | 'failure' | 'skipped';
  exitCode: number | null;
  /** Why a step did not run: its condition, or the caller's reason for an action. */
  skipped?: string;
  output: string;
}

export interface LocalJob {
  steps: StepResult[];
  /** success unless a step failed without continue-on-error. */
  conclusion: 'success' | 'failure';
  stepSummary: string;
  runnerTemp: string;
}

export interface LocalJobOptions {
  workflowFile: string;
  job: string;
  /** One matrix combination (the job's matrix is not expanded here). */
  matrix: Record<string, string>;
  inputs?: Record<string, string>;
  secrets?: Record<string, string>;
  cwd: string;
  /** Extra process environment (PATH, ...). */
  env?: Record<string, string>;
  /** A stand-in for an action (`uses:`), given its evaluated `with:`; returns the step's exit code. */
  actions?: Record<string, (inputs: Record<string, string>) => Promise<number> | number>;
  /** Steps (by id or action) not to run, with the reason, e.g. `install: node_modules is this checkout's`. */
  skip?: Record<string, string>;
}

function readKeyValueFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] as string);
      out[heredoc[1] as string] = value.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/**
 * bash: a run: step's script the way GitHub runs it: `shell: bash` is `bash --noprofile --norc -eo pipefail`, no
 * shell given is `bash -e` (no pipefail). Other shells are not supported here.
 */
function bash(script: string, shell: string | undefined, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  if (shell !== undefined && shell !== 'bash') throw new Error(`shell ${shell} is not supported by the local runner`);
  const flags = shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail'] : ['-e'];
  return new Promise((resolve) => {
    const child = spawn('bash', [...flags, '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const asStrings = (record: Record<string, unknown> | undefined, ctx: ExpressionContext): Record<string, string> =>
  Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), ctx)]));

export async function runJobLocally(options: LocalJobOptions): Promise<LocalJob> {
  type Defaults = { run?: { shell?: string } };
  const workflow = parse(readFileSync(options.workflowFile, 'utf8')) as {
    env?: Record<string, unknown>;
    defaults?: Defaults;
    jobs: Record<string, { env?: Record<string, unknown>; defaults?: Defaults; steps: WorkflowStep[] }>;
  };
  const job = workflow.jobs[options.job];
  if (!job) throw new Error(`${options.workflowFile} has no job ${options.job}`);
  const runnerTemp = mkdtempSync(join(tmpdir(), 'gha-runner-'));
  const files = { output: join(runnerTemp, 'output'), env: join(runnerTemp, 'env'), summary: join(runnerTemp, 'step-summary.md') };
  writeFileSync(files.summary, '');
  const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const ctx: ExpressionContext = {
    contexts: { matrix: options.matrix, inputs: options.inputs ?? {}, secrets: options.secrets ?? {}, steps, runner: { temp: runnerTemp, os: 'Linux' }, env: {} },
    jobFailed: false,
  };
  // Workflow env, then job env, each evaluated with what came before.
  const jobEnv: Record<string, string> = {};
  for (const level of [workflow.env, job.env]) {
    for (const [k, v] of Object.entries(level ?? {})) {
      ctx.contexts.env = { ...jobEnv };
      jobEnv[k] = interpolate(String(v ?? ''), ctx);
    }
  }
  const results: StepResult[] = [];
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    ctx.contexts.env = { ...jobEnv };
    const skipReason = (step.id && options.skip?.[step.id]) || (step.uses && options.skip?.[step.uses.split('@')[0] as string]);
    let result: StepResult;
    if (!condition(step.if, ctx)) result = { name, outcome: 'skipped', exitCode: null, skipped: `if: ${String(step.if ?? 'success()')} is false`, output: '' };
    else if (skipReason) result = { name, outcome: 'skipped', exitCode: null, skipped: skipReason, output: '' };
    else if (step.uses) {
      const action = options.actions?.[step.uses.split('@')[0] as string];
      if (!action) throw new Error(`step "${name}" uses ${step.uses}, which has no local stand-in and no skip reason`);
      const code = await action(asStrings(step.with, ctx));
      result = { name, outcome: code === 0 ? 'success' : 'failure', exitCode: code, output: '' };
    } else {
      writeFileSync(files.output, '');
      writeFileSync(files.env, '');
      const env = { ...process.env, ...options.env, ...jobEnv, ...asStrings(step.env, ctx), CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: files.output, GITHUB_ENV: files.env, GITHUB_STEP_SUMMARY: files.summary, GITHUB_WORKSPACE: options.cwd, RUNNER_TEMP: runnerTemp } as Record<string, string>;
      const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
      const { code, output } = await bash(interpolate(step.run ?? '', ctx), shell, options.cwd, env);
      result = { name, outcome: code === 0 ? 'success' : 'failure', exitCode: code, output };
      Object.assign(jobEnv, readKeyValueFile(files.env));
      if (step.id) steps[step.id] = { outputs: readKeyValueFile(files.output), outcome: result.outcome, conclusion: result.outcome };
    }
    if (step.id) {
      steps[step.id] ??= { outputs: {}, outcome: result.outcome, conclusion: result.outcome };
      steps[step.id]!.outcome = result.outcome;
      steps[step.id]!.conclusion = result.outcome === 'failure' && step['continue-on-error'] ? 'success' : result.outcome;
    }
    if (result.outcome === 'failure' && !step['continue-on-error']) ctx.jobFailed = true;
    if (step.id) result.id = step.id;
    results.push(result);
  }
  return { steps: results, conclusion: ctx.jobFailed ? 'failure' : 'success', stepSummary: readFileSync(files.summary, 'utf8'), runnerTemp };
}
