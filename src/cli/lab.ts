/** `scs-chaos lab up|down|status`: the built-in lab, built from the lab environment file. */
import { resolve } from 'node:path';
import { BadInput } from '../core/errors';
import { loadEnvironment } from '../environment/load';
import type { Environment } from '../environment/types';
import { labDown, labStatus, labUp } from '../../lab/lab';
import { DEFAULT_ENV, parseFlags } from './flags';

export async function labCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(args, { env: { type: 'string' } });
  const [action, ...extra] = positionals;
  if (extra.length) throw new BadInput(`unexpected argument "${extra[0]}"`, undefined, 'usage: scs-chaos lab up|down|status [--env FILE]');
  const env = labEnvironment(values.env ?? DEFAULT_ENV);
  switch (action) {
    case 'up':
      await labUp(env, log);
      return 0;
    case 'down':
      await labDown(env, log);
      return 0;
    case 'status': {
      const status = await labStatus(env);
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return status.up ? 0 : 1;
    }
    default:
      throw new BadInput(`unknown lab action "${action ?? ''}"`, undefined, 'usage: scs-chaos lab up|down|status [--env FILE]');
  }
}

/** labEnvironment: an environment file that has a `lab:` block (only the lab can be built here). */
export function labEnvironment(path: string): Environment {
  const env = loadEnvironment(resolve(path));
  if (!env.lab) throw new BadInput(`environment ${env.name} has no "lab:" block, so it is not a lab that can be built`, { file: env.sourcePath }, `use --env ${DEFAULT_ENV}`);
  return env;
}
