/**
 * ChaosWorld: the per-scenario state Cucumber hands to every step — the scenario's Experiment (its lifecycle),
 * its ScenarioHandle (what probes, judgements and kinds plug into), and what later steps of the same scenario
 * refer back to.
 */
import { setDefaultTimeout, setWorldConstructor, World } from '@cucumber/cucumber';
import type { Experiment } from '../src/core/experiment';
import type { ScenarioHandle } from '../src/core/scenario-handle';
import '../src/kinds';

export class ChaosWorld extends World {
  experiment!: Experiment;
  /** The error of the first failing step; its type decides the scenario's verdict. */
  firstError: unknown = undefined;
  /** Ceph: health checks the cluster probe tolerates, given with the probe step; later fault steps honour them. */
  cephAllowedChecks: string[] = [];
  /** Ceph: the pool whose client I/O is probed; "client writes stay available" judges it. */
  cephIoPool: string | undefined = undefined;
  /** Ceph: the manager a fault stopped; "a standby manager is active" means one other than it. */
  stoppedManager: string | undefined = undefined;
  /** Kubernetes: the node a step picked as "the node of a pod of ..."; later steps say "that node". */
  kubernetesNode: string | undefined = undefined;

  get scenario(): ScenarioHandle {
    return this.experiment.handle;
  }
}

setWorldConstructor(ChaosWorld);

// Every wait in the domain has its own bound (fault duration, recovery bound + stabilization, probe timeout);
// Cucumber's 5 s default would cut real experiments short, so its timeout is only a last-resort backstop.
setDefaultTimeout(30 * 60 * 1000);
