/**
 * How many shards run at once and what each may harm: scope.maxNodesAtOnce is shared, never multiplied
 * (docs/decisions/0158); and `k8s submit` refusing, with exit 2 and before any cluster is asked, what cannot work.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../../kernel/errors';
import { runScsChaos } from '../../../../test/support/scs-chaos-cli';
import { parallelismOf } from './submit';

const env = (maxNodesAtOnce: number, sections: object = {}) => ({ scope: { nodes: [], maxNodesAtOnce, allowDestructive: false, maxFaultDurationMs: 1 }, sourcePath: 'e.yaml', sections });

describe('parallelismOf', () => {
  it('runs as many shards at once as the blast radius allows, and gives each its share', () => {
    assert.deepEqual(parallelismOf(env(1), 3, undefined), { parallelism: 1, maxNodesPerShard: 1 });
    assert.deepEqual(parallelismOf(env(2), 3, undefined), { parallelism: 2, maxNodesPerShard: 1 });
    assert.deepEqual(parallelismOf(env(5), 2, undefined), { parallelism: 2, maxNodesPerShard: 2 });
    assert.deepEqual(parallelismOf(env(4), 3, '1'), { parallelism: 1, maxNodesPerShard: 4 });
    assert.deepEqual(parallelismOf(env(4), 2, '9'), { parallelism: 2, maxNodesPerShard: 2 }, 'never more at once than there are shards');
  });

  it('refuses a parallelism the blast radius cannot be shared by, Ceph in parallel, and words', () => {
    const refuses = (e: ReturnType<typeof env>, shards: number, asked: string, message: RegExp): void => assert.throws(() => parallelismOf(e, shards, asked), (error: unknown) => error instanceof BadInput && message.test(error.message));
    refuses(env(1), 3, '2', /scope\.maxNodesAtOnce = 1 cannot be shared by 2 shards/);
    refuses(env(3, { ceph: {} }), 3, '3', /Ceph, whose failure-domain budget/);
    refuses(env(3), 3, 'two', /--parallelism two is not a number/);
    refuses(env(3), 3, '0', /--parallelism 0 is not a number/);
  });
});

describe('k8s submit refuses bad input before it asks any cluster', () => {
  it('an environment whose nodes a pod cannot reach, too much parallelism, unwritable reports, no --shards: exit 2 with the fix', async () => {
    const lab = await runScsChaos(['k8s', 'submit', '--shards', '2', 'features/kubernetes']);
    assert.equal(lab.code, 2, lab.stderr);
    assert.match(lab.stderr, /lab\.yaml:\d+: node node-1: its executor is "netns", which a shard pod cannot use/);
    assert.match(lab.stderr, /fix: give every node executor: \{kind: kube-node/);
    const parallel = await runScsChaos(['k8s', 'submit', '--shards', '3', '--parallelism', '3', '--env', 'experiments/environments/lab-kube-node.yaml', 'features/kubernetes']);
    assert.equal(parallel.code, 2, parallel.stderr);
    assert.match(parallel.stderr, /scope\.maxNodesAtOnce = 1 cannot be shared by 3 shards/);
    const unwritable = await runScsChaos(['k8s', 'submit', '--shards', '1', '--env', 'experiments/environments/lab-kube-node.yaml', '--reports', '/proc/scs-chaos-reports', 'features/kubernetes']);
    assert.equal(unwritable.code, 2, unwritable.stderr);
    assert.match(unwritable.stderr, /--reports \/proc\/scs-chaos-reports cannot be written/);
    const none = await runScsChaos(['k8s', 'submit', 'features/kubernetes']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /k8s submit needs --shards N/);
  });
});
