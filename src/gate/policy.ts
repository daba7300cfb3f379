/**
 * loadGatePolicy: reads a gate policy (e.g. ci/gate.yaml) into a validated GatePolicy. Every problem is a
 * BadInput naming the file, the line and the fix (exit 2), as the environment loader does; an unknown key is
 * refused, so a misspelt rule never passes a gate by being ignored.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { BadInput, type SourceLocation } from '../kernel/errors';

export interface GatePolicy {
  /** Each tag must be on at least one scenario credited in the score (as expected, not compromised or not-steady). */
  requiredTags: string[];
  /** Lowest acceptable resilience score 0..1; undefined: not checked. */
  minScore?: number;
  /** A recovery more than this many percent slower than the baseline's (same scenario id and probe) fails the gate. */
  maxRecoveryRegressionPercent: number;
  /**
   * Slower by at most this many seconds is never a regression: recovery edges are measured to half a sampling
   * period (docs/decisions/0021), so 0.1 s against a baseline of 0 s is noise, not a regression.
   */
  recoveryToleranceSeconds: number;
  /** False: any compromised scenario fails the gate (the experiment broke, so the run proves nothing). */
  allowCompromised: boolean;
  /** False: any not-steady scenario fails the gate (the cloud missed its SLOs before any fault). */
  allowNotSteady: boolean;
  /** Alert rules (issue 15, src/gate/alert-checks.ts): upper bounds in seconds; absent: not checked. */
  maxAlertSeconds?: number;
  maxResolveSeconds?: number;
  maxRemediationSeconds?: number;
}

/** The policy a file's absent keys take. */
export const DEFAULT_POLICY: Readonly<GatePolicy> = {
  requiredTags: [],
  maxRecoveryRegressionPercent: 25,
  recoveryToleranceSeconds: 0.5,
  allowCompromised: false,
  allowNotSteady: false,
};

const KEYS = ['requiredTags', 'minScore', 'maxRecoveryRegressionPercent', 'recoveryToleranceSeconds', 'allowCompromised', 'allowNotSteady', 'maxAlertSeconds', 'maxResolveSeconds', 'maxRemediationSeconds'] as const;
const TAG = /^@[^\s@]+$/;

export function loadGatePolicy(path: string): GatePolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadInput(`cannot read the gate policy: ${(error as Error).message}`, { file: path }, 'pass an existing policy file with --policy, e.g. --policy ci/gate.yaml');
  }
  return parseGatePolicy(text, path);
}

/** parseGatePolicy: validates policy YAML text; `file` is used in messages only. */
export function parseGatePolicy(text: string, file: string): GatePolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (node: unknown): SourceLocation => {
    const range = (node as YamlNode | undefined)?.range;
    if (!range) return { file };
    const pos = lines.linePos(range[0]);
    return { file, line: pos.line, column: pos.col };
  };
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new BadInput(`malformed YAML: ${first.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col }, 'fix the YAML syntax (indentation, a missing colon or quote)');
  }
  const root = doc.contents;
  if (!isMap(root)) throw new BadInput('a gate policy must be a mapping', where(root), `write keys such as ${KEYS.join(', ')}`);

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new BadInput(`unknown gate policy key "${key}"`, where(pair.key), `use only ${KEYS.join(', ')}`);
    }
  }
  const policy: GatePolicy = { ...DEFAULT_POLICY, requiredTags: [] };
  const tags = value(root, 'requiredTags');
  if (tags) {
    if (!isSeq(tags)) throw new BadInput('requiredTags must be a list', where(tags), 'write requiredTags: ["@failsafe-L1"]');
    for (const item of tags.items) {
      if (!isScalar(item) || typeof item.value !== 'string' || !TAG.test(item.value)) {
        throw new BadInput(`requiredTags: ${JSON.stringify(isScalar(item) ? item.value : String(item))} is not a tag`, where(item), 'write tags as in feature files, with the @, in quotes: "@failsafe-L1"');
      }
      policy.requiredTags.push(item.value);
    }
  }
  const minScore = number(root, 'minScore', where);
  if (minScore !== undefined) {
    if (minScore < 0 || minScore > 1) throw new BadInput(`minScore ${minScore} is outside 0..1`, where(value(root, 'minScore')), 'write the score as a share, e.g. minScore: 0.8 for 80 %');
    policy.minScore = minScore;
  }
  const percent = number(root, 'maxRecoveryRegressionPercent', where);
  if (percent !== undefined) {
    if (percent < 0) throw new BadInput(`maxRecoveryRegressionPercent ${percent} is negative`, where(value(root, 'maxRecoveryRegressionPercent')), 'write how many percent slower than the baseline is still accepted, e.g. 25');
    policy.maxRecoveryRegressionPercent = percent;
  }
  const tolerance = number(root, 'recoveryToleranceSeconds', where);
  if (tolerance !== undefined) {
    if (tolerance < 0) throw new BadInput(`recoveryToleranceSeconds ${tolerance} is negative`, where(value(root, 'recoveryToleranceSeconds')), 'write seconds of slack, e.g. 0.5');
    policy.recoveryToleranceSeconds = tolerance;
  }
  for (const key of ['maxAlertSeconds', 'maxResolveSeconds', 'maxRemediationSeconds'] as const) {
    const seconds = number(root, key, where);
    if (seconds === undefined) continue;
    if (seconds < 0) throw new BadInput(`${key} ${seconds} is negative`, where(value(root, key)), `write the bound in seconds, e.g. ${key}: 30`);
    policy[key] = seconds;
  }
  for (const key of ['allowCompromised', 'allowNotSteady'] as const) {
    const node = value(root, key);
    if (!node) continue;
    if (!isScalar(node) || typeof node.value !== 'boolean') throw new BadInput(`${key} must be true or false`, where(node), `write ${key}: false`);
    policy[key] = node.value;
  }
  return policy;
}

/** The node under `key`, or undefined when absent or null. */
function value(map: YAMLMap, key: string): YamlNode | undefined {
  const node = map.get(key, true) as YamlNode | undefined;
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return undefined;
  return node;
}

function number(map: YAMLMap, key: string, where: (node: unknown) => SourceLocation): number | undefined {
  const node = value(map, key);
  if (!node) return undefined;
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
    throw new BadInput(`${key} must be a number`, where(node), `write ${key}: <number>, without a unit or % sign`);
  }
  return node.value;
}
