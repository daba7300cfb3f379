/** ClusterState: moments derived from watch events, each with the cluster's stamp where the object carries one. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from './cluster-state';
import type { Pod } from '../select/pods';

const node = (ready: 'True' | 'Unknown', taints: { key: string; effect: string; timeAdded?: string }[] = [], at = '2026-12-06T10:00:08Z') => ({
  metadata: { name: 'node-2' },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: at, reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown' }] },
});

const pod = (name: string, fields: { ready?: boolean; scheduled?: boolean; deletion?: string; restarts?: number } = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(fields.deletion ? { deletionTimestamp: fields.deletion, deletionGracePeriodSeconds: 2 } : {}) },
  spec: { nodeName: 'node-3' },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: fields.scheduled === false ? 'False' : 'True', lastTransitionTime: '2026-12-06T10:00:13Z' },
      { type: 'Ready', status: fields.ready ? 'True' : 'False', lastTransitionTime: '2026-12-06T10:00:14Z' },
    ],
    containerStatuses: [{ name: 'httpd', restartCount: fields.restarts ?? 0, ready: !!fields.ready, state: { running: { startedAt: '2026-12-06T10:00:20Z' } } }],
  },
});

describe('ClusterState', () => {
  it('turns a node going NotReady and its taints into stamped moments, and the initial list into none', () => {
    const state = new ClusterState('Deployment');
    state.syncNodes([node('True')]);
    assert.equal(state.moments.length, 0);
    state.nodeEvent('MODIFIED', node('Unknown', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-12-06T10:00:09Z' }]));
    assert.deepEqual(state.moments.map((m) => [m.kind, m.stampMs]), [
      ['node-not-ready', Date.parse('2026-12-06T10:00:08Z')],
      ['node-taint', Date.parse('2026-12-06T10:00:09Z')],
    ]);
  });

  it('stamps a deletion at its request time (deletionTimestamp minus the grace period) and a replacement when scheduled and Ready', () => {
    const state = new ClusterState('Deployment');
    state.syncPods([pod('old', { ready: true })]);
    state.podEvent('MODIFIED', pod('old', { ready: true, deletion: '2026-12-06T10:00:15Z' }));
    state.podEvent('ADDED', pod('new', { ready: false }));
    state.podEvent('MODIFIED', pod('new', { ready: true }));
    assert.deepEqual(state.moments.map((m) => [m.kind, m.subject, m.stampMs]), [
      ['pod-deleted', 'pod default/old', Date.parse('2026-12-06T10:00:13Z')],
      ['pod-scheduled', 'pod default/new', Date.parse('2026-12-06T10:00:13Z')],
      ['pod-ready', 'pod default/new', Date.parse('2026-12-06T10:00:14Z')],
    ]);
  });

  it('does not count a terminating pod that reports Ready again as a replacement, and sees restarts', () => {
    const state = new ClusterState('Deployment');
    state.syncPods([pod('old', { ready: false, deletion: '2026-12-06T10:00:15Z' })]);
    state.podEvent('MODIFIED', pod('old', { ready: true, deletion: '2026-12-06T10:00:15Z' }));
    assert.equal(state.moments.length, 0);
    state.syncPods([pod('web', { ready: true })]);
    state.podEvent('MODIFIED', pod('web', { ready: true, restarts: 1 }));
    // The relist drops the terminating pod without a new moment (its deletion was seen before).
    assert.deepEqual(state.moments.map((m) => m.kind), ['pod-restarted']);
  });

  it('marks the workload degraded and available again from its status', () => {
    const state = new ClusterState('Deployment');
    const deployment = (available: number) => ({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 }, status: { availableReplicas: available, readyReplicas: available } });
    state.workloadEvent('MODIFIED', deployment(3));
    state.workloadEvent('MODIFIED', deployment(2));
    state.workloadEvent('MODIFIED', deployment(3));
    assert.deepEqual(state.moments.map((m) => m.kind), ['workload-degraded', 'workload-available']);
    assert.deepEqual(state.counts(), { desired: 3, available: 3, ready: 3 });
  });
});
