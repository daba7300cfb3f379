/**
 * Network fault steps: each turns text into one typed fault on one node and hands it to the Experiment.
 * Faults that need the kernel's sch_netem are checked at plan time and refused with a clear message where
 * the node lacks it.
 */
import { When } from '@cucumber/cucumber';
import { parseDuration } from '../src/kernel/duration';
import { BadInput } from '../src/kernel/errors';
import { bandwidthLimit, parseRate } from '../src/kinds/hosts/network/bandwidth';
import { dnsFailure } from '../src/kinds/hosts/network/dns-failure';
import { netemFault } from '../src/kinds/hosts/network/netem';
import { packetLoss } from '../src/kinds/hosts/network/packet-loss';
import { partition } from '../src/kinds/hosts/network/partition';
import { portBlackhole } from '../src/kinds/hosts/network/port-blackhole';
import { resolveNode } from '../src/environment/inventory';
import { faultTarget } from '../src/kinds/hosts/target';
import type { ChaosWorld } from './world';

const percentOf = (text: string): number => Number(text.replace(/%$/, ''));

When('{node} is partitioned from {node} for {duration}', async function (this: ChaosWorld, node: string, other: string, durationMs: number) {
  const env = this.experiment.env;
  const peer = resolveNode(env, other);
  if (peer.name === node) throw new BadInput(`a node cannot be partitioned from itself (${node})`, undefined, 'name two different nodes');
  await this.experiment.injectFor(partition(faultTarget(env, node), { peers: [peer.address] }), durationMs);
});

When('{node} drops {percentage} of its outgoing packets for {duration}', async function (this: ChaosWorld, node: string, percent: string, durationMs: number) {
  await this.experiment.injectFor(packetLoss(faultTarget(this.experiment.env, node), { percent: percentOf(percent), direction: 'egress' }), durationMs);
});

When('the outgoing bandwidth of {node} is limited to {word} for {duration}', async function (this: ChaosWorld, node: string, rate: string, durationMs: number) {
  await this.experiment.injectFor(bandwidthLimit(faultTarget(this.experiment.env, node), { rateBitsPerSecond: parseRate(rate), direction: 'egress' }), durationMs);
});

When('port {int} on {node} is blackholed for {duration}', async function (this: ChaosWorld, port: number, node: string, durationMs: number) {
  await this.experiment.injectFor(portBlackhole(faultTarget(this.experiment.env, node), { port }), durationMs);
});

When('DNS fails on {node} for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(dnsFailure(faultTarget(this.experiment.env, node), { mode: 'reject' }), durationMs);
});

When('{node} gets {word} of added latency with {word} jitter for {duration}', async function (this: ChaosWorld, node: string, delay: string, jitter: string, durationMs: number) {
  const fault = netemFault(faultTarget(this.experiment.env, node), { delayMs: parseDuration(delay), jitterMs: parseDuration(jitter) });
  await this.experiment.injectFor(fault, durationMs);
});

// corruption, duplication and reordering need sch_netem on the node: refused at plan time where it is missing.
When('{node} corrupts {percentage} of its outgoing packets for {duration}', async function (this: ChaosWorld, node: string, percent: string, durationMs: number) {
  await this.experiment.injectFor(netemFault(faultTarget(this.experiment.env, node), { corruptPercent: percentOf(percent) }), durationMs);
});

When('{node} duplicates {percentage} of its outgoing packets for {duration}', async function (this: ChaosWorld, node: string, percent: string, durationMs: number) {
  await this.experiment.injectFor(netemFault(faultTarget(this.experiment.env, node), { duplicatePercent: percentOf(percent) }), durationMs);
});

When('{node} reorders {percentage} of its outgoing packets behind a {word} delay for {duration}', async function (this: ChaosWorld, node: string, percent: string, delay: string, durationMs: number) {
  const fault = netemFault(faultTarget(this.experiment.env, node), { reorderPercent: percentOf(percent), delayMs: parseDuration(delay) });
  await this.experiment.injectFor(fault, durationMs);
});
