/** OpenStack steps: faults, probes and judgements on the cloud the environment's openstack: section names (src/kinds/openstack/). */
import { Given, Then, When } from '@cucumber/cucumber';
import { probeServerNamed, serverActiveAgain, serverOneShot, serverPowerFaults } from '../src/kinds/openstack/scenario';
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
