/**
 * The `scs-chaos` command line (DESIGN.md section 10). Exit codes: 0 all passed (or as expected), 1 a
 * hypothesis was refuted, 2 bad input or configuration (nothing was touched), 3 compromised, 4 aborted.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redact } from '../kernel/secrets';
import { BadInput } from '../kernel/errors';
import type { RunOptions } from './run';
import { DEFAULT_ENV, parseFlags } from './flags';
import { requireFeaturePaths, requireProfile, requireSelection, requireWritableReports } from './input-checks';

const USAGE = `usage: scs-chaos <command> [options]

commands:
  run  [--env FILE] [--profile NAME] [--tags EXPR] [--name REGEXP] [--reports DIR] [--seed N]
       [--baseline RUN_DIR] [--pushgateway URL [--cloud NAME]] [--allow-empty] [FEATURE...]
                     plan, check, then run the scenarios; write reports/<run-id>/ (summary page index.html
                     compares recovery with --baseline; metrics pushed to a Pushgateway as job scs-chaos)
  run --env FILE --env FILE... [--parallel N] [run options] [FEATURE...]
                     the same features against several environments at once (at most N runs, default 4), one
                     run directory each, then their comparison in reports/compare-<time>/
  compare [--out DIR] RUN_DIR RUN_DIR...
                     runs side by side: one page (index.html) and compare.json with score, verdicts and recovery
                     times per scenario, differences highlighted (default DIR: compare-<time> beside the first run)
  plan [--env FILE] [--profile NAME] [--tags EXPR] [--name REGEXP] [--seed N] [--allow-empty] [FEATURE...]
                     resolve targets and validate every step; touch nothing. A selection of no scenario is
                     bad input (exit 2) unless --allow-empty
  lab up [--with ceph|kubernetes|ceph,kubernetes]|down|status [--env FILE]
                     the built-in lab (root): three web nodes behind haproxy
  demo [--with ceph] install the lab's packages, bring the lab up, run features/lab (and features/ceph), bring it
                     down, render the HTML reports
  sweep [--env FILE] remove every scs-chaos artefact found on the environment's nodes (no journal needed)
  rollback [--journal FILE]
                     undo every injection a journal holds as not reverted (default reports/latest/journal.jsonl)
  gate --policy FILE [--baseline RUN_DIR] [RUN_DIR]
                     pass (0) or fail (1) a run (default reports/latest) against a policy, e.g. ci/gate.yaml
  report [RUN_DIR] [--baseline RUN_DIR] [--history FILE]
                     write the HTML reports of a finished run (default reports/latest): plots, the summary page
                     RUN_DIR/index.html, and the Allure report in RUN_DIR/allure-report/ with trends from FILE
                     (default: history.jsonl beside the run directories)
  k8s shards --shards N [--json] [plan options] [FEATURE...]
                     plan, then print the deterministic split into N shards (sorted by feature and line, contiguous
                     blocks) with each shard's \`scs-chaos run FEATURE:LINE...\` arguments; --json: the shard plan
  k8s rbac [--namespace NS] [--env FILE] [--profile NAME] [--tags EXPR] [--name REGEXP] [FEATURE...]
                     print the least-privilege ServiceAccount, Roles and ClusterRoles (YAML) a run of the selected
                     scenarios needs in the environment's cluster (NS: the runner's namespace, default scs-chaos);
                     derived from the steps without asking the cluster
  k8s merge --out DIR [--plan FILE] RUN_DIR...
                     one run directory (summary, junit, Allure, journal, plots, index.html) of the shards' run
                     directories; a shard without a report counts its scenarios (from the shard plan FILE) as
                     compromised; exits as the merged summary says
  k8s submit --shards N [--namespace NS] [--image REF] [--parallelism P] [--deadline D] [--reports DIR]
       [plan options] [FEATURE...]
                     run the scenarios inside the environment's cluster as an Indexed Job, one pod per shard, P at
                     once (default: as many as scope.maxNodesAtOnce allows; they share it), under a ServiceAccount
                     with the RBAC of k8s rbac; collect and merge the shards' reports into DIR/<run-id>/, delete
                     every object again; exits as the merged summary says (4 when stopped)

defaults: --env ${DEFAULT_ENV}  --profile default  --reports reports
exit codes: 0 passed (or as expected), 1 hypothesis refuted, 2 bad input, 3 compromised, 4 aborted`;

/** log: progress lines on stderr, with every secret of the environment redacted (src/kernel/secrets.ts). */
const log = (line: string): void => {
  process.stderr.write(`${redact(line)}\n`);
};

