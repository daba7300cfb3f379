/**
 * ClusterState: what the watches of one scenario know — nodes, the watched workload and its pods — updated from
 * watch events only (no polling), and the moments (moments.ts) derived from the changes: a node's Ready condition
 * flipping, a taint added, a pod deleted, scheduled, Ready or restarted, the workload degraded and available again.
 */
import { now } from '../../../kernel/clock';
import type { WatchEventType } from '../client/watch';
import type { Pod } from '../select/pods';
import type { TaintedNode } from '../taints';
import type { Workload } from '../select/workloads';
import { Moment, stampOf } from './moments';

interface NodeView extends TaintedNode {
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string }[] };
}

const condition = (object: { status?: { conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string }[] } }, type: string) =>
  object.status?.conditions?.find((c) => c.type === type);

const restarts = (pod: Pod): number => (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0);

export interface WorkloadCounts {
  desired: number;
  available: number;
  ready: number;
}

export class ClusterState {
  readonly moments: Moment[] = [];
  readonly nodes = new Map<string, NodeView>();
  readonly pods = new Map<string, Pod>();
  workload: Workload | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly workloadKind: string) {}

  /** onChange: called after every applied event (waits re-check their condition there). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  syncNodes(items: NodeView[]): void {
    for (const item of items) this.nodeEvent('MODIFIED', item);
  }

  nodeEvent(type: WatchEventType, node: NodeView): void {
    const name = node.metadata.name;
    const before = this.nodes.get(name);
    if (type === 'DELETED') this.nodes.delete(name);
    else this.nodes.set(name, node);
    if (before && type !== 'DELETED') {
      const wasReady = condition(before, 'Ready')?.status === 'True';
      const ready = condition(node, 'Ready');
      const isReady = ready?.status === 'True';
      if (wasReady !== isReady) {
        this.add(isReady ? 'node-ready' : 'node-not-ready', `node ${name}`, `node ${name} ${isReady ? 'Ready again' : `NotReady (${ready?.reason ?? ready?.status ?? 'no Ready condition'})`}`, stampOf(ready?.lastTransitionTime), 'Node condition Ready lastTransitionTime');
      }
      const known = new Set((before.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`));
      for (const taint of node.spec?.taints ?? []) {
        if (known.has(`${taint.key}:${taint.effect}`)) continue;
        this.add('node-taint', `node ${name}`, `node ${name} tainted ${taint.key}:${taint.effect}`, stampOf(taint.timeAdded), taint.timeAdded ? 'Taint timeAdded' : 'none (NoSchedule taints carry no time)');
      }
    }
    this.changed();
  }

  syncPods(items: Pod[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.metadata.uid ?? item.metadata.name);
      this.podEvent('MODIFIED', item);
    }
    for (const [uid, pod] of this.pods) if (!seen.has(uid)) this.podEvent('DELETED', pod);
  }

  podEvent(type: WatchEventType, pod: Pod): void {
    const key = pod.metadata.uid ?? pod.metadata.name;
    const before = this.pods.get(key);
    const subject = `pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    if (type === 'DELETED') {
      this.pods.delete(key);
      if (before && !before.metadata.deletionTimestamp) this.add('pod-deleted', subject, `${subject} deleted`, null, 'none (deleted at once)');
      this.changed();
      return;
    }
    this.pods.set(key, pod);
    if (before) {
      if (!before.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) {
        // deletionTimestamp is the request time plus the grace period.
        const at = stampOf(String(pod.metadata.deletionTimestamp));
        const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0);
        this.add('pod-deleted', subject, `${subject} being deleted (on ${pod.spec?.nodeName ?? '?'})`, at === null ? null : at - grace * 1000, 'Pod deletionTimestamp - deletionGracePeriodSeconds');
      }
      this.podTransitions(before, pod, subject);
    } else if (type === 'ADDED') {
      // A pod that appeared while watching (a replacement): its scheduling and readiness are moments.
      this.podTransitions(undefined, pod, subject);
    }
    this.changed();
  }

  private podTransitions(before: Pod | undefined, pod: Pod, subject: string): void {
    const scheduled = condition(pod, 'PodScheduled');
    if (condition(before ?? {}, 'PodScheduled')?.status !== 'True' && scheduled?.status === 'True') {
      this.add('pod-scheduled', subject, `${subject} scheduled on ${pod.spec?.nodeName ?? '?'}`, stampOf(scheduled.lastTransitionTime), 'Pod condition PodScheduled lastTransitionTime');
    }
    const ready = condition(pod, 'Ready');
    // A terminating pod that reports Ready again (its node's kubelet came back before killing it) is no replacement.
    if (condition(before ?? {}, 'Ready')?.status !== 'True' && ready?.status === 'True' && !pod.metadata.deletionTimestamp) {
      this.add('pod-ready', subject, `${subject} Ready on ${pod.spec?.nodeName ?? '?'}`, stampOf(ready.lastTransitionTime), 'Pod condition Ready lastTransitionTime');
    }
    if (before && restarts(pod) > restarts(before)) {
      const status = pod.status?.containerStatuses?.find((c) => c.state?.running?.startedAt);
      this.add('pod-restarted', subject, `${subject} container restarted (restartCount ${restarts(pod)})`, stampOf(status?.state?.running?.startedAt), 'Container state running startedAt');
    }
  }

  workloadEvent(type: WatchEventType, workload: Workload): void {
    const before = this.workload ? this.counts() : null;
    this.workload = type === 'DELETED' ? null : workload;
    const after = this.counts();
    if (before && after) {
      const subject = `${this.workloadKind} ${workload.metadata.namespace ?? ''}/${workload.metadata.name}`;
      const wasFull = before.available >= before.desired;
      const isFull = after.available >= after.desired;
      if (wasFull && !isFull) this.add('workload-degraded', subject, `${subject} ${after.available}/${after.desired} available`, this.latestPodStamp('Ready', false), 'latest pod Ready condition lastTransitionTime (to False)');
      if (!wasFull && isFull) this.add('workload-available', subject, `${subject} all ${after.desired} replicas available again`, this.latestPodStamp('Ready', true), 'latest pod Ready condition lastTransitionTime');
    }
    this.changed();
  }

  /** counts: desired, available and ready replicas of the watched workload, from its status. */
  counts(): WorkloadCounts | null {
    const w = this.workload;
    if (!w) return null;
    if (this.workloadKind === 'DaemonSet') return { desired: w.status?.desiredNumberScheduled ?? 0, available: w.status?.numberReady ?? 0, ready: w.status?.numberReady ?? 0 };
    return { desired: w.spec?.replicas ?? 1, available: w.status?.availableReplicas ?? 0, ready: w.status?.readyReplicas ?? 0 };
  }

  /** latestPodStamp: the latest lastTransitionTime of a pod condition of `type` with status `value` (epoch ms). */
  private latestPodStamp(type: string, value: boolean): number | null {
    let latest: number | null = null;
    for (const pod of this.pods.values()) {
      const c = condition(pod, type);
      if ((c?.status === 'True') !== value) continue;
      const at = stampOf(c?.lastTransitionTime);
      if (at !== null && (latest === null || at > latest)) latest = at;
    }
    return latest;
  }

  /** add: records a moment seen now (also used by the side watches, side-signals.ts). */
  add(kind: Moment['kind'], subject: string, event: string, stampMs: number | null, source: string): void {
    this.moments.push({ kind, subject, event, seenAt: now(), stampMs, source });
  }

  /** changed: tells the waits that something was applied. */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}

