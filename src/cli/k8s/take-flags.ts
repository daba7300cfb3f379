/**
 * takeFlags: takes a command's own flags out of an argument list and leaves the rest (the `plan` options and
 * feature paths) for the shared checks of `run`/`plan` (main.ts runOptions), so `k8s shards` and `k8s rbac` accept
 * exactly what `plan` accepts and refuse it the same way. A string flag without its value is BadInput.
 */
import { BadInput } from '../../kernel/errors';

export interface TakenFlags {
  values: Map<string, string>;
  booleans: Set<string>;
  rest: string[];
}

/** `strings`/`booleans`: flag names without the dashes, e.g. ['shards'] for --shards N or --shards=N. */
export function takeFlags(args: readonly string[], strings: readonly string[], booleans: readonly string[] = []): TakenFlags {
  const taken: TakenFlags = { values: new Map(), booleans: new Set(), rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    if (booleans.includes(name) && eq < 0) {
      taken.booleans.add(name);
      continue;
    }
    if (!strings.includes(name)) {
      taken.rest.push(arg);
      continue;
    }
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('--')) throw new BadInput(`--${name} needs a value`, undefined, 'see scs-chaos --help for the flags of each command');
    if (taken.values.has(name)) throw new BadInput(`--${name} is given twice`, undefined, `give --${name} once`);
    taken.values.set(name, value);
  }
  return taken;
}
