/** OpenStack steps: faults, probes and judgements on the cloud the environment's openstack: section names (src/kinds/openstack/). */
import { Given, Then, When } from '@cucumber/cucumber';
import { computeProcessStop, computeServiceDisable, lbActiveAgain, lbFailover, memberDisableFaults, probeLoadBalancerNamed, portDown, probeComputeHost, probePoolOf, probeServerNamed, serverActiveAgain, serverOneShot, serverPowerFaults } from '../src/kinds/openstack/scenario';
import type { PowerFault } from '../src/kinds/openstack/faults/server-power';
import { BadInput } from '../src/kernel/errors';
import type { ChaosWorld } from './world';

const POWER: Record<string, PowerFault> = { stopped: 'stop', paused: 'pause', suspended: 'suspend' };

Given('the OpenStack server {string} is probed at {rate}', async function (this: ChaosWorld, name: string, rateHz: number) {
  await probeServerNamed(this.scenario, name, rateHz);
});

When('the OpenStack server {string} is {word} for {duration}', async function (this: ChaosWorld, name: string, verb: string, durationMs: number) {
  await this.experiment.injectForEach(await serverPowerFaults(this.scenario, { by: 'name', name }, powerOf(verb)), durationMs);
});

When('{int} of the OpenStack servers tagged {string} are {word} for {duration}', async function (this: ChaosWorld, count: number, tag: string, verb: string, durationMs: number) {
  await this.experiment.injectForEach(await serverPowerFaults(this.scenario, { by: 'tag', tag, count }, powerOf(verb)), durationMs);
});

When('{int} of the OpenStack servers with metadata {string} are {word} for {duration}', async function (this: ChaosWorld, count: number, pair: string, verb: string, durationMs: number) {
  const [key = '', value = ''] = pair.split('=');
  await this.experiment.injectForEach(await serverPowerFaults(this.scenario, { by: 'metadata', key, value, count }, powerOf(verb)), durationMs);
});

When('the OpenStack server {string} is hard rebooted', async function (this: ChaosWorld, name: string) {
  await this.experiment.injectOneShot(await serverOneShot(this.scenario, name, 'hard-reboot'));
});

When('the OpenStack server {string} is soft rebooted', async function (this: ChaosWorld, name: string) {
  await this.experiment.injectOneShot(await serverOneShot(this.scenario, name, 'soft-reboot'));
});

When('the OpenStack server {string} is deleted', async function (this: ChaosWorld, name: string) {
  await this.experiment.injectOneShot(await serverOneShot(this.scenario, name, 'delete'));
});

Then('the OpenStack server {string} is ACTIVE again within {duration}', async function (this: ChaosWorld, name: string, boundMs: number) {
  await serverActiveAgain(this.scenario, name, boundMs);
});

function powerOf(verb: string): PowerFault {
  const fault = POWER[verb];
  if (!fault) throw new BadInput(`"${verb}" is not a server power fault`, undefined, 'write stopped, paused or suspended');
  return fault;
}

Given('the OpenStack load balancer {string} is probed at {rate}', async function (this: ChaosWorld, name: string, rateHz: number) {
  await probeLoadBalancerNamed(this.scenario, name, rateHz);
});

Given('the pool of the OpenStack load balancer {string} is probed at {rate}', async function (this: ChaosWorld, name: string, rateHz: number) {
  await probePoolOf(this.scenario, name, rateHz);
});

When('the OpenStack load balancer {string} fails over', async function (this: ChaosWorld, name: string) {
  await this.experiment.injectOneShot(await lbFailover(this.scenario, name, 'load-balancer'));
});

When('the amphora of the OpenStack load balancer {string} fails over', async function (this: ChaosWorld, name: string) {
  await this.experiment.injectOneShot(await lbFailover(this.scenario, name, 'amphora'));
});

When('half of the members of the OpenStack load balancer {string} are disabled for {duration}', async function (this: ChaosWorld, name: string, durationMs: number) {
  await this.experiment.injectForEach(await memberDisableFaults(this.scenario, name, 'half'), durationMs);
});

When('the member {string} of the OpenStack load balancer {string} is disabled for {duration}', async function (this: ChaosWorld, member: string, name: string, durationMs: number) {
  await this.experiment.injectForEach(await memberDisableFaults(this.scenario, name, { member }), durationMs);
});

Then('the OpenStack load balancer {string} is ACTIVE again within {duration}', async function (this: ChaosWorld, name: string, boundMs: number) {
  await lbActiveAgain(this.scenario, name, boundMs);
});

Given('nova-compute on the OpenStack compute host {string} is probed at {rate}', async function (this: ChaosWorld, host: string, rateHz: number) {
  await probeComputeHost(this.scenario, host, rateHz);
});

When('the OpenStack port {string} is set admin-state down for {duration}', async function (this: ChaosWorld, name: string, durationMs: number) {
  await this.experiment.injectFor(await portDown(this.scenario, name), durationMs);
});

When('nova-compute on the OpenStack compute host {string} is disabled for {duration}', async function (this: ChaosWorld, host: string, durationMs: number) {
  await this.experiment.injectFor(await computeServiceDisable(this.scenario, host), durationMs);
});

When('nova-compute on the OpenStack compute host {string} is stopped for {duration}', async function (this: ChaosWorld, host: string, durationMs: number) {
  await this.experiment.injectFor(computeProcessStop(this.scenario, host), durationMs);
});
