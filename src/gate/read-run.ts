/**
 * readRunSummary: loads reports/<run-id>/summary.json for the gate. The gate trusts only what it checked: a
 * missing or malformed summary is BadInput (exit 2) naming the file and what is wrong, never a silent pass.
 * The full contract is schemas/summary.schema.json; here only the fields the gate reads are checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import { VERDICTS, type RunSummary } from '../model/summary';

export function readRunSummary(runDir: string, what: 'run' | 'baseline'): RunSummary {
  const file = join(runDir, 'summary.json');
  const fix =
    what === 'run'
      ? 'pass the directory a run wrote, e.g. scs-chaos gate --policy ci/gate.yaml reports/<run-id> (default reports/latest)'
      : 'pass the directory of an earlier run with --baseline reports/<run-id>';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInput(`no readable summary.json for the ${what}: ${(error as Error).message}`, { file }, fix);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInput(`summary.json is not JSON: ${(error as Error).message}`, { file }, 'the run was cut off while writing its reports; run it again');
  }
  const problem = shapeProblem(data);
  if (problem) throw new BadInput(`summary.json does not match schemas/summary.schema.json: ${problem}`, { file }, 'pass a summary.json written by scs-chaos run');
  return data as RunSummary;
}

/** The first missing or mistyped field the gate relies on, or undefined. */
function shapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'not an object';
  if (typeof data.runId !== 'string') return 'runId is not a string';
  if (!Array.isArray(data.scenarios)) return 'scenarios is not a list';
  for (const [i, s] of data.scenarios.entries()) {
    const at = `scenarios[${i}]`;
    if (!isObject(s)) return `${at} is not an object`;
    if (typeof s.id !== 'string') return `${at}.id is not a string`;
    if (!Array.isArray(s.tags) || !s.tags.every((t) => typeof t === 'string')) return `${at}.tags is not a list of strings`;
    if (!(VERDICTS as readonly unknown[]).includes(s.verdict)) return `${at}.verdict ${JSON.stringify(s.verdict)} is not one of ${VERDICTS.join(', ')}`;
    if (typeof s.asExpected !== 'boolean') return `${at}.asExpected is not true or false`;
    if (!Array.isArray(s.recovery)) return `${at}.recovery is not a list`;
    for (const [j, r] of s.recovery.entries()) {
      if (!isObject(r) || typeof r.probe !== 'string' || !(r.recoverSeconds === null || typeof r.recoverSeconds === 'number')) {
        return `${at}.recovery[${j}] needs probe (string) and recoverSeconds (number or null)`;
      }
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
