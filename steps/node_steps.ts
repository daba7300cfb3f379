/**
 * Node and service fault steps: CPU, memory and I/O stress (stress-ng, bounded by the TTL), filling a filesystem, and
 * stopping a service through its process manager (supervisor in the lab, systemd on real hosts).
 */
import { When } from '@cucumber/cucumber';
import { diskFill } from '../src/kinds/hosts/node/disk-fill';
import { stressFor } from '../src/kinds/hosts/node/stress-for';
import { stopService } from '../src/kinds/hosts/service/stop';
import { faultTarget } from '../src/kinds/hosts/target';
import type { ChaosWorld } from './world';

const percentOf = (text: string): number => Number(text.replace(/%$/, ''));

When('{node} is stressed with {int} CPU worker(s) at {percentage} load for {duration}', async function (this: ChaosWorld, node: string, workers: number, load: string, durationMs: number) {
  const stress = stressFor(this.experiment.env, node, durationMs, { cpu: { workers, loadPercent: percentOf(load) } });
  await this.experiment.injectFor(stress.fault, stress.durationMs, stress.ttlMs);
});

When('{node} is stressed with {percentage} of its memory for {duration}', async function (this: ChaosWorld, node: string, memory: string, durationMs: number) {
  const stress = stressFor(this.experiment.env, node, durationMs, { memory: { percent: percentOf(memory) } });
  await this.experiment.injectFor(stress.fault, stress.durationMs, stress.ttlMs);
});

When('the filesystem of {string} on {node} is filled to {percentage} for {duration}', async function (this: ChaosWorld, path: string, node: string, target: string, durationMs: number) {
  await this.experiment.injectFor(diskFill(faultTarget(this.experiment.env, node), { path, targetPercent: percentOf(target) }), durationMs);
});

When('the {word} service on {node} is stopped for {duration}', async function (this: ChaosWorld, service: string, node: string, durationMs: number) {
  await this.experiment.injectFor(stopService(faultTarget(this.experiment.env, node, service)), durationMs);
});

When('{node} is stressed with {int} I\\/O worker(s) writing {int} MiB each to {string} for {duration}', async function (this: ChaosWorld, node: string, workers: number, mebibytes: number, directory: string, durationMs: number) {
  const stress = stressFor(this.experiment.env, node, durationMs, { io: { hddWorkers: workers, hddBytes: mebibytes * 1024 * 1024, directory } });
  await this.experiment.injectFor(stress.fault, stress.durationMs, stress.ttlMs);
});