/**
 * main: runs one command. Each command's modules are loaded only when it runs (docs/decisions/0103): `--help`
 * loads nothing but this file, `plan` never loads the report renderers, so a call pays only for what it uses.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        // Several --env: the same features against each environment (multi-run.ts); counted here so a plain run
        // loads nothing more.
        if (rest.filter((arg) => arg === '--env' || arg.startsWith('--env=')).length > 1) {
          await import('../kinds');
          return await (await import('./multi-run')).multiRunCommand(rest, (args) => runOptions('run', args), log);
        }
        const options = runOptions('run', rest);
        await import('../kinds');
        return await (await import('./run')).runCommand(options);
      }
      case 'plan': {
        const options = runOptions('plan', rest);
        await import('../kinds');
        return await (await import('./run')).planCommand(options);
      }
      case 'lab':
        await import('../kinds');
        return await (await import('./lab')).labCommand(rest, log);
      case 'demo':
        await import('../kinds');
        return await (await import('./demo')).demoCommand(rest, log);
      case 'sweep':
        await import('../kinds');
        return await (await import('./sweep')).sweepCommand(rest, log);
      case 'rollback':
        await import('../kinds');
        return await (await import('./rollback')).rollbackCommand(rest, log);
      case 'gate':
        return await (await import('../gate/command')).gateCommand(rest, (line) => process.stdout.write(`${line}\n`), log);
      case 'report':
        return await (await import('./report')).reportCommand(rest, log);
      case 'compare':
        return (await import('./compare')).compareCommand(rest, (line) => process.stdout.write(`${line}\n`));
      case 'k8s':
        return await (await import('./k8s/command')).k8sCommand(rest, { planOptions: (args) => runOptions('plan', args), out: (text) => void process.stdout.write(redact(text)), log });
      case undefined:
        process.stdout.write(`${USAGE}\n`);
        throw new BadInput('no command given', undefined, 'name a command, e.g. scs-chaos plan features/lab (scs-chaos --help lists them)');
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new BadInput(`unknown command "${command}"`, undefined, 'use one of: run, plan, lab, demo, sweep, rollback, gate, report, compare, k8s (scs-chaos --help)');
    }
  } catch (error) {
    if (error instanceof BadInput) {
      log(`scs-chaos: ${error.describe()}`);
      return 2;
    }
    throw error;
  } finally {
    // Shared ssh connections end with the command, so no ssh process outlives it (only a command that loaded
    // the ssh executor can have opened one).
    const ssh = require.cache[require.resolve('../executors/ssh')];
    if (ssh) await (ssh.exports as typeof import('../executors/ssh')).closeSshMasters();
    // Helper pods of kube-node executors are deleted the same way (their Jobs' deadline covers a killed runner).
    const kubeNode = require.cache[require.resolve('../executors/kube-node')];
    if (kubeNode) await (kubeNode.exports as typeof import('../executors/kube-node')).closeNodePods();
  }
}

/** baselineRunDirectory: a finished run directory to compare with, checked before anything runs. */
function baselineRunDirectory(path: string): string {
  const dir = resolve(path);
  if (!existsSync(join(dir, 'summary.json'))) {
    throw new BadInput(`--baseline ${path}: ${dir} has no summary.json`, undefined, 'give the directory of a finished run, e.g. --baseline reports/2026-11-20T02-00-00Z-ab12');
  }
  return realpathSync(dir);
}

function runOptions(command: 'run' | 'plan', args: string[]): RunOptions {
  const { values, positionals } = parseFlags(args, {
    env: { type: 'string' },
    profile: { type: 'string' },
    tags: { type: 'string' },
    name: { type: 'string' },
    reports: { type: 'string' },
    seed: { type: 'string' },
    baseline: { type: 'string' },
    pushgateway: { type: 'string' },
    cloud: { type: 'string' },
    'allow-empty': { type: 'boolean' },
  });
  // Checked before anything else, in this order: the profile, the feature paths, the reports directory (run only).
  const cwd = process.cwd();
  const profile = values.profile ?? 'default';
  requireProfile(cwd, profile);
  requireFeaturePaths(cwd, positionals);
  requireSelection(values.tags, values.name);
  const options: RunOptions = {
    envPath: resolve(values.env ?? DEFAULT_ENV),
    profile,
    paths: positionals,
    reportsDir: resolve(values.reports ?? 'reports'),
    allowEmpty: values['allow-empty'] === true,
    log,
  };
  if (command === 'run') requireWritableReports(options.reportsDir);
  if (values.tags) options.tags = values.tags;
  if (values.name) options.name = values.name;
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || seed >= 2 ** 32) throw new BadInput(`--seed ${values.seed} is not a seed`, undefined, 'give the whole number a run printed ("seed N"), 0 to 4294967295');
    options.seed = seed;
  }
  if (values.baseline !== undefined) options.baselineRunDir = baselineRunDirectory(values.baseline);
  if (values.cloud !== undefined && values.pushgateway === undefined) {
    throw new BadInput('--cloud names the cloud label of pushed metrics, but no --pushgateway was given', undefined, 'add --pushgateway http://HOST:9091, or leave out --cloud');
  }
  if (values.pushgateway !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(values.pushgateway)) throw new BadInput(`--pushgateway ${values.pushgateway} is not an http(s) URL`, undefined, 'give the Pushgateway base URL, e.g. --pushgateway http://pushgateway.monitoring:9091');
    options.pushgateway = { url: values.pushgateway, ...(values.cloud !== undefined ? { cloud: values.cloud } : {}) };
  }
  return options;
}
