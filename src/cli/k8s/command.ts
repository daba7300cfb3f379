/**
 * `scs-chaos k8s …`: the pieces of running features inside a Kubernetes cluster (issue 16 part 2,
 * docs/decisions/0156). `shards` prints the deterministic split of the planned scenarios, `rbac` the least-privilege
 * RBAC the planned steps need, `merge` makes one run directory of the shards' run directories, and `submit` runs
 * the shards in the cluster as an Indexed Job and merges what they report (submit/, docs/decisions/0158).
 */
import { readFileSync } from 'node:fs';
import { BadInput, errorMessage } from '../../kernel/errors';
import type { ScenarioMeta } from '../../model/scenario';
import type { RunOptions } from '../run';
import { parseFlags } from '../flags';
import { describeShards, parseShardCount, splitIntoShards } from './shards';
import { takeFlags } from './take-flags';

export interface K8sIo {
  /** The checks and defaults of `plan` (main.ts runOptions('plan', …)). */
  planOptions: (args: string[]) => RunOptions;
  /** Results (stdout): the YAML, the JSON, the split. */
  out: (text: string) => void;
  /** Progress and notes (stderr). */
  log: (line: string) => void;
}

export async function k8sCommand(args: string[], io: K8sIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'shards':
      return shardsCommand(rest, io);
    case 'rbac':
      return (await import('./rbac-command')).rbacCommand(rest, io);
    case 'merge':
      return mergeCommand(rest, io);
    case 'submit':
      return (await import('./submit/submit')).submitCommand(rest, io);
    default:
      throw new BadInput(sub === undefined ? 'k8s needs a subcommand' : `unknown k8s subcommand "${sub}"`, undefined, 'use one of: k8s shards, k8s rbac, k8s merge, k8s submit (scs-chaos --help)');
  }
}

/** `k8s shards --shards N [--json] [plan options] [FEATURE...]`: plans, then prints the split (JSON: the shard plan merge reads). */
async function shardsCommand(args: string[], io: K8sIo): Promise<number> {
  const taken = takeFlags(args, ['shards'], ['json']);
  const count = taken.values.get('shards');
  if (count === undefined) throw new BadInput('k8s shards needs --shards N', undefined, 'give the number of shards, e.g. scs-chaos k8s shards --shards 4 features/lab');
  const shardCount = parseShardCount(count);
  const options = io.planOptions(taken.rest);
  await import('../../kinds');
  const checked = await (await import('../run')).checkedPlan(options);
  if (typeof checked === 'number') return checked;
  const plan = splitIntoShards(checked.plan.scenarioIds, shardCount);
  if (taken.booleans.has('json')) {
    io.out(`${JSON.stringify({ environment: checked.env.name, seed: checked.plan.seed, ...plan }, null, 2)}\n`);
    if (plan.note) io.log(`note: ${plan.note}`);
  } else {
    io.out(`${describeShards(plan).join('\n')}\n`);
  }
  return 0;
}

/** The shard plan `k8s shards --json` printed: the scenarios every shard was given, and the environment. */
function readShardPlan(file: string): { expected: ScenarioMeta[]; environment?: string } {
  const fix = 'give the file `scs-chaos k8s shards --shards N --json ... > FILE` wrote';
  let data: { environment?: unknown; shards?: { scenarios?: ScenarioMeta[] }[] };
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } catch (error) {
    throw new BadInput(`--plan ${file}: ${errorMessage(error)}`, undefined, fix);
  }
  if (!Array.isArray(data.shards) || !data.shards.every((s) => Array.isArray(s.scenarios))) throw new BadInput(`--plan ${file} holds no shards with scenarios`, undefined, fix);
  const expected = data.shards.flatMap((s) => s.scenarios ?? []);
  return { expected, ...(typeof data.environment === 'string' ? { environment: data.environment } : {}) };
}

/** `k8s merge --out DIR [--plan FILE] RUN_DIR...`: one run directory of the shards'; exits as the merged summary says. */
async function mergeCommand(args: string[], io: K8sIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { out: { type: 'string' }, plan: { type: 'string' } });
  if (values.out === undefined) throw new BadInput('k8s merge needs --out DIR', undefined, 'scs-chaos k8s merge --out reports/merged [--plan shards.json] RUN_DIR...');
  const plan = values.plan === undefined ? {} : readShardPlan(values.plan);
  const { mergeRuns } = await import('../../report/merge-runs');
  const { formatConsoleSummary } = await import('../../report/console-summary');
  const merged = await mergeRuns({ runDirs: positionals, outDir: values.out, log: io.log, ...plan });
  for (const failed of merged.failedShards) io.log(`shard without a report: ${failed}`);
  io.out(`\n${formatConsoleSummary(merged.summary)}\n`);
  io.log(`reports: ${merged.outDir}`);
  return merged.summary.exitCode;
}
