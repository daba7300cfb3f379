/**
 * The deterministic split of a run's planned scenarios into N shards (issue 16, part 2; docs/decisions/0156).
 *
 * The rule, in three steps:
 *  1. Order: scenarios are sorted by feature path (plain string order, as `LC_ALL=C sort` would), then by line
 *     number (numerically) — never by the order Cucumber or the shell listed them, so the same selection always
 *     gives the same split.
 *  2. Cut: the ordered list is cut into N contiguous blocks whose sizes differ by at most one; the first
 *     (count mod N) blocks take the one extra. Contiguous blocks keep a feature's scenarios together (each shard
 *     selects few files), and a scenario is never split: it is the unit.
 *  3. Select: a shard is run by the existing `scs-chaos run` with one `FEATURE:LINE[:LINE...]` argument per feature
 *     file — Cucumber's own selection by line (the line of the Scenario, or of an Examples row for an outline),
 *     which selects exactly the scenarios whose id (`<feature>:<line>`) the shard holds.
 * More shards than scenarios: clamped to one scenario per shard, with a note (an empty shard would be a pod that
 * does nothing but still counts as a run). Fewer than one, or not a whole number: bad input.
 */
import { BadInput } from '../../kernel/errors';

/** PlannedScenario: what the plan pass (src/cli/run.ts planPass) knows of a scenario. */
export interface PlannedScenario {
  id: string;
  name: string;
  feature: string;
  line: number;
  tags: string[];
}

export interface Shard {
  /** 0-based, as JOB_COMPLETION_INDEX of an Indexed Job. */
  index: number;
  scenarios: PlannedScenario[];
  /** The feature arguments of `scs-chaos run` that select exactly this shard's scenarios. */
  featureArgs: string[];
}

export interface ShardPlan {
  /** The shard count asked for. */
  requested: number;
  shards: Shard[];
  /** Set when the count was clamped to the number of scenarios. */
  note?: string;
}

/** The most shards a split makes (an Indexed Job's completions are bounded; 1000 pods is already a lot). */
export const MAX_SHARDS = 1000;

/** parseShardCount: the --shards value as a whole number 1..MAX_SHARDS, or BadInput with the fix. */
export function parseShardCount(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new BadInput(`--shards ${text} is not a shard count`, undefined, `give a whole number from 1 to ${MAX_SHARDS}, e.g. --shards 4`);
  }
  return count;
}

/** compareScenarios: the order of step 1 — feature path (code-unit order), then line. */
export function compareScenarios(a: PlannedScenario, b: PlannedScenario): number {
  if (a.feature !== b.feature) return a.feature < b.feature ? -1 : 1;
  return a.line - b.line;
}

/** featureArgsOf: `FEATURE:LINE:LINE` per feature file, in the order of step 1. */
export function featureArgsOf(scenarios: readonly PlannedScenario[]): string[] {
  const lines = new Map<string, number[]>();
  for (const scenario of [...scenarios].sort(compareScenarios)) {
    const list = lines.get(scenario.feature) ?? [];
    if (!list.includes(scenario.line)) list.push(scenario.line);
    lines.set(scenario.feature, list);
  }
  return [...lines].map(([feature, list]) => `${feature}:${list.join(':')}`);
}

/** splitIntoShards: the split of the rule above; `count` is a whole number >= 1 (parseShardCount). */
export function splitIntoShards(scenarios: readonly PlannedScenario[], count: number): ShardPlan {
  if (!Number.isSafeInteger(count) || count < 1) throw new BadInput(`${count} shards: a split needs a whole number of shards, at least 1`, undefined, 'give e.g. --shards 4');
  if (scenarios.length === 0) throw new BadInput('no scenario to split into shards', undefined, 'check the feature paths, --tags and --name: the selection is empty');
  const ordered = [...scenarios].sort(compareScenarios);
  for (let i = 1; i < ordered.length; i++) {
    if ((ordered[i] as PlannedScenario).id === (ordered[i - 1] as PlannedScenario).id) throw new BadInput(`scenario ${(ordered[i] as PlannedScenario).id} is planned twice`, undefined, 'name each feature file once on the command line');
  }
  const used = Math.min(count, ordered.length);
  const base = Math.floor(ordered.length / used);
  const extra = ordered.length % used;
  const shards: Shard[] = [];
  let start = 0;
  for (let index = 0; index < used; index++) {
    const size = base + (index < extra ? 1 : 0);
    const block = ordered.slice(start, start + size);
    start += size;
    shards.push({ index, scenarios: block, featureArgs: featureArgsOf(block) });
  }
  const plan: ShardPlan = { requested: count, shards };
  if (used < count) plan.note = `${count} shards asked for, but only ${ordered.length} scenario(s) are selected: ${used} shard(s) of one scenario each`;
  return plan;
}

/** describeShards: the split as lines for people (the plan printed by `k8s shards` and later by `k8s submit`). */
export function describeShards(plan: ShardPlan): string[] {
  const total = plan.shards.reduce((n, shard) => n + shard.scenarios.length, 0);
  const lines = [`${total} scenario(s) in ${plan.shards.length} shard(s) (sorted by feature path and line, cut into contiguous blocks)`];
  if (plan.note) lines.push(`note: ${plan.note}`);
  for (const shard of plan.shards) {
    lines.push(`shard ${shard.index}: ${shard.scenarios.length} scenario(s): scs-chaos run ${shard.featureArgs.join(' ')}`);
    for (const scenario of shard.scenarios) lines.push(`  - ${scenario.id}  ${scenario.name}`);
  }
  return lines;
}
