/**
 * Ceph steps: OSD faults (kill, stop, out, pause, host loss), cluster flags, the cluster and client-I/O probes,
 * and the Ceph judgements (clean within a bound, an OSD seen down / marked out, client I/O available). Each step
 * turns text into typed values and calls one domain function (src/kinds/ceph/faults/, src/kinds/ceph/probes/).
 * Per scenario, the allow-list of health checks given with the cluster probe and the pool of the I/O probe are
 * remembered here (keyed by the scenario's Experiment), because later steps refer to them.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import type { Experiment } from '../src/core/experiment';
import { BadInput } from '../src/kernel/errors';
import { parseClusterFlags, setClusterFlags } from '../src/kinds/ceph/faults/cluster-flags';
import { cephFaultContext, CephFaultContext, osdsOfHost, requireInScope } from '../src/kinds/ceph/faults/context';
import { markOsdOut } from '../src/kinds/ceph/faults/osd-out';
import { killOsd, pauseOsd } from '../src/kinds/ceph/faults/osd-process';
import { loseHost, stopOsd } from '../src/kinds/ceph/faults/osd-stop';
import { expectRefusal } from '../src/kinds/ceph/faults/refusal';
import { writeTestData } from '../src/kinds/ceph/probes/test-data';
import { osdEventWithin, probeClientIo, probeCluster, settleBeforeSteadyState, waitForClean } from '../src/kinds/ceph/probes/observe';
import { readProbeName, writeProbeName } from '../src/kinds/ceph/probes/io-probe';
import { CEPH_PROBE } from '../src/kinds/ceph/probes/status-probe';
import type { Phase } from '../src/model/summary';
import type { ChaosWorld } from './world';

interface CephScenarioState {
  allowedChecks: string[];
  ioPool?: string;
}
const states = new WeakMap<Experiment, CephScenarioState>();
const stateOf = (experiment: Experiment): CephScenarioState => {
  let state = states.get(experiment);
  if (!state) states.set(experiment, (state = { allowedChecks: [] }));
  return state;
};

/** context: the Ceph fault context of this scenario (its tags decide @destructive). */
const context = (world: ChaosWorld): CephFaultContext =>
  cephFaultContext(world.experiment.env, world.experiment.meta.tags, { allowedHealthChecks: stateOf(world.experiment).allowedChecks });

/** DEFAULT_IO_TIMEOUT_MS: longer than the lab's heartbeat grace + peering, so a blocked write shows as slow, not failed. */
const DEFAULT_IO_TIMEOUT_MS = 10_000;
/** DEFAULT_STALL_MS: no progress towards clean for this long fails the wait early. */
const DEFAULT_STALL_MS = 60_000;

const ioPool = (world: ChaosWorld): string => {
  const pool = stateOf(world.experiment).ioPool;
  if (!pool) throw new BadInput('client I/O is not probed in this scenario', undefined, 'add "Given client I/O on pool "scs-chaos-lab" is probed at 2 Hz" before the fault');
  return pool;
};

// ---- probes -----------------------------------------------------------------------------------------------

Given('the Ceph cluster is probed every {duration}', function (this: ChaosWorld, periodMs: number) {
  probeCluster(this.experiment.extension(), this.experiment.env, 1000 / periodMs);
});

Given('the Ceph cluster is probed every {duration} allowing the health check(s) {string}', function (this: ChaosWorld, periodMs: number, checks: string) {
  const allowed = checks.split(/[\s,]+/).filter(Boolean);
  stateOf(this.experiment).allowedChecks = allowed;
  probeCluster(this.experiment.extension(), this.experiment.env, 1000 / periodMs, allowed);
});

Given('client I\\/O on pool {string} is probed at {rate}', function (this: ChaosWorld, pool: string, rateHz: number) {
  probeClientIo(this.experiment.extension(), this.experiment.env, pool, rateHz, DEFAULT_IO_TIMEOUT_MS);
  stateOf(this.experiment).ioPool = pool;
});

Given('client I\\/O on pool {string} is probed at {rate} with a timeout of {duration}', function (this: ChaosWorld, pool: string, rateHz: number, timeoutMs: number) {
  probeClientIo(this.experiment.extension(), this.experiment.env, pool, rateHz, timeoutMs);
  stateOf(this.experiment).ioPool = pool;
});

