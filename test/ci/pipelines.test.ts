/**
 * The pipeline files in ci/ pass their ecosystems' own linters, and each linter is shown to fail on a broken copy
 * (a linter that accepts anything proves nothing):
 * - GitHub Actions: actionlint (built through the Go module proxy into the cache by ci/lint/build-actionlint.sh;
 *   it checks the run: scripts with shellcheck when installed);
 * - GitLab CI: GitLab's JSON schema for .gitlab-ci.yml as gitlab-ci-local (npm, MIT) applies it offline;
 * - every YAML file in ci/: yamllint with ci/lint/yamllint.yaml.
 * Zuul has its own structural test (zuul.test.ts): the zuul package's schema cannot run offline (docs/decisions/0141).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onPath } from '../support/on-path';

const REPO = join(__dirname, '..', '..');
const CI = join(REPO, 'ci');
type Ran = { code: number; stdout: string; output: string };
const run = async (file: string, args: string[], options: { cwd?: string } = {}): Promise<Ran> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd: options.cwd ?? REPO, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', output: `${e.stdout ?? ''}${e.stderr ?? ''}${typeof e.code === 'string' ? e.code : ''}` };
  }
};
const filesIn = (dir: string, pattern: RegExp): string[] => readdirSync(join(CI, dir)).filter((f) => pattern.test(f)).map((f) => join(CI, dir, f));

function actionlint(): string {
  return execFileSync('bash', [join(CI, 'lint', 'build-actionlint.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

test('the GitHub Actions workflows pass actionlint, which fails a broken copy', { skip: onPath('go') || process.env.CI ? false : 'needs Go to build actionlint (or CI=true to fail without it)', timeout: 300_000 }, async () => {
  const binary = actionlint();
  const shellcheck = onPath('shellcheck') ? [] : ['-shellcheck='];
  const workflows = filesIn('github', /\.ya?ml$/);
  assert.ok(workflows.length > 0, 'ci/github holds the workflow');
  for (const workflow of workflows) {
    const result = await run(binary, [...shellcheck, workflow]);
    assert.equal(result.code, 0, `actionlint ${workflow}:\n${result.output}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  try {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, readFileSync(workflows[0] as string, 'utf8').replace('steps.gate.outcome', 'steps.gates.outcome'));
    const result = await run(binary, [...shellcheck, broken]);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /property "gates" is not defined/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** gitlabCiLocal: GitLab's schema check of one file, as gitlab-ci-local --list-json runs it in a scratch git repository. */
async function gitlabCiLocal(yaml: string): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-ci-'));
  try {
    writeFileSync(join(dir, '.gitlab-ci.yml'), yaml);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    // gitlab-ci-local's bundle calls Set.prototype.union (Node 22) although it declares Node >= 18: the polyfill adds it on Node 20.
    return await run(process.execPath, ['--require', join(__dirname, 'set-methods.cjs'), join(REPO, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js'), '--list-json', '--json-schema-validation'], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the GitLab CI template passes GitLab\'s schema, which fails a broken copy', { timeout: 120_000 }, async () => {
  const templates = filesIn('gitlab', /\.ya?ml$/);
  assert.ok(templates.length > 0, 'ci/gitlab holds the template');
  for (const template of templates) {
    const yaml = readFileSync(template, 'utf8');
    const valid = await gitlabCiLocal(yaml);
    assert.equal(valid.code, 0, `${template}:\n${valid.output}`);
    assert.match(valid.output, /json schema validated/);
    const jobs = JSON.parse(valid.stdout) as { name: string }[];
    assert.deepEqual(jobs.map((j) => j.name.split(':')[0]), ['scs-chaos', 'scs-chaos'], 'one job per cloud of the matrix');
    const broken = await gitlabCiLocal(yaml.replace('  retry: 0\n', '  retry: 0\n  retries: 0\n'));
    assert.notEqual(broken.code, 0, broken.output);
    assert.match(broken.output, /'retries' property is not expected/);
  }
});

test('every YAML file in ci/ passes yamllint, which fails a broken copy', { skip: onPath('yamllint') ? false : 'yamllint is not installed (lab/install-packages.sh --for-tests installs it)' }, async () => {
  const config = join(CI, 'lint', 'yamllint.yaml');
  const result = await run('yamllint', ['--strict', '-c', config, CI]);
  assert.equal(result.code, 0, result.output);
  const dir = mkdtempSync(join(tmpdir(), 'yamllint-'));
  try {
    copyFileSync(join(CI, 'zuul', 'zuul.yaml'), join(dir, 'zuul.yaml'));
    writeFileSync(join(dir, 'zuul.yaml'), readFileSync(join(dir, 'zuul.yaml'), 'utf8').replace('    max: 1\n', '    max: 1\n    max: 2\n'));
    const broken = await run('yamllint', ['--strict', '-c', config, join(dir, 'zuul.yaml')]);
    assert.notEqual(broken.code, 0, broken.output);
    assert.match(broken.output, /duplication of key "max"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
