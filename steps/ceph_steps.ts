/**
 * Ceph steps: OSD faults (kill, stop, out, pause, host loss), cluster flags, the cluster and client-I/O probes,
 * and the Ceph judgements (clean within a bound, an OSD seen down / marked out, client I/O available). Each step
 * turns text into typed values and calls one domain function (src/kinds/ceph/faults/, src/kinds/ceph/probes/).
 * Per scenario, the allow-list of health checks given with the cluster probe and the pool of the I/O probe are
 * kept on the World, because later steps refer to them.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { BadInput } from '../src/kernel/errors';
import { cephSpecOf } from '../src/kinds/ceph/client/from-environment';
import { parseClusterFlags, setClusterFlags } from '../src/kinds/ceph/faults/cluster-flags';
import { cephFaultContext, CephFaultContext } from '../src/kinds/ceph/faults/context';
import { markOsdOut } from '../src/kinds/ceph/faults/osd-out';
import { killOneOsdOn, killOsd, pauseOsd } from '../src/kinds/ceph/faults/osd-process';
import { loseHost, stopOsd } from '../src/kinds/ceph/faults/osd-stop';
import { expectRefusal } from '../src/kinds/ceph/faults/refusal';
import { writeTestData } from '../src/kinds/ceph/probes/test-data';
import { osdEventWithin, probeClientIo, probeCluster, settleBeforeSteadyState, waitForClean } from '../src/kinds/ceph/probes/observe';
import { readProbeName, writeProbeName } from '../src/kinds/ceph/probes/io-probe';
import { CEPH_PROBE } from '../src/kinds/ceph/probes/status-probe';
import type { Phase } from '../src/model/summary';
import { assertSlo, steadyState } from '../src/core/judge';
import type { ChaosWorld } from './world';

/** context: the Ceph fault context of this scenario (its tags decide @destructive). */
const context = (world: ChaosWorld): CephFaultContext =>
  cephFaultContext(world.experiment.env, world.experiment.meta.tags, { allowedHealthChecks: world.cephAllowedChecks });

/** DEFAULT_IO_TIMEOUT_MS: longer than the lab's heartbeat grace + peering, so a blocked write shows as slow, not failed. */
const DEFAULT_IO_TIMEOUT_MS = 10_000;
/** DEFAULT_STALL_MS: no progress towards clean for this long fails the wait early. */
const DEFAULT_STALL_MS = 60_000;

const ioPool = (world: ChaosWorld): string => {
  cephSpecOf(world.experiment.env);
  const pool = world.cephIoPool;
  if (!pool) throw new BadInput('client I/O is not probed in this scenario', undefined, 'add "Given client I/O on pool "scs-chaos-lab" is probed at 2 Hz" before the fault');
  return pool;
};

// ---- probes -----------------------------------------------------------------------------------------------

Given('the Ceph cluster is probed every {duration}', function (this: ChaosWorld, periodMs: number) {
  probeCluster(this.scenario, this.experiment.env, 1000 / periodMs);
});

Given('the Ceph cluster is probed every {duration} allowing the health check(s) {string}', function (this: ChaosWorld, periodMs: number, checks: string) {
  const allowed = checks.split(/[\s,]+/).filter(Boolean);
  this.cephAllowedChecks = allowed;
  probeCluster(this.scenario, this.experiment.env, 1000 / periodMs, allowed);
});

Given('client I\\/O on pool {string} is probed at {rate}', function (this: ChaosWorld, pool: string, rateHz: number) {
  probeClientIo(this.scenario, this.experiment.env, pool, rateHz, DEFAULT_IO_TIMEOUT_MS);
  this.cephIoPool = pool;
});

Given('client I\\/O on pool {string} is probed at {rate} with a timeout of {duration}', function (this: ChaosWorld, pool: string, rateHz: number, timeoutMs: number) {
  probeClientIo(this.scenario, this.experiment.env, pool, rateHz, timeoutMs);
  this.cephIoPool = pool;
});

