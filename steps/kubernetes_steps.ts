/** Kubernetes steps: faults on the cluster the environment's kubernetes: section names (src/kinds/kubernetes/). */
import { When } from '@cucumber/cucumber';
import { reachableClient } from '../src/kinds/kubernetes/clients';
import { cordonNode } from '../src/kinds/kubernetes/faults/cordon';
import type { ChaosWorld } from './world';

When('the Kubernetes node {node} is cordoned for {duration}', async function (this: ChaosWorld, node: string, durationMs: number) {
  await this.experiment.injectFor(await cordonNode(await reachableClient(this.experiment.env), node), durationMs);
});
