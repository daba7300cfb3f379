/**
 * Node and service fault steps: CPU, memory and I/O stress (stress-ng, bounded by the TTL), filling a filesystem, and
 * stopping a service through its process manager (supervisor in the lab, systemd on real hosts).
 */
import { When } from '@cucumber/cucumber';
import { diskFill } from '../src/kinds/hosts/node/disk-fill';
import { stressNode } from '../src/kinds/hosts/node/stress';
import { stopService } from '../src/kinds/hosts/service/stop';
import { faultTarget } from '../src/kinds/hosts/target';
import type { ChaosWorld } from './world';

const percentOf = (text: string): number => Number(text.replace(/%$/, ''));

When('{node} is stressed with {int} CPU worker(s) at {percentage} load for {duration}', async function (this: ChaosWorld, node: string, workers: number, load: string, durationMs: number) {
  const env = this.experiment.env;
  // stress-ng stops by itself at the TTL (its own on-node expiry), so the TTL is fixed before the fault is built.
  const ttlMs = durationMs + env.defaults.faultTtlGraceMs;
  await this.experiment.injectFor(stressNode(faultTarget(env, node), { ttlMs, cpu: { workers, loadPercent: percentOf(load) } }), durationMs, ttlMs);
});

When('{node} is stressed with {percentage} of its memory for {duration}', async function (this: ChaosWorld, node: string, memory: string, durationMs: number) {
  const env = this.experiment.env;
  const ttlMs = durationMs + env.defaults.faultTtlGraceMs;
  await this.experiment.injectFor(stressNode(faultTarget(env, node), { ttlMs, memory: { percent: percentOf(memory) } }), durationMs, ttlMs);
});

When('the filesystem of {string} on {node} is filled to {percentage} for {duration}', async function (this: ChaosWorld, path: string, node: string, target: string, durationMs: number) {
  await this.experiment.injectFor(diskFill(faultTarget(this.experiment.env, node), { path, targetPercent: percentOf(target) }), durationMs);
});

When('the {word} service on {node} is stopped for {duration}', async function (this: ChaosWorld, service: string, node: string, durationMs: number) {
  await this.experiment.injectFor(stopService(faultTarget(this.experiment.env, node, service)), durationMs);
});

When('{node} is stressed with {int} I\\/O worker(s) writing {int} MiB each to {string} for {duration}', async function (this: ChaosWorld, node: string, workers: number, mebibytes: number, directory: string, durationMs: number) {
  const env = this.experiment.env;
  const ttlMs = durationMs + env.defaults.faultTtlGraceMs;
  const io = { hddWorkers: workers, hddBytes: mebibytes * 1024 * 1024, directory };
  await this.experiment.injectFor(stressNode(faultTarget(env, node), { ttlMs, io }), durationMs, ttlMs);
});
