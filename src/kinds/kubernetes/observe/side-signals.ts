/**
 * The side watches of a scenario, beside nodes, the workload and its pods (cluster-state.ts): the EndpointSlices,
 * PodDisruptionBudgets and Events of the workload's namespace. They add moments only about the watched pods and
 * nodes: a pod's endpoint turning not ready or ready (EndpointSlice conditions — what the Service actually routes
 * to), a budget's disruptionsAllowed changing, and the Events the controllers and kubelets write about them
 * (eviction, scheduling, kills, back-off), each with the Event's own time.
 */
import type { KubeObject } from '../client/list';
import type { WatchEventType } from '../client/watch';
import type { ClusterState } from './cluster-state';
import { stampOf } from './moments';

export interface EndpointSlice extends KubeObject {
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }; targetRef?: { kind: string; name: string } }[];
}

export interface DisruptionBudget extends KubeObject {
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number };
}

export interface KubeEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind: string; name: string; namespace?: string };
  eventTime?: string | null;
  lastTimestamp?: string | null;
  firstTimestamp?: string | null;
}

/** Reasons worth a moment even when not Warnings: what the controllers did to the watched pods and nodes. */
const EVENT_REASONS = new Set(['Evicted', 'TaintManagerEviction', 'Killing', 'Scheduled', 'Started', 'NodeNotReady', 'SuccessfulCreate', 'Preempted']);

export class SideSignals {
  private readonly endpoints = new Map<string, boolean>();
  private readonly budgets = new Map<string, number | undefined>();
  private synced = { slices: false, budgets: false, events: false };

  constructor(
    private readonly state: ClusterState,
    private readonly namespace: string,
  ) {}

  /** watched: a pod of the workload (by name) or a node. */
  private watchedPod(name: string): boolean {
    for (const pod of this.state.pods.values()) if (pod.metadata.name === name) return true;
    return false;
  }

  syncSlices(items: EndpointSlice[]): void {
    for (const slice of items) this.sliceEvent('MODIFIED', slice, false);
    this.synced.slices = true;
  }

  sliceEvent(type: WatchEventType, slice: EndpointSlice, record = this.synced.slices): void {
    if (type === 'DELETED') return;
    for (const endpoint of slice.endpoints ?? []) {
      const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      if (!pod || !this.watchedPod(pod)) continue;
      const key = `${slice.metadata.name}/${pod}`;
      const ready = endpoint.conditions?.ready !== false;
      const before = this.endpoints.get(key);
      this.endpoints.set(key, ready);
      if (record && before !== undefined && before !== ready) {
        this.state.add(ready ? 'endpoint-ready' : 'endpoint-not-ready', `pod ${this.namespace}/${pod}`, `endpoint of pod ${this.namespace}/${pod} ${ready ? 'ready again' : 'not ready'} in EndpointSlice ${slice.metadata.name}`, null, 'none (EndpointSlices carry no per-endpoint time)');
      }
    }
    this.state.changed();
  }

  syncBudgets(items: DisruptionBudget[]): void {
    for (const budget of items) this.budgets.set(budget.metadata.name, budget.status?.disruptionsAllowed);
    this.synced.budgets = true;
  }

  budgetEvent(type: WatchEventType, budget: DisruptionBudget): void {
    const before = this.budgets.get(budget.metadata.name);
    const now = type === 'DELETED' ? undefined : budget.status?.disruptionsAllowed;
    this.budgets.set(budget.metadata.name, now);
    if (this.synced.budgets && type !== 'DELETED' && before !== undefined && now !== undefined && before !== now) {
      this.state.add('budget-changed', `PodDisruptionBudget ${this.namespace}/${budget.metadata.name}`, `PodDisruptionBudget ${this.namespace}/${budget.metadata.name} allows ${now} disruption(s) (was ${before}; ${budget.status?.currentHealthy ?? '?'}/${budget.status?.desiredHealthy ?? '?'} healthy)`, null, 'none (a budget\'s status carries no time)');
    }
    this.state.changed();
  }

  /** Events: only after the first list (older Events are history), about watched pods or any node. */
  syncEvents(): void {
    this.synced.events = true;
  }

  eventEvent(type: WatchEventType, event: KubeEvent): void {
    if (!this.synced.events || type !== 'ADDED' && type !== 'MODIFIED') return;
    const about = event.involvedObject;
    if (!about) return;
    const relevant = (about.kind === 'Pod' && this.watchedPod(about.name)) || about.kind === 'Node';
    if (!relevant || !(event.type === 'Warning' || EVENT_REASONS.has(event.reason ?? ''))) return;
    const stamp = stampOf(event.eventTime ?? event.lastTimestamp ?? event.firstTimestamp ?? undefined);
    this.state.add('event', `${about.kind.toLowerCase()} ${about.namespace ? `${about.namespace}/` : ''}${about.name}`, `Event ${event.reason ?? '?'} on ${about.kind} ${about.name}: ${(event.message ?? '').slice(0, 160)}`, stamp, event.eventTime ? 'Event eventTime' : 'Event lastTimestamp');
    this.state.changed();
  }
}
