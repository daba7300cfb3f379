/** Load steps: traffic beside the probes, judged per phase under the name "load:<service>". */
import { Given, Then } from '@cucumber/cucumber';
import type { Phase } from '../src/model/summary';
import { assertSlo } from '../src/core/judge';
import { assertLoadSummary, loadService, loadWithScript } from '../src/load/attach';
import type { ChaosWorld } from './world';

Given('steady load of {int} requests per second on {word}', async function (this: ChaosWorld, rate: number, service: string) {
  await loadService(this.scenario, service, rate);
});

Then('availability of the load on {word} stays at or above {percentage} {phase}', async function (this: ChaosWorld, service: string, percent: string, phase: Phase) {
  await assertSlo(this.scenario, `load:${service}`, `availability >= ${percent}`, phase);
});

Then('the SLO {slo} holds for the load on {word} {phase}', async function (this: ChaosWorld, slo: string, service: string, phase: Phase) {
  await assertSlo(this.scenario, `load:${service}`, slo, phase);
});

Given('the k6 script {string} loads {word} at {int} requests per second for {duration}', async function (this: ChaosWorld, script: string, service: string, rate: number, durationMs: number) {
  await loadWithScript(this.scenario, script, service, rate, durationMs);
});

Then('the load summary of {word} meets {slo}', async function (this: ChaosWorld, service: string, slo: string) {
  await assertLoadSummary(this.scenario, service, slo);
});