Given('the pool {string} holds {int} MiB of test data', async function (this: ChaosWorld, pool: string, mib: number) {
  await writeTestData(this.experiment.extension(), this.experiment.env, pool, mib);
});

Given('the Ceph cluster is HEALTH_OK with all PGs active+clean for {duration} in steady state', async function (this: ChaosWorld, windowMs: number) {
  await settleBeforeSteadyState(this.experiment.extension());
  await this.experiment.steadyState(CEPH_PROBE, 'availability >= 100%', windowMs);
});

// ---- faults -----------------------------------------------------------------------------------------------

When('one OSD on {node} is killed', async function (this: ChaosWorld, node: string) {
  const ctx = context(this);
  requireInScope(ctx.env, node, `the OSDs of ${node}`);
  const osds = osdsOfHost(await ctx.ceph.osdTree(), node);
  if (osds.length === 0) throw new BadInput(`CRUSH host "${node}" has no OSDs (ceph osd tree)`, undefined, 'name a storage node whose host bucket holds OSDs');
  // The lowest id: a repeatable choice (a scenario that must vary it names the OSD).
  await this.experiment.injectOneShot(await killOsd(ctx, osds[0] as number));
});

When('{osd} is killed', async function (this: ChaosWorld, osd: number) {
  await this.experiment.injectOneShot(await killOsd(context(this), osd));
});

When('{osd} is stopped for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await stopOsd(context(this), osd), durationMs, undefined);
});

When('{osd} is marked out for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await markOsdOut(context(this), osd), durationMs, undefined);
});

When('{osd} is paused for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await pauseOsd(context(this), osd), durationMs, undefined);
});

When('the storage host {node} is lost for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(await loseHost(context(this), node), durationMs, undefined);
});

When('the {word} flag is set for {duration}', async function (this: ChaosWorld, flag: string, durationMs: number) {
  await this.experiment.injectFor(setClusterFlags(context(this), parseClusterFlags(flag)), durationMs, undefined);
});

When('the cluster flags {string} are set for {duration}', async function (this: ChaosWorld, flags: string, durationMs: number) {
  await this.experiment.injectFor(setClusterFlags(context(this), parseClusterFlags(flags)), durationMs, undefined);
});

// ---- judgements -------------------------------------------------------------------------------------------

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await waitForClean(this.experiment.extension(), this.experiment.env, boundMs, Math.min(DEFAULT_STALL_MS, boundMs));
});

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration} while the fault lasts', async function (this: ChaosWorld, boundMs: number) {
  await waitForClean(this.experiment.extension(), this.experiment.env, boundMs, Math.min(DEFAULT_STALL_MS, boundMs), { whileFaultLasts: true });
});

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration}, stalling at most {duration}', async function (this: ChaosWorld, boundMs: number, stallMs: number) {
  await waitForClean(this.experiment.extension(), this.experiment.env, boundMs, stallMs);
});

Then('{osd} is seen down within {duration}', async function (this: ChaosWorld, osd: number, boundMs: number) {
  await osdEventWithin(this.experiment.extension(), this.experiment.env, osd, 'down', boundMs);
});

Then('{osd} is marked out within {duration}', async function (this: ChaosWorld, osd: number, boundMs: number) {
  await osdEventWithin(this.experiment.extension(), this.experiment.env, osd, 'out', boundMs);
});

// "Stay available": every write (read) of the phase succeeded within the probe's timeout. Ceph blocks I/O to a
// PG whose primary died until it re-peers; with the default timeout (longer than grace + peering) such a write
// is slow, not failed — judge the stall with a latency SLO on probe "rados-write:<pool>".
Then('client writes stay available {phase}', async function (this: ChaosWorld, phase: Phase) {
  await this.experiment.assertSlo(writeProbeName(ioPool(this)), 'availability >= 100%', phase);
});

Then('client reads stay available {phase}', async function (this: ChaosWorld, phase: Phase) {
  await this.experiment.assertSlo(readProbeName(ioPool(this)), 'availability >= 100%', phase);
});

Then('availability of client writes stays at or above {percentage} {phase}', async function (this: ChaosWorld, percent: string, phase: Phase) {
  await this.experiment.assertSlo(writeProbeName(ioPool(this)), `availability >= ${percent}`, phase);
});

Then('stopping {osds} at once is refused by the safety check', async function (this: ChaosWorld, osds: number[]) {
  await expectRefusal(this.experiment.extension(), context(this), osds);
});
