/** Probe steps: what is measured, and how often. */
import { Given } from '@cucumber/cucumber';
import { probeBackend, probeCommand, probeService, probeTcp } from '../src/probes/attach';
import type { ChaosWorld } from './world';

Given('{word} is probed over HTTP at {rate}', function (this: ChaosWorld, service: string, rateHz: number) {
  probeService(this.scenario, service, rateHz);
});

Given('{word} on {node} is probed over HTTP at {rate}', function (this: ChaosWorld, service: string, node: string, rateHz: number) {
  probeBackend(this.scenario, service, node, rateHz);
});

Given('{word} on {node} is probed over TCP at {rate}', function (this: ChaosWorld, service: string, node: string, rateHz: number) {
  probeTcp(this.scenario, service, node, rateHz);
});

Given('the command {string} on {node} is probed at {rate} as {string}', function (this: ChaosWorld, script: string, node: string, rateHz: number, name: string) {
  probeCommand(this.scenario, name, node, script, rateHz);
});

Given('{word} is probed over HTTP at {rate} expecting {string} in the body', function (this: ChaosWorld, service: string, rateHz: number, text: string) {
  probeService(this.scenario, service, rateHz, text);
});
