/** ChaosWorld: the per-scenario state Cucumber hands to every step — just the scenario's Experiment. */
import { setDefaultTimeout, setWorldConstructor, World } from '@cucumber/cucumber';
import type { Experiment } from '../src/core/experiment';

export class ChaosWorld extends World {
  experiment!: Experiment;
  /** The error of the first failing step; its type decides the scenario's verdict. */
  firstError: unknown = undefined;
}

setWorldConstructor(ChaosWorld);

// Every wait in the domain has its own bound (fault duration, recovery bound + stabilization, probe timeout);
// Cucumber's 5 s default would cut real experiments short, so its timeout is only a last-resort backstop.
setDefaultTimeout(30 * 60 * 1000);
