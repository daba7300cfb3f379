/**
 * Prometheus steps: PromQL SLOs, watched once a second from the environment's Prometheus and judged per phase.
 * Inside the quoted SLO, write PromQL label values in single quotes: {proxy='web'}.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { Phase } from '../src/model/summary';
import { assertPromql, watchPromql } from '../src/prometheus/watch';
import type { ChaosWorld } from './world';

Given('Prometheus watches {promql-slo}', function (this: ChaosWorld, slo: string) {
  watchPromql(this.scenario, slo);
});

Then('Prometheus shows {promql-slo} {phase}', async function (this: ChaosWorld, slo: string, phase: Phase) {
  await assertPromql(this.scenario, slo, phase);
});
