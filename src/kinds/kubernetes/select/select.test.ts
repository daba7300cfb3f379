/** Pod amounts and workload selectors: what "50% of the pods" and a Deployment's selector mean. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../../kernel/errors';
import { amountOf } from './pods';
import { labelSelectorText, parseWorkloadRef } from './workloads';

describe('amountOf', () => {
  it('rounds percentages half up with at least one pod, and takes counts as they are', () => {
    assert.equal(amountOf({ percent: 50 }, 3), 2);
    assert.equal(amountOf({ percent: 10 }, 3), 1);
    assert.equal(amountOf({ percent: 100 }, 3), 3);
    assert.equal(amountOf({ percent: 25 }, 4), 1);
    assert.equal(amountOf({ count: 2 }, 3), 2);
  });
});

describe('labelSelectorText', () => {
  it('writes matchLabels and matchExpressions in the API syntax', () => {
    assert.equal(labelSelectorText({ matchLabels: { app: 'web', tier: 'front' } }), 'app=web,tier=front');
    assert.equal(
      labelSelectorText({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, { key: 'gpu', operator: 'DoesNotExist' }, { key: 'x', operator: 'Exists' }, { key: 'y', operator: 'NotIn', values: ['1'] }] }),
      'zone in (a,b),!gpu,x,y notin (1)',
    );
  });
});

describe('parseWorkloadRef', () => {
  it('reads namespace/name of a known kind and refuses anything else', () => {
    assert.deepEqual(parseWorkloadRef('Deployment', 'default/web'), { kind: 'Deployment', namespace: 'default', name: 'web' });
    assert.throws(() => parseWorkloadRef('Deployment', 'web'), BadInput);
    assert.throws(() => parseWorkloadRef('Pod', 'default/web'), /not a workload kind/);
  });
});
