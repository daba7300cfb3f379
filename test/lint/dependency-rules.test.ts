/**
 * The dependency rules of `npm run lint` (.dependency-cruiser.cjs, docs/decisions/0102) can fail: for every rule,
 * dependency-cruiser runs with the repository's configuration on a fixture tree laid out like the real one
 * (test/lint/fixtures/<rule name>/src/...) that holds a violating import, and must exit non-zero and print that
 * rule with that import. The fixture `clean` holds the imports the rules allow and must pass.
 * Runs the same command line as `npm run lint:deps`, from the fixture's directory; the real src/ is never touched.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const FIXTURES = join(__dirname, 'fixtures');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(CONFIG) as {
  forbidden: { name: string; comment?: string; severity: string }[];
  options: { knownViolations?: { from: string; to: string; rule: { name: string } }[] };
};

/** One reported violation: the rule and the import, `to` a file, a package (matched by pattern) or a cycle. */
interface Violation { rule: string; from: string; to: string | RegExp }

/** A package as dependency-cruiser prints it from a fixture: its resolved file under the repository's node_modules. */
const pkg = (name: string) => new RegExp(`^(\\.\\./)+node_modules/${name.replace(/[/.]/g, '\\$&')}/`);

/** What each fixture must report; a fixture named after a rule must report that rule (overlaps are listed too). */
const EXPECTED: Record<string, Violation[]> = {
  clean: [],
  'kernel-imports-only-kernel': [
    { rule: 'kernel-imports-only-kernel', from: 'src/kernel/clock.ts', to: 'src/model/sample.ts' },
  ],
  'model-imports-only-kernel-and-model': [
    // a type-only import is a dependency too
    { rule: 'model-imports-only-kernel-and-model', from: 'src/model/results.ts', to: 'src/load/load-report.ts' },
  ],
  'slo-imports-only-kernel-model-slo': [
    { rule: 'slo-imports-only-kernel-model-slo', from: 'src/slo/evaluate.ts', to: 'src/probes/probe.ts' },
  ],
  'slo-no-io': [
    { rule: 'slo-no-io', from: 'src/slo/evaluate.ts', to: 'fs' },
    { rule: 'slo-no-io', from: 'src/slo/outage.ts', to: 'child_process' },
  ],
  'slo-no-npm': [
    { rule: 'slo-no-npm', from: 'src/slo/expression.ts', to: pkg('yaml') },
  ],
  'executors-import-only-kernel-model-executors': [
    { rule: 'executors-import-only-kernel-model-executors', from: 'src/executors/ssh.ts', to: 'src/core/injection.ts' },
  ],
  'core-imports-no-kind-cli-or-steps': [
    { rule: 'core-imports-no-kind-cli-or-steps', from: 'src/core/lifecycle.ts', to: 'src/kinds/hosts/selector.ts' },
    { rule: 'core-imports-no-kind-cli-or-steps', from: 'src/core/lifecycle.ts', to: 'src/cli/flags.ts' },
    { rule: 'core-imports-no-kind-cli-or-steps', from: 'src/core/journal.ts', to: 'steps/world.ts' },
    { rule: 'domain-imports-no-steps-or-cucumber', from: 'src/core/journal.ts', to: 'steps/world.ts' },
  ],
  'kinds-import-no-other-kind': [
    { rule: 'kinds-import-no-other-kind', from: 'src/kinds/ceph/faults/osd-restart.ts', to: 'src/kinds/hosts/service/stop.ts' },
  ],
  'kinds-import-no-report': [
    { rule: 'kinds-import-no-report', from: 'src/kinds/hosts/network/isolate.ts', to: 'src/report/junit.ts' },
  ],
  'slo-and-model-import-no-report': [
    { rule: 'slo-and-model-import-no-report', from: 'src/slo/recovery.ts', to: 'src/report/score.ts' },
    { rule: 'slo-and-model-import-no-report', from: 'src/model/verdicts.ts', to: 'src/report/score.ts' },
    { rule: 'slo-imports-only-kernel-model-slo', from: 'src/slo/recovery.ts', to: 'src/report/score.ts' },
    { rule: 'model-imports-only-kernel-and-model', from: 'src/model/verdicts.ts', to: 'src/report/score.ts' },
  ],
  'domain-imports-no-steps-or-cucumber': [
    { rule: 'domain-imports-no-steps-or-cucumber', from: 'src/probes/http-probe.ts', to: pkg('@cucumber/cucumber') },
    { rule: 'domain-imports-no-steps-or-cucumber', from: 'src/report/html/page.ts', to: pkg('allure-cucumberjs') },
    { rule: 'domain-imports-no-steps-or-cucumber', from: 'src/environment/load.ts', to: 'steps/world.ts' },
  ],
  'kernel-and-model-no-cycles': [
    { rule: 'kernel-and-model-no-cycles', from: 'src/model/phases.ts', to: 'src/model/verdicts.ts → src/model/phases.ts' },
  ],
  'src-imports-resolve': [
    { rule: 'src-imports-resolve', from: 'src/gate/policy.ts', to: './missing' },
  ],
};

