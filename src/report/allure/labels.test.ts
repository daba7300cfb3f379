import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultRecord, ScenarioSummary } from '../../model/summary';
import { failureLevelsOf, layerOf, scenarioLabels, scenarioParameters } from './labels';

const fault = (kind: string, target: string): FaultRecord => ({ injectionId: kind, kind, target, reversible: true, ttlSeconds: 10, injectedAt: 't' });

describe('layerOf', () => {
  it('takes the folder under features/, an explicit @layer- tag first', () => {
    assert.equal(layerOf('features/network/partition.feature', []), 'network');
    assert.equal(layerOf('features/lab/isolate-node.feature', ['@lab', '@network']), 'lab');
    assert.equal(layerOf('/abs/path/features/ceph/osd.feature', []), 'ceph');
    assert.equal(layerOf('features/lab/x.feature', ['@layer-kubernetes']), 'kubernetes');
    assert.equal(layerOf('elsewhere/x.feature', []), undefined);
  });
});

describe('failureLevelsOf', () => {
  it('reads @failsafe-L<n> tags, once each', () => {
    assert.deepEqual(failureLevelsOf(['@lab', '@failsafe-L2', '@failsafe-l1', '@failsafe-L2', '@failsafe-X']), ['L2', 'L1']);
    assert.deepEqual(failureLevelsOf([]), []);
  });
});

describe('scenarioLabels and scenarioParameters', () => {
  const s: ScenarioSummary = {
    id: 'features/lab/a.feature:4', name: 'a', feature: 'features/lab/a.feature', line: 4, tags: ['@failsafe-L1', '@expect-failed'],
    verdict: 'failed', expectedVerdict: 'failed', asExpected: true,
    faults: [fault('network-isolate', 'node-1'), fault('network-isolate', 'node-2'), fault('process-kill', 'web on node-1')],
    slos: [], recovery: [], startedAt: 't', finishedAt: 't', durationSeconds: 1,
  };

  it('labels layer, each fault kind once, failure level, verdicts and environment', () => {
    assert.deepEqual(scenarioLabels(s, { environment: 'lab' }), [
      { name: 'layer', value: 'lab' },
      { name: 'faultKind', value: 'network-isolate' },
      { name: 'faultKind', value: 'process-kill' },
      { name: 'failureLevel', value: 'L1' },
      { name: 'verdict', value: 'failed' },
      { name: 'expectedVerdict', value: 'failed' },
      { name: 'environment', value: 'lab' },
    ]);
  });

  it('gives environment, seed and targets as parameters kept out of the history id', () => {
    assert.deepEqual(scenarioParameters(s, { environment: 'lab', seed: 7 }), [
      { name: 'environment', value: 'lab', excluded: true },
      { name: 'seed', value: '7', excluded: true },
      { name: 'targets', value: 'node-1, node-2, web on node-1', excluded: true },
    ]);
    assert.deepEqual(scenarioParameters({ ...s, faults: [] }, { environment: 'lab' }), [{ name: 'environment', value: 'lab', excluded: true }]);
  });
});
