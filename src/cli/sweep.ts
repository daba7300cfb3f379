/**
 * `scs-chaos sweep [--env FILE]`: every registered target kind removes the scs-chaos artefacts it finds —
 * without any journal (nft tables, revert markers, expiry timers, stopped processes, labelled objects). For the
 * runner that died with its journal, or faults injected from another machine.
 */
import { resolve } from 'node:path';
import type { Environment } from '../model/environment';
import { loadEnvironment } from '../environment/load';
import { SweepOutcome, targetKinds } from '../core/kinds';
import { DEFAULT_ENV, parseFlags } from './flags';

export async function sweepCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, { env: { type: 'string' } });
  const env = loadEnvironment(resolve(values.env ?? DEFAULT_ENV));
  let failed = 0;
  for (const { where, lines, error } of await sweepEnvironment(env)) {
    if (error) {
      failed++;
      log(`${where}: could not sweep: ${error}`);
    } else {
      log(`${where}: ${lines.length ? lines.join('; ') : 'clean'}`);
    }
    failed += lines.filter((line) => line.startsWith('FAILED')).length;
  }
  return failed ? 3 : 0;
}

/** sweepEnvironment: the outcomes of every kind's sweep, in registration order. */
export async function sweepEnvironment(env: Environment): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  for (const kind of targetKinds()) if (kind.sweep) outcomes.push(...(await kind.sweep(env)));
  return outcomes;
}
