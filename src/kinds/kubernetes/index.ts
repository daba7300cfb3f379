/**
 * The Kubernetes target kind: clusters reached through a kubeconfig (the environment's `kubernetes:` section).
 * This first part brings the section and the client layer (client/); selectors, faults with their API revert
 * channel and expiry, watch-driven probes and preflight/sweep of labelled objects follow (issue 13).
 */
import type { TargetKind } from '../../core/kinds';
import { kubernetesSection } from './environment';

export const kubernetesKind: TargetKind = { name: 'kubernetes', section: kubernetesSection };
