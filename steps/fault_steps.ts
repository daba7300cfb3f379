/** Fault steps: each turns text into a typed fault on one target and hands it to the Experiment. */
import { When } from '@cucumber/cucumber';
import { isolateNode } from '../src/kinds/hosts/network/isolate';
import { killProcess } from '../src/kinds/hosts/process/kill';
import { pauseProcess } from '../src/kinds/hosts/process/pause';
import { faultTarget } from '../src/kinds/hosts/target';
import { selectNodes } from '../src/kinds/hosts/select';
import type { ChaosWorld } from './world';

When('{node} is isolated from the network for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(isolateNode(faultTarget(this.experiment.env, node)), durationMs);
});

When('{node} is isolated from the network for {duration} with a TTL of {duration}', async function (this: ChaosWorld, node: string, durationMs: number, ttlMs: number) {
  await this.experiment.injectFor(isolateNode(faultTarget(this.experiment.env, node)), durationMs, ttlMs);
});

When('the {word} process on {node} is killed', async function (this: ChaosWorld, service: string, node: string) {
  await this.experiment.injectOneShot(killProcess(faultTarget(this.experiment.env, node, service)));
});

When('the {word} process on {node} is paused for {duration}', async function (this: ChaosWorld, service: string, node: string, durationMs: number) {
  await this.experiment.injectFor(pauseProcess(faultTarget(this.experiment.env, node, service)), durationMs);
});

When('the fault is observed for {duration}', async function (this: ChaosWorld, durationMs: number) {
  await this.experiment.observe(durationMs);
});

When('{selection} is/are isolated from the network for {duration}', async function (this: ChaosWorld, selection: string, durationMs: number) {
  const env = this.experiment.env;
  const nodes = selectNodes(this.scenario, selection);
  await this.experiment.injectForEach(nodes.map((node) => isolateNode(faultTarget(env, node))), durationMs);
});
