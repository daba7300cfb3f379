/**
 * withLab: runs a benchmark against the built-in lab — brings the lab up when it is not, and takes it down
 * again afterwards only if this benchmark brought it up. Needs root.
 */
import '../../src/kinds';
import { join } from 'node:path';
import { labDown, labStatus, labUp } from '../../lab/lab';
import { loadEnvironment } from '../../src/environment/load';
import type { Environment } from '../../src/model/environment';

export const LAB_ENV_PATH = join(__dirname, '..', '..', 'experiments', 'environments', 'lab.yaml');

export async function withLab<T>(work: (env: Environment) => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) throw new Error('this benchmark needs root: it uses the built-in lab (network namespaces, nftables)');
  const env = loadEnvironment(LAB_ENV_PATH);
  const wasUp = (await labStatus(env)).up;
  if (!wasUp) await labUp(env, (line) => process.stderr.write(`${line}\n`));
  try {
    return await work(env);
  } finally {
    if (!wasUp) await labDown(env, (line) => process.stderr.write(`${line}\n`));
  }
}

/** median of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** percentileOf: nearest-rank percentile (p in 0..100) of numbers. */
export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
