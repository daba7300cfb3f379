/**
 * The Kubernetes target kind: clusters reached through a kubeconfig (the environment's `kubernetes:` section,
 * environment.ts; client layer in client/). Faults are API calls whose undo is a KubeRecipe replayed by the
 * kubernetes-api channel, with an expiry process on the runner's host (revert-channel.ts); every changed object is
 * labelled scs-chaos/injection=<id> for preflight and sweep (leftovers.ts). It also carries the kube-node executor's
 * transport (node-pods/): node faults on Kubernetes nodes through short-lived privileged pods, without ssh.
 */
import type { TargetKind } from '../../core/kinds';
import { registerKubeNodeTransport } from '../../executors/kube-node';
import { kubernetesSection } from './environment';
import { kubernetesPreflight, kubernetesSweep } from './leftovers';
import { kubernetesChannel } from './revert-channel';
import { NodePods } from './node-pods/transport';

// Nodes whose executor is kube-node are reached through this kind's pods (src/executors/kube-node.ts).
registerKubeNodeTransport(new NodePods());

export const kubernetesKind: TargetKind = {
  name: 'kubernetes',
  section: kubernetesSection,
  channels: [kubernetesChannel],
  preflight: kubernetesPreflight,
  sweep: kubernetesSweep,
};
