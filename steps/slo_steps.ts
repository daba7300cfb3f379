/**
 * SLO steps: the steady-state hypothesis and its judgement per phase. "web" names the probe of service web;
 * "web on node-2" the direct probe of node-2's backend.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { Phase } from '../src/model/summary';
import { assertSlo, recoversWithin, steadyState } from '../src/core/judge';
import type { ChaosWorld } from './world';

const probeName = (service: string, node?: string): string => (node ? `${service}@${node}` : service);

Given('availability of {word} is at least {percentage} for {duration} in steady state', async function (this: ChaosWorld, service: string, percent: string, windowMs: number) {
  await steadyState(this.scenario, probeName(service), `availability >= ${percent}`, windowMs);
});

Given('the SLO {slo} holds for {word} for {duration} in steady state', async function (this: ChaosWorld, slo: string, service: string, windowMs: number) {
  await steadyState(this.scenario, probeName(service), slo, windowMs);
});

Given('the SLO {slo} holds for probe {string} for {duration} in steady state', async function (this: ChaosWorld, slo: string, probe: string, windowMs: number) {
  await steadyState(this.scenario, probe, slo, windowMs);
});

Then('availability of {word} stays at or above {percentage} {phase}', async function (this: ChaosWorld, service: string, percent: string, phase: Phase) {
  await assertSlo(this.scenario, probeName(service), `availability >= ${percent}`, phase);
});

Then('the SLO {slo} holds for {word} {phase}', async function (this: ChaosWorld, slo: string, service: string, phase: Phase) {
  await assertSlo(this.scenario, probeName(service), slo, phase);
});

Then('the SLO {slo} holds for {word} on {node} {phase}', async function (this: ChaosWorld, slo: string, service: string, node: string, phase: Phase) {
  await assertSlo(this.scenario, probeName(service, node), slo, phase);
});

Then('{word} recovers within {duration}', async function (this: ChaosWorld, service: string, boundMs: number) {
  await recoversWithin(this.scenario, probeName(service), boundMs);
});

Then('{word} on {node} recovers within {duration}', async function (this: ChaosWorld, service: string, node: string, boundMs: number) {
  await recoversWithin(this.scenario, probeName(service, node), boundMs);
});

Then('the SLO {slo} holds for probe {string} {phase}', async function (this: ChaosWorld, slo: string, probe: string, phase: Phase) {
  await assertSlo(this.scenario, probe, slo, phase);
});

Then('probe {string} recovers within {duration}', async function (this: ChaosWorld, probe: string, boundMs: number) {
  await recoversWithin(this.scenario, probe, boundMs);
});
