/** Probe steps: what is measured, and how often. */
import { Given } from '@cucumber/cucumber';
import type { ChaosWorld } from './world';

Given('{word} is probed over HTTP at {rate}', function (this: ChaosWorld, service: string, rateHz: number) {
  this.experiment.probeService(service, rateHz);
});

Given('{word} on {node} is probed over HTTP at {rate}', function (this: ChaosWorld, service: string, node: string, rateHz: number) {
  this.experiment.probeBackend(service, node, rateHz);
});

Given('{word} on {node} is probed over TCP at {rate}', function (this: ChaosWorld, service: string, node: string, rateHz: number) {
  this.experiment.probeTcp(service, node, rateHz);
});

Given('the command {string} on {node} is probed at {rate} as {string}', function (this: ChaosWorld, script: string, node: string, rateHz: number, name: string) {
  this.experiment.probeCommand(name, node, script, rateHz);
});

Given('{word} is probed over HTTP at {rate} expecting {string} in the body', function (this: ChaosWorld, service: string, rateHz: number, text: string) {
  this.experiment.probeService(service, rateHz, text);
});
