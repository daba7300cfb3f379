/**
 * Moments: what the cluster did during a scenario, each with two times — when the runner's watch saw it (monotonic
 * clock) and the cluster's own stamp (a condition's lastTransitionTime, a taint's timeAdded, a deletion's request
 * time). Kubernetes stamps these with one-second resolution (metav1.Time), so a stamp can be up to 1 s early.
 */
export type MomentKind =
  | 'node-not-ready'
  | 'node-ready'
  | 'node-taint'
  | 'pod-deleted'
  | 'pod-scheduled'
  | 'pod-ready'
  | 'pod-restarted'
  | 'workload-degraded'
  | 'workload-available'
  | 'endpoint-not-ready'
  | 'endpoint-ready'
  | 'budget-changed'
  | 'event';

export interface Moment {
  kind: MomentKind;
  /** What it is about: "node node-2", "pod default/web-5d8f-abc". */
  subject: string;
  /** For people: "node node-2 NotReady (NodeStatusUnknown)". */
  event: string;
  /** Monotonic ms when the watch delivered it. */
  seenAt: number;
  /** The cluster's stamp (epoch ms), when the object carries one. */
  stampMs: number | null;
  /** Where the stamp comes from: "Node condition Ready lastTransitionTime". */
  source: string;
}

/** stampOf: epoch ms of an RFC 3339 stamp, or null. */
export function stampOf(text: string | undefined): number | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
