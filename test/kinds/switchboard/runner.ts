/**
 * A runner process for the switchboard kind test: registers the kind, loads the environment, selects switches with
 * the given seed and holds a switch-off fault on them for a minute through the real Experiment lifecycle (journal,
 * channel, expiry). The test SIGKILLs it mid-fault. Usage: runner.ts ENV JOURNAL SELECTOR TTL_MS SEED
 */
import { registerKind } from '../../../src/core/kinds';
import { Experiment } from '../../../src/core/experiment';
import { Journal } from '../../../src/core/journal';
import type { RunContext } from '../../../src/core/run-context';
import { loadEnvironment } from '../../../src/environment/load';
import { selectSwitches, switchboardKind, switchOff } from './kind';

registerKind(switchboardKind);

async function main(): Promise<void> {
  const [envPath = '', journalPath = '', selector = '', ttl = '', seed = ''] = process.argv.slice(2);
  const env = loadEnvironment(envPath);
  const ctx: RunContext = {
    runId: 'switchboard-test',
    runDir: process.env.SWITCHBOARD_RUN_DIR ?? '/tmp',
    env,
    mode: 'execute',
    seed: Number(seed),
    journal: new Journal(journalPath),
    interruption: new AbortController(),
    scenarios: [],
    planned: [],
    plannedScenarios: [],
    log: (line) => process.stdout.write(`${line}\n`),
  };
  const experiment = new Experiment(ctx, { id: 'test/kinds/switchboard:1', name: 'switch off', feature: 'test', line: 1, tags: [] });
  const names = await selectSwitches(env, selector, ctx.seed);
  // Held as long as the TTL allows (at most a minute): the test kills this process long before.
  await experiment.injectForEach(names.map((name) => switchOff(env, name)), Math.min(60_000, Number(ttl)), Number(ttl));
}

void main();
