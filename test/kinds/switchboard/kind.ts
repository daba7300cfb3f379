/**
 * The test-only "switchboard" target kind: a whole kind in one folder, registered in one line
 * (`registerKind(switchboardKind)`). Nothing runs a shell: its faults are HTTP calls, its undo is a list of calls
 * (the "switchboard-api" revert channel), and the API server itself expires a fault at its TTL when the runner
 * is gone (an expiry registered before the harm). Artefacts carry the label scs-chaos/injection=<id>, which
 * preflight lists and sweep removes.
 */
import type { Environment } from '../../../src/model/environment';
import type { EnvironmentReader } from '../../../src/environment/reader';
import type { Fault } from '../../../src/core/fault';
import type { PreflightFindings, SweepOutcome, TargetKind } from '../../../src/core/kinds';
import type { RevertChannel, RevertRecipe } from '../../../src/core/revert-channel';
import { BadInput, ExperimentCompromised } from '../../../src/kernel/errors';
import type { ApiCall, Switch } from './server';

declare module '../../../src/model/environment' {
  interface EnvironmentSections {
    switchboard?: { url: string };
  }
}

/** SwitchboardRecipe: the calls that undo a fault, against `baseUrl`. */
export interface SwitchboardRecipe extends RevertRecipe {
  readonly channel: 'switchboard-api';
  readonly baseUrl: string;
  readonly calls: readonly ApiCall[];
}

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status >= 300) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return response.json();
}

export const switchboardChannel: RevertChannel<SwitchboardRecipe> = {
  name: 'switchboard-api',
  survivesRunnerDeath: 'the switchboard server replays the undo calls at the TTL (an expiry registered before the harm)',
  async arm(recipe, injectionId, ttlMs) {
    if (ttlMs !== null) await call(recipe.baseUrl, 'POST', '/expiries', { injectionId, ttlMs, calls: recipe.calls });
  },
  async replay(recipe) {
    for (const c of recipe.calls) await call(recipe.baseUrl, c.method, c.path);
  },
  async disarm(recipe, injectionId) {
    await call(recipe.baseUrl, 'DELETE', `/expiries/${injectionId}`);
  },
};

const urlOf = (env: Environment): string => {
  const section = env.sections.switchboard;
  if (!section) throw new BadInput(`environment ${env.name} has no switchboard: section`, { file: env.sourcePath }, 'add switchboard: { url: http://127.0.0.1:PORT }');
  return section.url;
};

const switches = async (env: Environment): Promise<Switch[]> => (await call(urlOf(env), 'GET', '/switches')) as Switch[];

/** selectSwitches: "switch-b" or "N of the switches" (seeded, like node selectors). */
export async function selectSwitches(env: Environment, text: string, seed: number): Promise<string[]> {
  const names = (await switches(env)).map((s) => s.name).sort();
  if (names.includes(text)) return [text];
  const count = /^(\d+) of the switches$/.exec(text)?.[1];
  if (count === undefined || Number(count) > names.length) throw new BadInput(`"${text}" selects no switch`, undefined, `name one of ${names.join(', ')} or write "N of the switches"`);
  let state = seed >>> 0;
  const random = (): number => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return names.map((name) => ({ name, key: random() })).sort((a, b) => a.key - b.key).slice(0, Number(count)).map((s) => s.name).sort();
}

/** switchOff: turns a switch off; the undo turns it on again. */
export function switchOff(env: Environment, name: string): Fault {
  const baseUrl = urlOf(env);
  const stateOf = async (): Promise<Switch | undefined> => (await switches(env)).find((s) => s.name === name);
  return {
    kind: 'switch-off',
    reversible: true,
    harms: [],
    describe: () => `turn switch ${name} off`,
    async prepare(injectionId) {
      if (!(await stateOf())?.on) throw new BadInput(`switch ${name} is not on`, undefined, 'pick a switch that is on');
      const recipe: SwitchboardRecipe = { channel: 'switchboard-api', where: name, baseUrl, calls: [{ method: 'POST', path: `/switches/${name}/on` }] };
      return {
        kind: 'switch-off',
        target: `switch ${name}`,
        reversible: true,
        preState: { on: true },
        revert: recipe,
        apply: async () => void (await call(baseUrl, 'POST', `/switches/${name}/off`, { injection: injectionId })),
        async verifyActive() {
          if ((await stateOf())?.on !== false) throw new ExperimentCompromised(`switch ${name} is still on after the call`);
          return `switch ${name} is off (GET /switches)`;
        },
        async verifyReverted() {
          if ((await stateOf())?.on !== true) throw new ExperimentCompromised(`switch ${name} is still off after the revert`);
        },
      };
    },
  };
}

export const switchboardKind: TargetKind = {
  name: 'switchboard',
  section: {
    key: 'switchboard',
    read: (reader: EnvironmentReader, value: unknown) => {
      const map = reader.map(value, 'switchboard', 'switchboard is a mapping with url');
      return { url: reader.string(map, 'url', 'switchboard') };
    },
  },
  channels: [switchboardChannel],
  async preflight(env): Promise<PreflightFindings> {
    const labelled = (await switches(env)).filter((s) => s.labels['scs-chaos/injection']);
    return { unreachable: [], leftovers: labelled.map((s) => `switch ${s.name}: leftover of an earlier run: labelled scs-chaos/injection=${s.labels['scs-chaos/injection']}`) };
  },
  async sweep(env): Promise<SweepOutcome[]> {
    const lines: string[] = [];
    for (const s of (await switches(env)).filter((x) => x.labels['scs-chaos/injection'])) {
      await call(urlOf(env), 'POST', `/switches/${s.name}/on`);
      lines.push(`turned switch ${s.name} on again (injection ${s.labels['scs-chaos/injection']})`);
    }
    return [{ where: 'switchboard', lines }];
  },
};
