/**
 * mergeRuns: the run directories of the shards of one sharded run (`scs-chaos k8s merge`, later `k8s submit`) made
 * into one run directory with the usual report files — summary.json, junit.xml, compliance files, Allure results,
 * scenario plots, journal.jsonl and index.html — written by the same code a local run uses (buildRunSummary,
 * finishRunReports), so verdicts, score and exit code are computed exactly as for a local run of the same scenarios.
 *
 * Never a silent pass: a shard directory without a readable summary.json contributes "not run" scenarios with the
 * verdict compromised — every scenario the shard plan (`--plan`, from `k8s shards --json`) expected and no shard
 * reported, or, without a plan, one placeholder scenario per such directory. A scenario reported by two shards, the
 * same directory twice, and shards of different environments are bad input. docs/decisions/0156.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BadInput } from '../kernel/errors';
import type { ScenarioMeta } from '../model/scenario';
import type { RunSummary, ScenarioSummary } from '../model/summary';
import { notRunSummary } from '../core/scenario-summary';
import { readRunSummary } from '../gate/read-run';
import { buildRunSummary } from './write-run';
import { finishRunReports } from './finish-run';
import { copyShardFiles, mergeJournals } from './merge-files';

export interface MergeOptions {
  /** The shards' run directories, in shard order. */
  runDirs: readonly string[];
  /** The merged run directory (created; it must be empty or new). */
  outDir: string;
  /** The merged run's id (default: the out directory's name). */
  runId?: string;
  /** Every scenario the shard plan holds: those no shard reports are "not run" (compromised). */
  expected?: readonly ScenarioMeta[];
  /** The environment's name when no shard left a summary to tell it (from the shard plan). */
  environment?: string;
  /** Shards that left no directory at all, each with why ("shard 2: pod ... failed"): named in the "not run" notes. */
  lost?: readonly string[];
  log: (line: string) => void;
}

export interface MergeResult {
  summary: RunSummary;
  outDir: string;
  /** Shard directories without a readable summary.json, each with why. */
  failedShards: string[];
}

interface ShardRead {
  dir: string;
  summary: RunSummary | null;
  problem?: string;
}

/** readShards: each directory checked (exists, named once) and its summary read; an unreadable one is a failed shard. */
function readShards(runDirs: readonly string[], allowNone: boolean): ShardRead[] {
  if (runDirs.length === 0 && !allowNone) throw new BadInput('merge needs at least one shard run directory', undefined, 'scs-chaos k8s merge --out reports/merged reports/shard-0 reports/shard-1 ...');
  const seen = new Map<string, string>();
  return runDirs.map((given) => {
    const dir = resolve(given);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadInput(`shard run directory ${given} does not exist`, undefined, 'name the directories the shards wrote (one per shard)');
    const real = realpathSync(dir);
    const twice = seen.get(real);
    if (twice !== undefined) throw new BadInput(`${given} and ${twice} are the same shard run directory`, undefined, 'name each shard directory once');
    seen.set(real, given);
    try {
      return { dir: real, summary: readRunSummary(real, 'run') };
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      return { dir: real, summary: null, problem: error.message };
    }
  });
}

/** sameValue: the one value every shard agrees on, or undefined when they differ (or none reported it). */
function sameValue<T>(values: readonly T[]): T | undefined {
  return values.length > 0 && values.every((v) => v === values[0]) ? values[0] : undefined;
}

/** mergedScenarios: every reported scenario once (a duplicate is bad input) plus the "not run" ones, in id order. */
function mergedScenarios(shards: readonly ShardRead[], expected: readonly ScenarioMeta[] | undefined, lost: readonly string[]): ScenarioSummary[] {
  const byId = new Map<string, { scenario: ScenarioSummary; dir: string }>();
  for (const shard of shards) {
    for (const scenario of shard.summary?.scenarios ?? []) {
      const earlier = byId.get(scenario.id);
      if (earlier) throw new BadInput(`scenario ${scenario.id} is reported by two shards: ${earlier.dir} and ${shard.dir}`, undefined, 'merge the shards of one split: each scenario belongs to exactly one shard (scs-chaos k8s shards prints the split)');
      byId.set(scenario.id, { scenario, dir: shard.dir });
    }
  }
  const failed = shards.filter((s) => s.summary === null);
  const why = [...failed.map((s) => `${basename(s.dir)}: ${s.problem ?? 'no summary.json'}`), ...lost].join('; ');
  const notRun: ScenarioSummary[] = [];
  if (expected) {
    for (const meta of expected) {
      if (byId.has(meta.id)) continue;
      notRun.push(notRunSummary(meta, 'compromised', `not run: no shard reported this scenario${why ? ` (shards without a report: ${why})` : ''}`));
    }
  } else {
    for (const shard of failed) {
      const meta = { id: `shard:${basename(shard.dir)}`, name: `shard ${basename(shard.dir)} left no report`, feature: shard.dir, line: 0, tags: [] };
      notRun.push(notRunSummary(meta, 'compromised', `not run: ${shard.problem ?? 'no summary.json'}; its scenarios are unknown without the shard plan (k8s merge --plan)`));
    }
  }
  return [...[...byId.values()].map((entry) => entry.scenario), ...notRun].sort((a, b) => (a.feature === b.feature ? a.line - b.line : a.feature < b.feature ? -1 : 1));
}

export async function mergeRuns(options: MergeOptions): Promise<MergeResult> {
  // No directory at all is fine when every shard is known lost: the plan still names each scenario "not run".
  const shards = readShards(options.runDirs, (options.lost?.length ?? 0) > 0 && options.expected !== undefined);
  const outDir = resolve(options.outDir);
  if (existsSync(outDir) && (!statSync(outDir).isDirectory() || readdirSync(outDir).length > 0)) {
    throw new BadInput(`--out ${options.outDir} exists and is not an empty directory`, undefined, 'give a new directory for the merged run, e.g. --out reports/merged-<time>');
  }
  const summaries = shards.flatMap((s) => (s.summary ? [s.summary] : []));
  const environments = [...new Set(summaries.map((s) => s.environment))];
  if (environments.length > 1) throw new BadInput(`the shard runs are of different environments (${environments.join(', ')})`, undefined, 'merge the shards of one run; put runs of different clouds side by side with scs-chaos compare');
  const scenarios = mergedScenarios(shards, options.expected, options.lost ?? []);
  mkdirSync(outDir, { recursive: true });
  for (const shard of shards) copyShardFiles(shard.dir, outDir);
  mergeJournals(shards.map((s) => s.dir), outDir);
  const seed = sameValue(summaries.map((s) => s.seed));
  const startedAt = summaries.map((s) => s.startedAt).sort()[0] ?? new Date().toISOString();
  const summary = buildRunSummary({ runId: options.runId ?? basename(outDir), environment: environments[0] ?? options.environment ?? 'unknown', startedAt, scenarios, ...(seed === undefined ? {} : { seed }) });
  await finishRunReports(outDir, summary, { log: options.log });
  const failedShards = shards.filter((s) => s.summary === null).map((s) => `${s.dir}: ${s.problem ?? 'no summary.json'}`);
  return { summary, outDir, failedShards };
}
