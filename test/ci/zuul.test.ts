/**
 * Structural test of the Zuul job (ci/zuul/zuul.yaml and its playbooks). Zuul's own configuration schema lives in
 * its configloader, which imports the whole scheduler (google-re2, kazoo, SQLAlchemy, Kafka, boto3, ... about 50
 * packages), so it cannot run offline here (docs/decisions/0141). The attribute names and types below are copied
 * from zuul 14.3.0's zuul/configloader.py (JobParser.job_attributes, SemaphoreParser, ProjectParser); yamllint
 * checks the YAML itself (pipelines.test.ts). On top of the schema: what the job promises — one run per cloud
 * (a semaphore of max 1 per concrete job), no retries (attempts 1), a periodic pipeline, the playbooks exist, the
 * run playbook fails only on bad input and ends with the gate, the post-run names the Allure report and gate result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const REPO = join(__dirname, '..', '..');
const ZUUL = join(REPO, 'ci', 'zuul', 'zuul.yaml');

/** zuul 14.3.0 JobParser.job_attributes (+ name), without the internal _source_context/_start_mark. */
const JOB_ATTRIBUTES = new Set(['name', 'parent', 'final', 'abstract', 'protected', 'intermediate', 'requires', 'provides', 'failure-message', 'success-message',
  'failure-url', 'success-url', 'hold-following-changes', 'voting', 'semaphore', 'semaphores', 'tags', 'branches', 'files', 'secrets', 'irrelevant-files',
  'nodeset', 'pre-timeout', 'timeout', 'post-timeout', 'attempts', 'pre-run', 'post-run', 'run', 'cleanup-run', 'ansible-split-streams', 'ansible-version',
  'roles', 'required-projects', 'include-projects', 'exclude-projects', 'vars', 'extra-vars', 'host-vars', 'group-vars', 'include-vars', 'dependencies',
  'allowed-projects', 'override-branch', 'override-checkout', 'description', 'variant-description', 'post-review', 'match-on-config-updates',
  'workspace-scheme', 'workspace-checkout', 'deduplicate', 'failure-output', 'image-build-name', 'type', 'preserve-home-paths', 'secret-exposure', 'attribute-control']);
const BOOLEAN = ['final', 'abstract', 'protected', 'intermediate', 'hold-following-changes', 'voting', 'ansible-split-streams', 'post-review', 'match-on-config-updates'];
const INTEGER = ['pre-timeout', 'timeout', 'post-timeout', 'attempts'];
const STRING = ['name', 'parent', 'description', 'variant-description', 'failure-message', 'success-message', 'override-branch', 'override-checkout'];
/** ProjectParser: keys of a project that are not pipelines; a pipeline's contents. */
const PROJECT_KEYS = new Set(['name', 'description', 'templates', 'merge-mode', 'default-branch', 'vars', 'queue', 'branches']);
const PIPELINE_CONTENTS = new Set(['debug', 'fail-fast', 'jobs', 'parameters']);
const ITEM_TYPES = new Set(['pragma', 'pipeline', 'job', 'semaphore', 'project', 'project-template', 'nodeset', 'secret', 'queue', 'image', 'flavor', 'label', 'section', 'provider']);