interface Run { status: number; stdout: string; stderr: string }

/** `depcruise src --config <the repository's>` in a fixture's directory, as `npm run lint:deps` runs it. */
function cruise(fixture: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(DEPCRUISE, ['src', '--config', CONFIG], { cwd: join(FIXTURES, fixture), timeout: 60_000, env: { ...process.env, LINT_DEPS_ALL: '' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** The violations in dependency-cruiser's `err` output: "  error <rule>: <from> → <to>", a cycle over several lines. */
function parseViolations(output: string): { rule: string; from: string; to: string }[] {
  const found: { rule: string; from: string; to: string }[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (!current) return;
    const match = /^error (\S+): (.*)$/.exec(current.join(' ').replace(/\s+/g, ' ').trim());
    assert.ok(match, `unreadable violation: ${current.join('\n')}`);
    const [from, ...to] = match[2].split(' → ').map((part) => part.replace(/ →$/, '').trim()).filter(Boolean);
    found.push({ rule: match[1], from, to: to.join(' → ') });
    current = null;
  };
  for (const line of output.split('\n')) {
    if (/^\s+(error|warn|info) \S+:/.test(line)) { flush(); current = [line.trim()]; }
    else if (current && /^\s{4,}\S/.test(line)) current.push(line.trim());
    else flush();
  }
  flush();
  return found;
}

const matches = (actual: { rule: string; from: string; to: string }, expected: Violation) =>
  actual.rule === expected.rule && actual.from === expected.from &&
  (typeof expected.to === 'string' ? actual.to === expected.to : expected.to.test(actual.to));

// Every fixture is cruised once, a few at a time (each run starts Node and TypeScript: ~2 s).
let free = Math.max(2, availableParallelism());
const waiting: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (free > 0) free--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
}
const runs = new Map(Object.keys(EXPECTED).map((fixture) => [fixture, limited(() => cruise(fixture))]));
for (const run of runs.values()) run.catch(() => undefined); // awaited (and failed) by its test
const runOf = (fixture: string): Promise<Run> => runs.get(fixture)!;

describe('dependency rules (npm run lint)', () => {
  it('every rule states its reason and has a fixture that breaks it; every fixture is checked', () => {
    const rules = config.forbidden.map((rule) => rule.name);
    for (const rule of config.forbidden) {
      assert.ok((rule.comment ?? '').length > 40, `${rule.name} needs a comment stating the rule and the reason`);
      assert.equal(rule.severity, 'error', `${rule.name} must fail the lint`);
    }
    assert.deepEqual(Object.keys(EXPECTED).filter((fixture) => rules.includes(fixture)).sort(), [...rules].sort());
    assert.deepEqual(readdirSync(FIXTURES).sort(), Object.keys(EXPECTED).sort());
  });

  it('lists as known violations only imports of existing files under existing rules', () => {
    const rules = config.forbidden.map((rule) => rule.name);
    for (const known of config.options.knownViolations ?? []) {
      assert.ok(rules.includes(known.rule.name), `no rule ${known.rule.name}`);
      for (const file of [known.from, known.to]) assert.ok(existsSync(join(ROOT, file)), `${file} is gone: drop the entry`);
    }
  });

  it('passes the imports the rules allow (fixture "clean")', async () => {
    const run = await runOf('clean');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /no dependency violations found/);
  });

  for (const [fixture, expected] of Object.entries(EXPECTED)) {
    if (fixture === 'clean') continue;
    it(`fails on ${fixture}, naming the rule and the import`, async () => {
      const run = await runOf(fixture);
      const found = parseViolations(run.stdout);
      assert.notEqual(run.status, 0, `the lint must fail:\n${run.stdout}${run.stderr}`);
      assert.equal(run.status, expected.length, `one error per violation:\n${run.stdout}${run.stderr}`);
      for (const violation of expected) {
        assert.ok(found.some((actual) => matches(actual, violation)),
          `expected "${violation.rule}: ${violation.from} → ${String(violation.to)}" in:\n${run.stdout}`);
      }
      assert.equal(found.length, expected.length, `unexpected violations in:\n${run.stdout}`);
    });
  }
});
