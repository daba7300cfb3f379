/**
 * Input checks of `run` and `plan` that come before anything else — before the environment is read, before
 * Cucumber loads a step, before a node is asked anything: the profile exists, the reports directory can be
 * written, every feature path exists. Each refusal is BadInput (exit 2) with a `fix:` line.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import parseTagExpression from '@cucumber/tag-expressions';
import { BadInput, errorMessage } from '../kernel/errors';

/** cucumberProfiles: the profile names cucumber.js in `cwd` defines (none when there is no cucumber.js). */
export function cucumberProfiles(cwd: string): string[] {
  const file = join(cwd, 'cucumber.js');
  if (!existsSync(file)) return [];
  let profiles: unknown;
  try {
    // cucumber.js is plain CommonJS that exports the profiles (the same file Cucumber itself loads).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file, loaded as Cucumber loads it
    profiles = require(file);
  } catch (error) {
    throw new BadInput(`cannot load ${file}: ${errorMessage(error)}`, { file }, 'fix the JavaScript of cucumber.js (node cucumber.js shows the error)');
  }
  if (typeof profiles !== 'object' || profiles === null) return [];
  return Object.keys(profiles as Record<string, unknown>).filter((name) => name !== '__esModule');
}

/** requireProfile: `name` is a profile of cucumber.js in `cwd`, or BadInput listing the profiles there are. */
export function requireProfile(cwd: string, name: string): void {
  const profiles = cucumberProfiles(cwd);
  if (profiles.includes(name)) return;
  throw new BadInput(
    `--profile ${name}: there is no such profile in ${join(cwd, 'cucumber.js')}`,
    undefined,
    profiles.length ? `use one of: ${profiles.join(', ')}` : 'run scs-chaos from the project directory (where cucumber.js is), or leave out --profile',
  );
}

/**
 * requireWritableReports: the reports directory exists or can be made, and a file can be written in it. Checked
 * first: a run that learns at its end that it cannot write its reports has touched the nodes for nothing.
 * The probe file is removed again; the directory, if it had to be made, stays (the run writes into it).
 */
export function requireWritableReports(dir: string): void {
  const fix = 'give --reports a directory this user can write, e.g. --reports reports or --reports /tmp/scs-chaos-reports';
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new BadInput(`--reports ${dir} is a file, not a directory`, undefined, fix);
    makeDirectory(dir);
    const probe = join(dir, `.scs-chaos-write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    if (error instanceof BadInput) throw error;
    throw new BadInput(`--reports ${dir} cannot be written: ${errorMessage(error)}`, undefined, fix);
  }
}

/**
 * makeDirectory: `mkdir -p` one level at a time. Node's own `mkdirSync(dir, { recursive: true })` never returns
 * for a path under /proc (it retries the ENOENT the kernel answers forever): `--reports /proc/x` hung the run.
 */
function makeDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** requireFeaturePaths: every feature path given on the command line exists (a file, a directory or a glob's base). */
export function requireFeaturePaths(cwd: string, paths: readonly string[]): void {
  const missing = paths.filter((path) => {
    const withoutLine = path.replace(/(:\d+)+$/, ''); // features/x.feature:12 selects a scenario by line
    if (/[*?[{]/.test(withoutLine)) return false; // a glob: Cucumber expands it, an empty match is "no scenario"
    return !existsSync(resolve(cwd, withoutLine));
  });
  if (missing.length === 0) return;
  throw new BadInput(
    `${missing.length === 1 ? 'the feature path' : 'feature paths'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`,
    undefined,
    'give existing .feature files or directories, e.g. features/lab or features/lab/isolate-node.feature',
  );
}

/** requireSelection: --tags is a tag expression Cucumber can read and --name a regular expression (checked before Cucumber runs). */
export function requireSelection(tags: string | undefined, name: string | undefined): void {
  if (tags !== undefined) {
    try {
      parseTagExpression(tags);
    } catch (error) {
      throw new BadInput(`--tags "${tags}" is not a tag expression: ${errorMessage(error)}`, undefined, 'write tags joined by and/or/not with balanced parentheses, e.g. --tags "@lab and not @wip"');
    }
  }
  if (name !== undefined) {
    try {
      new RegExp(name);
    } catch (error) {
      throw new BadInput(`--name "${name}" is not a regular expression: ${errorMessage(error)}`, undefined, 'give part of a scenario name, e.g. --name isolat (regular-expression characters like ( [ * need a backslash)');
    }
  }
}

/** requireScenarios: a selection of no scenario is refused (a typo in a tag or path must not pass as "all passed"), unless allowed. */
export function requireScenarios(count: number, selection: { paths: readonly string[]; tags?: string; name?: string; profile: string }, allowEmpty: boolean): void {
  if (count > 0 || allowEmpty) return;
  const parts = [selection.paths.length ? `paths ${selection.paths.join(', ')}` : `the paths of profile ${selection.profile}`];
  if (selection.tags) parts.push(`tags "${selection.tags}"`);
  if (selection.name) parts.push(`name /${selection.name}/`);
  throw new BadInput(
    `no scenario selected: ${parts.join(', ')} match no scenario`,
    undefined,
    'check the feature paths, --tags and --name (a feature file without a Scenario selects nothing); pass --allow-empty where an empty selection is fine',
  );
}
