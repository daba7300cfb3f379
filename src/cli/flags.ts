/** Shared command-line pieces: the default environment and flag parsing that reports bad flags as BadInput. */
import { parseArgs } from 'node:util';
import { BadInput } from '../kernel/errors';

export const DEFAULT_ENV = 'experiments/environments/lab.yaml';

/** parseFlags: node's parseArgs in strict mode; an unknown or malformed flag becomes BadInput naming it. */
export function parseFlags<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new BadInput((error as Error).message.replace(/\. To specify a positional.*$/s, ''), undefined, 'see scs-chaos --help for the flags of each command');
  }
}
