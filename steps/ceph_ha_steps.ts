/**
 * Ceph monitor and manager steps: the control-plane probe, stopping a monitor or the active manager for a while
 * (src/kinds/ceph/faults/control-stop.ts), and the judgements on the monitors' quorum and the manager failover
 * (src/kinds/ceph/probes/observe-control.ts). The manager a scenario stopped is kept on the World, because "a standby
 * manager is active" means one other than that.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { cephFaultContext, CephFaultContext } from '../src/kinds/ceph/faults/context';
import { stopActiveManager, stopMonitor } from '../src/kinds/ceph/faults/control-stop';
import { probeCluster } from '../src/kinds/ceph/probes/observe';
import { monitorOutOfQuorumWithin, monitorsHaveQuorumWithin, probeControl, standbyManagerActiveWithin } from '../src/kinds/ceph/probes/observe-control';
import type { ChaosWorld } from './world';


const context = (world: ChaosWorld): CephFaultContext => cephFaultContext(world.experiment.env, world.experiment.meta.tags);

Given('the Ceph monitors and managers are probed every {duration}', function (this: ChaosWorld, periodMs: number) {
  probeControl(this.scenario, this.experiment.env, 1000 / periodMs);
});

// One ceph CLI process per reading for the cluster and its monitors and managers (probes ceph, ceph-health,
// ceph-pgs and ceph-control): half the CPU of two probes, which matters on a small machine.
Given('the Ceph cluster with its monitors and managers is probed every {duration}', function (this: ChaosWorld, periodMs: number) {
  probeCluster(this.scenario, this.experiment.env, 1000 / periodMs, [], true);
});

When('monitor {word} is stopped for {duration}', async function (this: ChaosWorld, id: string, durationMs: number) {
  await this.experiment.injectFor(await stopMonitor(context(this), id), durationMs);
});

When('the active manager is stopped for {duration}', async function (this: ChaosWorld, durationMs: number) {
  const fault = await stopActiveManager(context(this));
  try {
    await this.experiment.injectFor(fault, durationMs);
  } finally {
    this.stoppedManager = fault.daemon().id;
  }
});

Then('monitor {word} is out of quorum within {duration}', async function (this: ChaosWorld, id: string, boundMs: number) {
  await monitorOutOfQuorumWithin(this.scenario, this.experiment.env, id, boundMs);
});

Then('the monitors have quorum within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await monitorsHaveQuorumWithin(this.scenario, this.experiment.env, boundMs);
});

Then('a standby manager is active within {duration}', async function (this: ChaosWorld, boundMs: number) {
  await standbyManagerActiveWithin(this.scenario, this.experiment.env, this.stoppedManager ?? null, boundMs);
});