type Map = Record<string, unknown>;
const isMap = (v: unknown): v is Map => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** zuulProblems: every way the configuration breaks the schema or the job's promises; empty when none. */
export function zuulProblems(items: unknown, repo: string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(items)) return ['the file is not a list of configuration items'];
  const jobs = new globalThis.Map<string, Map>();
  const semaphores = new globalThis.Map<string, Map>();
  const projects: Map[] = [];
  for (const [i, item] of items.entries()) {
    const keys = isMap(item) ? Object.keys(item) : [];
    if (keys.length !== 1 || !ITEM_TYPES.has(keys[0] as string)) {
      problems.push(`item ${i + 1} is not one of ${[...ITEM_TYPES].join(', ')}`);
      continue;
    }
    const [type] = keys as [string];
    const body = (item as Map)[type];
    if (!isMap(body)) {
      problems.push(`item ${i + 1} (${type}) is not a mapping`);
      continue;
    }
    if (type === 'job') jobs.set(String(body.name), body);
    if (type === 'semaphore') semaphores.set(String(body.name), body);
    if (type === 'project') projects.push(body);
  }
  for (const [name, job] of jobs) {
    for (const key of Object.keys(job)) if (!JOB_ATTRIBUTES.has(key)) problems.push(`job ${name}: "${key}" is not a Zuul job attribute`);
    for (const key of BOOLEAN) if (key in job && typeof job[key] !== 'boolean') problems.push(`job ${name}: ${key} must be true or false`);
    for (const key of INTEGER) if (key in job && !Number.isInteger(job[key])) problems.push(`job ${name}: ${key} must be a whole number`);
    for (const key of STRING) if (key in job && typeof job[key] !== 'string') problems.push(`job ${name}: ${key} must be a string`);
    if ('vars' in job && !isMap(job.vars)) problems.push(`job ${name}: vars must be a mapping`);
    if (job.parent !== undefined && !jobs.has(String(job.parent))) problems.push(`job ${name}: parent ${String(job.parent)} is not defined here`);
    for (const key of ['run', 'post-run', 'pre-run']) {
      for (const playbook of asList(job[key])) {
        const path = typeof playbook === 'string' ? playbook : isMap(playbook) ? String(playbook.name) : '';
        if (!existsSync(join(repo, path))) problems.push(`job ${name}: ${key} playbook ${path} does not exist`);
      }
    }
  }
  for (const [name, semaphore] of semaphores) {
    for (const key of Object.keys(semaphore)) if (key !== 'name' && key !== 'max') problems.push(`semaphore ${name}: "${key}" is not a semaphore attribute`);
    if (semaphore.max !== 1) problems.push(`semaphore ${name}: max must be 1 (one run per cloud at a time)`);
  }
  // Inherited attributes, as Zuul resolves them along parent:.
  const inherited = (job: Map, key: string): unknown => {
    for (let at: Map | undefined = job; at; at = at.parent ? jobs.get(String(at.parent)) : undefined) if (key in at) return at[key];
    return undefined;
  };
  const held = new globalThis.Map<string, string>();
  const concrete = [...jobs.entries()].filter(([, job]) => job.abstract !== true);
  for (const [name, job] of concrete) {
    const own = asList(inherited(job, 'semaphores') ?? inherited(job, 'semaphore')).map((s) => (isMap(s) ? String(s.name) : String(s)));
    if (own.length !== 1) problems.push(`job ${name}: holds ${own.length} semaphores, expected one (its cloud's)`);
    for (const semaphore of own) {
      if (!semaphores.has(semaphore)) problems.push(`job ${name}: semaphore ${semaphore} is not defined`);
      if (held.has(semaphore)) problems.push(`jobs ${held.get(semaphore)} and ${name} share semaphore ${semaphore}`);
      held.set(semaphore, name);
    }
    if (inherited(job, 'attempts') !== 1) problems.push(`job ${name}: attempts must be 1 (a destructive run is never retried)`);
    const vars = { ...(inherited(jobs.get(String(job.parent)) ?? {}, 'vars') as Map | undefined), ...(job.vars as Map | undefined) };
    if (!/^experiments\/environments\/.+\.ya?ml$/.test(String(vars.scs_chaos_env))) problems.push(`job ${name}: vars.scs_chaos_env must name an environment file`);
    if (typeof vars.scs_chaos_cloud !== 'string') problems.push(`job ${name}: vars.scs_chaos_cloud must name the cloud`);
  }
  const periodic = new Set<string>();
  for (const project of projects) {
    for (const [pipeline, contents] of Object.entries(project)) {
      if (PROJECT_KEYS.has(pipeline)) continue;
      if (!isMap(contents)) {
        problems.push(`project pipeline ${pipeline} is not a mapping`);
        continue;
      }
      for (const key of Object.keys(contents)) if (!PIPELINE_CONTENTS.has(key)) problems.push(`project pipeline ${pipeline}: "${key}" is not allowed`);
      for (const entry of asList(contents.jobs)) {
        const job = isMap(entry) ? Object.keys(entry)[0] : String(entry);
        if (!jobs.has(job as string)) problems.push(`project pipeline ${pipeline}: job ${job} is not defined`);
        if (pipeline.startsWith('periodic')) periodic.add(job as string);
      }
    }
  }
  for (const [name] of concrete) if (!periodic.has(name)) problems.push(`job ${name} runs in no periodic pipeline`);
  return problems;
}

const load = (): unknown => parse(readFileSync(ZUUL, 'utf8'));

test('the Zuul configuration fits Zuul\'s schema and keeps the job\'s promises', () => {
  assert.deepEqual(zuulProblems(load(), REPO), []);
});

test('the structural check finds a misspelt attribute, a retrying job, a missing semaphore and a job outside the periodic pipeline', () => {
  const items = load() as Map[];
  const jobB = items.find((i) => isMap(i.job) && (i.job as Map).name === 'scs-chaos-cloud-b')?.job as Map;
  const base = items.find((i) => isMap(i.job) && (i.job as Map).name === 'scs-chaos')?.job as Map;
  base['post_run'] = base['post-run'];
  jobB.attempts = 3;
  jobB.semaphores = 'scs-chaos-cloud-c';
  const project = items.find((i) => isMap(i.project))?.project as Map;
  (project['periodic-daily'] as Map).jobs = ['scs-chaos-cloud-a'];
  const problems = zuulProblems(items, REPO).join('\n');
  assert.match(problems, /job scs-chaos: "post_run" is not a Zuul job attribute/);
  assert.match(problems, /job scs-chaos-cloud-b: attempts must be 1/);
  assert.match(problems, /semaphore scs-chaos-cloud-c is not defined/);
  assert.match(problems, /job scs-chaos-cloud-b runs in no periodic pipeline/);
});

test('the run playbook fails only on bad input and ends with the gate; the post-run names the Allure report and the gate result', () => {
  const base = (load() as Map[]).find((i) => isMap(i.job) && (i.job as Map).name === 'scs-chaos')?.job as Map;
  const [play] = parse(readFileSync(join(REPO, String(base.run)), 'utf8')) as { hosts: string; tasks: Map[] }[];
  assert.equal(play?.hosts, 'runner', 'the play runs on the nodeset\'s node');
  const tasks = play?.tasks ?? [];
  const runTask = tasks.find((t) => String(t['ansible.builtin.shell'] ?? '').includes('scs-chaos run'));
  assert.equal(runTask?.failed_when, 'chaos_run.rc == 2');
  assert.match(String(tasks.at(-1)?.['ansible.builtin.command']), /^npx scs-chaos gate --policy /);
  const [post] = parse(readFileSync(join(REPO, String(base['post-run'])), 'utf8')) as { tasks: Map[] }[];
  const artifacts = JSON.stringify(post?.tasks.find((t) => 'zuul_return' in t));
  assert.match(artifacts, /allure-report\/index\.html/);
  assert.match(artifacts, /gate\.json/);
});
