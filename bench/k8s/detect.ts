/**
 * The detect step of bench:k8s: one watch over every node (the client layer's KubeWatch, as a node-Ready probe
 * would hold it) and, per repetition, a node's Ready condition set to False through the status subresource — the
 * write a kubelet (here: kwok's place) makes. Detect time = from sending that write to the watch event that shows
 * the node NotReady; an upper bound of the watch's delay, since the change lands in etcd before the answer.
 * kwok's node-initialize stage then sets the node Ready again, which the step waits for before the next node.
 */
import { now } from '../../src/kernel/clock';
import type { KubeClient } from '../../src/kinds/kubernetes/client/client';
import type { KubeObject } from '../../src/kinds/kubernetes/client/list';

/** A watch event later than this means the watch is broken, not slow. */
const EVENT_TIMEOUT_MS = 15_000;

export interface DetectFigures {
  /** Seconds for the watch's first list of every node. */
  syncSeconds: number;
  /** Per repetition: write sent → NotReady seen. */
  detectSeconds: number[];
  /** Per repetition: NotReady seen → kwok's Ready seen. */
  restoreSeconds: number[];
}

type Condition = { type: string; status: string };
const readyStatus = (node: KubeObject): string | undefined => ((node.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready')?.status;

export async function measureDetect(client: KubeClient, nodeNames: string[]): Promise<DetectFigures> {
  // Per node, the Ready statuses still awaited, in order (kwok may restore Ready before NotReady's promise runs on).
  const waiting = new Map<string, { status: string; resolve: () => void }[]>();
  const started = now();
  const watch = client.watch<KubeObject>({
    path: '/api/v1/nodes',
    subject: { resource: 'nodes' },
    onSync: () => undefined,
    onEvent: (_type, node) => {
      const queue = waiting.get(node.metadata.name);
      if (queue?.[0] && readyStatus(node) === queue[0].status) queue.shift()?.resolve();
    },
  });
  const figures: DetectFigures = { syncSeconds: 0, detectSeconds: [], restoreSeconds: [] };
  try {
    await watch.ready;
    figures.syncSeconds = (now() - started) / 1000;
    const seen = (name: string, status: string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`node ${name}: the watch did not show Ready=${status} within ${EVENT_TIMEOUT_MS / 1000}s`)), EVENT_TIMEOUT_MS);
        const queue = waiting.get(name) ?? [];
        queue.push({ status, resolve: () => (clearTimeout(timer), resolve()) });
        waiting.set(name, queue);
      });
    for (const name of nodeNames) {
      const notReady = seen(name, 'False');
      const readyAgain = seen(name, 'True');
      readyAgain.catch(() => undefined); // awaited below; only NotReady's failure may end the step first
      const sent = now();
      const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = { type: 'Ready', status: 'False', reason: 'BenchNotReady', message: 'bench:k8s set this node NotReady', lastHeartbeatTime: stamp, lastTransitionTime: stamp };
      await client.send({ method: 'PATCH', patchType: 'strategic', path: `/api/v1/nodes/${name}/status`, body: { status: { conditions: [condition] } }, subject: { verb: 'patch', resource: 'nodes/status', name } });
      await notReady;
      const detected = now();
      figures.detectSeconds.push((detected - sent) / 1000);
      await readyAgain;
      figures.restoreSeconds.push((now() - detected) / 1000);
    }
  } finally {
    await watch.stop();
  }
  return figures;
}
