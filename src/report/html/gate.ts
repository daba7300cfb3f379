/**
 * The release gate's result as the page shows it. `scs-chaos gate` records its result in summary.json under
 * "gate" (DESIGN.md section 10); RunSummary does not type it yet, so it is read defensively here: a boolean
 * `passed` (or a `result`/`verdict` string such as "passed"/"failed"), an optional `policy` name, and the lines
 * that explain it (`reasons`, `violations`, `failures` or `checks`: strings, or objects shown as JSON).
 */
import type { RunSummary } from '../summary-types';

/** GateView: `passed` is null when the gate object says neither passed nor failed. */
export interface GateView {
  passed: boolean | null;
  policy?: string;
  lines: string[];
}

const LINE_FIELDS = ['reasons', 'violations', 'failures', 'checks'] as const;

/** gateOf: the gate result of `summary`, or undefined when the run was not gated. */
export function gateOf(summary: RunSummary): GateView | undefined {
  const gate: unknown = (summary as unknown as Record<string, unknown>).gate;
  if (gate === undefined || gate === null) return undefined;
  if (typeof gate === 'boolean') return { passed: gate, lines: [] };
  if (typeof gate !== 'object' || Array.isArray(gate)) return { passed: null, lines: [JSON.stringify(gate)] };
  const fields = gate as Record<string, unknown>;
  const view: GateView = { passed: passedOf(fields), lines: [] };
  if (typeof fields.policy === 'string') view.policy = fields.policy;
  for (const field of LINE_FIELDS) {
    const value = fields[field];
    if (Array.isArray(value)) view.lines.push(...value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
  }
  if (view.passed === null && view.lines.length === 0) view.lines.push(JSON.stringify(gate));
  return view;
}

function passedOf(fields: Record<string, unknown>): boolean | null {
  if (typeof fields.passed === 'boolean') return fields.passed;
  const word = typeof fields.result === 'string' ? fields.result : typeof fields.verdict === 'string' ? fields.verdict : '';
  if (/^(pass|passed|ok|green)$/i.test(word)) return true;
  if (/^(fail|failed|blocked|red)$/i.test(word)) return false;
  return null;
}
