/** SideSignals: EndpointSlice, PodDisruptionBudget and Event moments about the watched pods and nodes only. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from './cluster-state';
import { SideSignals } from './side-signals';

const pod = (name: string) => ({ metadata: { name, namespace: 'default', uid: `uid-${name}` }, status: { phase: 'Running' } });
const slice = (ready: Record<string, boolean>) => ({ metadata: { name: 'web-abc' }, endpoints: Object.entries(ready).map(([name, r]) => ({ addresses: ['10.0.0.1'], conditions: { ready: r }, targetRef: { kind: 'Pod', name } })) });

describe('SideSignals', () => {
  it('sees a watched pod\'s endpoint turn not ready and ready again, and ignores other pods', () => {
    const state = new ClusterState('Deployment');
    state.syncPods([pod('web-1')]);
    const side = new SideSignals(state, 'default');
    side.syncSlices([slice({ 'web-1': true, other: true })]);
    side.sliceEvent('MODIFIED', slice({ 'web-1': false, other: false }));
    side.sliceEvent('MODIFIED', slice({ 'web-1': true, other: true }));
    assert.deepEqual(state.moments.map((m) => [m.kind, m.subject]), [['endpoint-not-ready', 'pod default/web-1'], ['endpoint-ready', 'pod default/web-1']]);
  });

  it('records a budget\'s disruptionsAllowed changing after the first list', () => {
    const state = new ClusterState('Deployment');
    const side = new SideSignals(state, 'default');
    const budget = (allowed: number) => ({ metadata: { name: 'web' }, status: { disruptionsAllowed: allowed, currentHealthy: 3, desiredHealthy: 2 } });
    side.syncBudgets([budget(1)]);
    side.budgetEvent('MODIFIED', budget(1));
    side.budgetEvent('MODIFIED', budget(0));
    assert.deepEqual(state.moments.map((m) => m.event), ['PodDisruptionBudget default/web allows 0 disruption(s) (was 1; 3/2 healthy)']);
  });

  it('keeps Events about watched pods and nodes that matter, stamped with their own time', () => {
    const state = new ClusterState('Deployment');
    state.syncPods([pod('web-1')]);
    const side = new SideSignals(state, 'default');
    const event = (kind: string, name: string, reason: string, type = 'Normal') => ({ metadata: { name: `${name}.1` }, type, reason, message: reason, involvedObject: { kind, name, namespace: 'default' }, lastTimestamp: '2026-12-06T10:00:13Z' });
    side.eventEvent('ADDED', event('Pod', 'web-1', 'Killing'));
    assert.equal(state.moments.length, 0, 'events before the first list are history');
    side.syncEvents();
    side.eventEvent('ADDED', event('Pod', 'web-1', 'Killing'));
    side.eventEvent('ADDED', event('Pod', 'web-1', 'Pulled'));
    side.eventEvent('ADDED', event('Pod', 'someone-else', 'Killing'));
    side.eventEvent('ADDED', event('Node', 'node-2', 'NodeNotReady'));
    side.eventEvent('ADDED', event('Pod', 'web-1', 'Unhealthy', 'Warning'));
    assert.deepEqual(state.moments.map((m) => [m.subject, m.stampMs]), [
      ['pod default/web-1', Date.parse('2026-12-06T10:00:13Z')],
      ['node default/node-2', Date.parse('2026-12-06T10:00:13Z')],
      ['pod default/web-1', Date.parse('2026-12-06T10:00:13Z')],
    ]);
  });
});
