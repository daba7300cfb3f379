/** Halt steps: hard floors that revert every fault at once and abort the scenario when crossed. */
import { Given } from '@cucumber/cucumber';
import type { ChaosWorld } from './world';

Given('the scenario halts if availability of {word} over {duration} drops below {percentage}', function (this: ChaosWorld, service: string, windowMs: number, percent: string) {
  this.experiment.haltWhen(service, `availability >= ${percent}`, windowMs);
});

Given('the scenario halts if availability of {word} on {node} over {duration} drops below {percentage}', function (this: ChaosWorld, service: string, node: string, windowMs: number, percent: string) {
  this.experiment.haltWhen(`${service}@${node}`, `availability >= ${percent}`, windowMs);
});

Given('the scenario halts if the SLO {slo} fails for {word} over {duration}', function (this: ChaosWorld, slo: string, service: string, windowMs: number) {
  this.experiment.haltWhen(service, slo, windowMs);
});
