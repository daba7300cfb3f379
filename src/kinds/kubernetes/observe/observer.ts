/**
 * KubeObserver: the watches of one scenario — every node, one workload and the pods its selector matches, and the
 * EndpointSlices, PodDisruptionBudgets and Events of its namespace (side-signals.ts) — feeding a ClusterState
 * (cluster-state.ts). List-then-watch with resume (client/watch.ts): no polling loop asks the API
 * server anything while a scenario runs. `waitFor` wakes on watch events, not on a timer.
 */
import type { KubeClient } from '../client/client';
import type { KubeWatch } from '../client/watch';
import type { KubeObject } from '../client/list';
import { Pod, podsPath } from '../select/pods';
import { describeWorkload, labelSelectorText, readWorkload, Workload, WORKLOAD_KINDS, WorkloadRef } from '../select/workloads';
import { ClusterState } from './cluster-state';
import { DisruptionBudget, EndpointSlice, KubeEvent, SideSignals } from './side-signals';
import { KubeNeed, need } from '../rbac/needs';

/**
 * observerNeeds: what start() reads — the workload (get, and list/watch of it by name), and list/watch of the nodes
 * (cluster-scoped), the workload's pods, and the EndpointSlices, PodDisruptionBudgets and Events of its namespace.
 */
export function observerNeeds(ref: WorkloadRef): KubeNeed[] {
  const ns = ref.namespace;
  const watch = ['list', 'watch'];
  return [
    need('apps', WORKLOAD_KINDS[ref.kind], ['get', ...watch], ns),
    need('', 'nodes', watch),
    need('', 'pods', watch, ns),
    need('discovery.k8s.io', 'endpointslices', watch, ns),
    need('policy', 'poddisruptionbudgets', watch, ns),
    need('', 'events', watch, ns),
  ];
}

export class KubeObserver {
  readonly state: ClusterState;
  private readonly watches: KubeWatch<KubeObject>[] = [];
  retries = 0;

  private constructor(readonly ref: WorkloadRef, readonly labelSelector: string) {
    this.state = new ClusterState(ref.kind);
  }

  /** start: lists and watches nodes, the workload and its pods; resolves when all three lists are in. */
  static async start(client: KubeClient, ref: WorkloadRef): Promise<KubeObserver> {
    const workload = await readWorkload(client, ref);
    const observer = new KubeObserver(ref, labelSelectorText(workload.spec?.selector));
    const { state } = observer;
    const onRetry = (): void => {
      observer.retries++;
    };
    const resource = WORKLOAD_KINDS[ref.kind];
    observer.watches.push(
      client.watch<KubeObject>({ path: '/api/v1/nodes', subject: { resource: 'nodes' }, onSync: (items) => state.syncNodes(items), onEvent: (type, o) => state.nodeEvent(type, o), onRetry }),
      client.watch<KubeObject>({ path: podsPath(ref.namespace), query: { labelSelector: observer.labelSelector }, subject: { resource: 'pods', namespace: ref.namespace }, onSync: (items) => state.syncPods(items as Pod[]), onEvent: (type, o) => state.podEvent(type, o as Pod), onRetry }),
      client.watch<KubeObject>({
        path: `/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/${resource}`,
        query: { fieldSelector: `metadata.name=${ref.name}` },
        subject: { resource, namespace: ref.namespace },
        onSync: (items) => (items[0] ? state.workloadEvent('MODIFIED', items[0] as Workload) : undefined),
        onEvent: (type, o) => state.workloadEvent(type, o as Workload),
        onRetry,
      }),
    );
    const side = new SideSignals(state, ref.namespace);
    const ns = encodeURIComponent(ref.namespace);
    observer.watches.push(
      client.watch<KubeObject>({ path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, subject: { resource: 'endpointslices', namespace: ref.namespace }, onSync: (items) => side.syncSlices(items as EndpointSlice[]), onEvent: (type, o) => side.sliceEvent(type, o as EndpointSlice), onRetry }),
      client.watch<KubeObject>({ path: `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, subject: { resource: 'poddisruptionbudgets', namespace: ref.namespace }, onSync: (items) => side.syncBudgets(items as DisruptionBudget[]), onEvent: (type, o) => side.budgetEvent(type, o as DisruptionBudget), onRetry }),
      client.watch<KubeObject>({ path: `/api/v1/namespaces/${ns}/events`, subject: { resource: 'events', namespace: ref.namespace }, onSync: () => side.syncEvents(), onEvent: (type, o) => side.eventEvent(type, o as KubeEvent), onRetry }),
    );
    await Promise.all(observer.watches.map((watch) => watch.ready));
    return observer;
  }

  describe(): string {
    return `watches on nodes, ${describeWorkload(this.ref)} and its pods (${this.labelSelector}), and the EndpointSlices, PodDisruptionBudgets and Events of ${this.ref.namespace}`;
  }

  /** waitFor: resolves true once `done()` holds (checked now and after every watch event), false at `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const unsubscribe = this.state.onChange(() => {
        if (done()) finish(true);
      });
      signal.addEventListener('abort', onAbort);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((watch) => watch.stop()));
  }
}
