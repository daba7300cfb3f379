/**
 * Prometheus steps: PromQL SLOs, watched once a second from the environment's Prometheus and judged per phase.
 * Inside the quoted SLO, write PromQL label values in single quotes: {proxy='web'}.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { Phase } from '../src/model/summary';
import type { ChaosWorld } from './world';

Given('Prometheus watches {string}', function (this: ChaosWorld, slo: string) {
  this.experiment.watchPromql(slo);
});

Then('Prometheus shows {string} {phase}', async function (this: ChaosWorld, slo: string, phase: Phase) {
  await this.experiment.assertPromql(slo, phase);
});
