/**
 * bench:startup — how long does a person wait for `scs-chaos --help` and for `scs-chaos plan` of one lab
 * feature, against `node -e 0` measured in the same run (so a loaded machine shows as a high node figure, not as
 * a slow scs-chaos)? Each command runs REPS times, one after another, as a fresh process through bin/scs-chaos.js,
 * exactly as an SRE calls it; the figures are medians of wall-clock seconds. `plan` reads the lab's nodes
 * read-only (nft --check) when the lab is up, and reports "could not ask" when it is not; both are fine here.
 * Targets on an idle 2-core machine (issue 17): --help < 0.6 s, plan < 1.5 s.
 * Last line: {"helpSeconds": …, "planSeconds": …, "nodeSeconds": …, "helpRatioToNode": …, "planRatioToNode": …}.
 *   usage: npm run bench:startup [-- --reps N] [-- --feature FILE]
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'scs-chaos.js');
const HELP_TARGET_SECONDS = 0.6;
const PLAN_TARGET_SECONDS = 1.5;

/** seconds: the median wall-clock time of REPS runs of `node ARGS`; a run that exits otherwise than `wantCode` fails the bench. */
function seconds(args: string[], reps: number, wantCode: number): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    times.push((performance.now() - started) / 1000);
    if (run.status !== wantCode) throw new Error(`node ${args.join(' ')} exited ${String(run.status)} (expected ${wantCode}):\n${run.stderr}`);
  }
  return median(times);
}

function main(): void {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '7' }, feature: { type: 'string', default: 'features/lab/isolate-node.feature' } } });
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1 || reps > 100) throw new Error(`--reps ${values.reps}: give a whole number from 1 to 100`);
  // One warm-up of each, so the first figure does not carry the page cache filling.
  seconds(['-e', '0'], 1, 0);
  seconds([BIN, '--help'], 1, 0);
  const nodeSeconds = seconds(['-e', '0'], reps, 0);
  const helpSeconds = seconds([BIN, '--help'], reps, 0);
  const planSeconds = seconds([BIN, 'plan', values.feature], reps, 0);
  const figures = {
    reps,
    feature: values.feature,
    nodeSeconds: round3(nodeSeconds),
    helpSeconds: round3(helpSeconds),
    planSeconds: round3(planSeconds),
    helpRatioToNode: round2(helpSeconds / nodeSeconds),
    planRatioToNode: round2(planSeconds / nodeSeconds),
    helpTargetMet: helpSeconds < HELP_TARGET_SECONDS,
    planTargetMet: planSeconds < PLAN_TARGET_SECONDS,
    loadAverage1m: round2(loadavg()[0] ?? 0),
  };
  process.stdout.write(`node -e 0              ${figures.nodeSeconds.toFixed(3)} s (median of ${reps})\n`);
  process.stdout.write(`scs-chaos --help       ${figures.helpSeconds.toFixed(3)} s  ${figures.helpRatioToNode}× node  (target < ${HELP_TARGET_SECONDS} s: ${figures.helpTargetMet ? 'met' : 'NOT met'})\n`);
  process.stdout.write(`scs-chaos plan <1 f.>  ${figures.planSeconds.toFixed(3)} s  ${figures.planRatioToNode}× node  (target < ${PLAN_TARGET_SECONDS} s: ${figures.planTargetMet ? 'met' : 'NOT met'})\n`);
  process.stdout.write(`load average (1 min)   ${figures.loadAverage1m} on ${cpus().length} cores (the targets are for an idle machine)\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:startup: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