Given('the pool {string} holds {int} MiB of test data', async function (this: ChaosWorld, pool: string, mib: number) {
  await writeTestData(this.scenario, this.experiment.env, pool, mib);
});

Given('the Ceph cluster is HEALTH_OK with all PGs active+clean for {duration} in steady state', async function (this: ChaosWorld, windowMs: number) {
  await settleBeforeSteadyState(this.scenario);
  await steadyState(this.scenario, CEPH_PROBE, 'availability >= 100%', windowMs);
});

// ---- faults -----------------------------------------------------------------------------------------------

When('one OSD on {node} is killed', async function (this: ChaosWorld, node: string) {
  await this.experiment.injectOneShot(await killOneOsdOn(context(this), node));
});

When('{osd} is killed', async function (this: ChaosWorld, osd: number) {
  await this.experiment.injectOneShot(await killOsd(context(this), osd));
});

When('{osd} is stopped for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await stopOsd(context(this), osd), durationMs);
});

When('{osd} is marked out for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await markOsdOut(context(this), osd), durationMs);
});

When('{osd} is paused for {duration}', async function (this: ChaosWorld, osd: number, durationMs: number) {
  await this.experiment.injectFor(await pauseOsd(context(this), osd), durationMs);
});

When('the storage host {node} is lost for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(await loseHost(context(this), node), durationMs);
});

When('the {word} flag is set for {duration}', async function (this: ChaosWorld, flag: string, durationMs: number) {
  await this.experiment.injectFor(setClusterFlags(context(this), parseClusterFlags(flag)), durationMs);
});

When('the cluster flags {string} are set for {duration}', async function (this: ChaosWorld, flags: string, durationMs: number) {
  await this.experiment.injectFor(setClusterFlags(context(this), parseClusterFlags(flags)), durationMs);
});

// ---- judgements -------------------------------------------------------------------------------------------

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await waitForClean(this.scenario, this.experiment.env, boundMs, Math.min(DEFAULT_STALL_MS, boundMs));
});

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration} while the fault lasts', async function (this: ChaosWorld, boundMs: number) {
  await waitForClean(this.scenario, this.experiment.env, boundMs, Math.min(DEFAULT_STALL_MS, boundMs), { whileFaultLasts: true });
});

Then('the cluster is HEALTH_OK with all PGs active+clean within {duration}, stalling at most {duration}', async function (this: ChaosWorld, boundMs: number, stallMs: number) {
  await waitForClean(this.scenario, this.experiment.env, boundMs, stallMs);
});

Then('{osd} is seen down within {duration}', async function (this: ChaosWorld, osd: number, boundMs: number) {
  await osdEventWithin(this.scenario, this.experiment.env, osd, 'down', boundMs);
});

Then('{osd} is marked out within {duration}', async function (this: ChaosWorld, osd: number, boundMs: number) {
  await osdEventWithin(this.scenario, this.experiment.env, osd, 'out', boundMs);
});

// "Stay available": every write (read) of the phase succeeded within the probe's timeout. Ceph blocks I/O to a
// PG whose primary died until it re-peers; with the default timeout (longer than grace + peering) such a write
// is slow, not failed — judge the stall with a latency SLO on probe "rados-write:<pool>".
Then('client writes stay available {phase}', async function (this: ChaosWorld, phase: Phase) {
  await assertSlo(this.scenario, writeProbeName(ioPool(this)), 'availability >= 100%', phase);
});

Then('client reads stay available {phase}', async function (this: ChaosWorld, phase: Phase) {
  await assertSlo(this.scenario, readProbeName(ioPool(this)), 'availability >= 100%', phase);
});

Then('availability of client writes stays at or above {percentage} {phase}', async function (this: ChaosWorld, percent: string, phase: Phase) {
  await assertSlo(this.scenario, writeProbeName(ioPool(this)), `availability >= ${percent}`, phase);
});

Then('stopping {osds} at once is refused by the safety check', async function (this: ChaosWorld, osds: number[]) {
  await expectRefusal(this.scenario, context(this), osds);
});
