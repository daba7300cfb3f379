import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../kernel/errors';
import type { Environment, NodeSpec } from '../../model/environment';
import { mulberry32, pickSeeded } from '../../kernel/random';
import { parseSelector, resolveSelector } from './selector';

const node = (name: string, roles: string[]): NodeSpec => ({ name, address: `198.18.0.${10 + Number(name.replace(/\D/g, '') || 0)}`, roles, executor: { kind: 'local' } });

/** A hand-written environment: four web nodes (web-4 out of scope), two storage nodes, one edge. */
function environment(maxNodesAtOnce = 3): Environment {
  return {
    name: 'unit',
    sourcePath: '/envs/unit.yaml',
    // Deliberately not in name order: resolution must not depend on the file's order.
    nodes: [node('web-3', ['web']), node('web-1', ['web']), node('store-1', ['storage']), node('web-2', ['web']), node('store-2', ['storage']), node('web-4', ['web']), node('edge-1', ['edge'])],
    services: {},
    scope: { nodes: ['web-1', 'web-2', 'web-3', 'store-1', 'store-2'], maxNodesAtOnce, allowDestructive: false, maxFaultDurationMs: 1_800_000 },
    defaults: { faultTtlGraceMs: 10_000, probeRateHz: 10, probeTimeoutMs: 500, stabilizationMs: 2000 },
    sections: {},
  };
}

const names = (nodes: NodeSpec[]): string[] => nodes.map((n) => n.name);

describe('parseSelector', () => {
  it('reads every accepted form', () => {
    assert.deepEqual(parseSelector('node-1'), { kind: 'name', text: 'node-1', name: 'node-1' });
    assert.deepEqual(parseSelector('the web nodes'), { kind: 'all', text: 'the web nodes', role: 'web' });
    assert.deepEqual(parseSelector('all  the web nodes'), { kind: 'all', text: 'all the web nodes', role: 'web' });
    assert.deepEqual(parseSelector('every storage node'), { kind: 'all', text: 'every storage node', role: 'storage' });
    assert.deepEqual(parseSelector('the nodes'), { kind: 'all', text: 'the nodes', role: null });
    assert.deepEqual(parseSelector('a random web node'), { kind: 'count', text: 'a random web node', count: 1, of: null, role: 'web' });
    assert.deepEqual(parseSelector('one of the web nodes'), { kind: 'count', text: 'one of the web nodes', count: 1, of: null, role: 'web' });
    assert.deepEqual(parseSelector('1 of 3 storage nodes'), { kind: 'count', text: '1 of 3 storage nodes', count: 1, of: 3, role: 'storage' });
    assert.deepEqual(parseSelector('2 of the web nodes'), { kind: 'count', text: '2 of the web nodes', count: 2, of: null, role: 'web' });
    assert.deepEqual(parseSelector('2 of 5 nodes'), { kind: 'count', text: '2 of 5 nodes', count: 2, of: 5, role: null });
    assert.deepEqual(parseSelector('2 random web nodes'), { kind: 'count', text: '2 random web nodes', count: 2, of: null, role: 'web' });
    assert.deepEqual(parseSelector('30% of the web nodes'), { kind: 'percent', text: '30% of the web nodes', percent: 30, role: 'web' });
    assert.deepEqual(parseSelector('12.5 % of nodes'), { kind: 'percent', text: '12.5 % of nodes', percent: 12.5, role: null });
  });

  it('refuses bad text with the accepted forms', () => {
    for (const text of ['', 'nodes', 'some web nodes', 'the node-1 please', '0 of the web nodes', '3 of 2 web nodes', '0% of the web nodes', '150% of the nodes']) {
      assert.throws(() => parseSelector(text), BadInput, text);
    }
    assert.throws(() => parseSelector('some web nodes'), /not a node selector[\s\S]*"the web nodes"[\s\S]*"30% of the web nodes"/);
    assert.throws(() => parseSelector('3 of 2 web nodes'), /asks for 3 of 2 nodes/);
  });
});

describe('resolveSelector', () => {
  it('resolves a node by name, in scope only, and hints at roles', () => {
    const env = environment();
    assert.deepEqual(names(resolveSelector(env, parseSelector('web-2')).nodes), ['web-2']);
    assert.throws(() => resolveSelector(env, parseSelector('web-4')), /web-4 is out of scope for environment unit[\s\S]*scope\.nodes in \/envs\/unit\.yaml/);
    assert.throws(() => resolveSelector(env, parseSelector('web')), /node "web" is not in environment unit \("web" is a role: did you mean "the web nodes"/);
  });

  it('selects every in-scope node of a role, sorted, naming those out of scope', () => {
    const result = resolveSelector(environment(), parseSelector('the web nodes'));
    assert.deepEqual(names(result.nodes), ['web-1', 'web-2', 'web-3']);
    assert.equal(result.description, '"the web nodes" → web-1, web-2, web-3 (out of scope: web-4)');
    assert.deepEqual(names(resolveSelector(environment(), parseSelector('the Storage nodes')).nodes), ['store-1', 'store-2']);
  });

  it('refuses unknown roles and roles with no node in scope', () => {
    assert.throws(() => resolveSelector(environment(), parseSelector('the db nodes')), /no node of environment unit has role "db"[\s\S]*edge, storage, web/);
    assert.throws(() => resolveSelector(environment(), parseSelector('the edge nodes')), /none of edge-1 is in scope/);
  });

  it('picks N of a role at random, reproducibly with the logged seed', () => {
    const env = environment();
    const first = resolveSelector(env, parseSelector('2 of the web nodes'));
    assert.equal(first.nodes.length, 2);
    for (const n of first.nodes) assert.ok(['web-1', 'web-2', 'web-3'].includes(n.name), `${n.name} is an in-scope web node`);
    const again = resolveSelector(env, parseSelector('2 of the web nodes'), first.seed);
    assert.deepEqual(names(again.nodes), names(first.nodes));
    assert.match(first.description, new RegExp(`random, seed ${first.seed}`));
  });

  it('gives a fixed choice for a fixed seed (mulberry32 over name-sorted candidates)', () => {
    // Seed 1: mulberry32 draws 0.627…, 0.0027…; Fisher–Yates over [web-1, web-2, web-3]:
    // i=2, j=⌊0.627·3⌋=1 → [web-1, web-3, web-2]; i=1, j=⌊0.0027·2⌋=0 → [web-3, web-1, web-2]; the first is web-3.
    const result = resolveSelector(environment(), parseSelector('1 of the web nodes'), 1);
    assert.deepEqual(names(result.nodes), ['web-3']);
    assert.equal(result.seed, 1);
    assert.equal(result.description, '"1 of the web nodes" → web-3 (random, seed 1; out of scope: web-4)');
  });

  it('different seeds explore different choices', () => {
    const env = environment();
    const seen = new Set<string>();
    for (let seed = 0; seed < 50; seed++) seen.add(names(resolveSelector(env, parseSelector('a random web node'), seed).nodes).join());
    assert.deepEqual([...seen].sort(), ['web-1', 'web-2', 'web-3']);
  });

  it('checks "N of M": M must be the role\'s count, N at most what is in scope', () => {
    const env = environment();
    assert.throws(() => resolveSelector(env, parseSelector('1 of 3 web nodes')), /expects 3 web nodes, but environment unit has 4 \(web-1, web-2, web-3, web-4\)/);
    assert.equal(resolveSelector(env, parseSelector('1 of 4 web nodes'), 7).nodes.length, 1);
    assert.throws(() => resolveSelector(env, parseSelector('4 of 4 web nodes')), /asks for 4 web nodes, but only 3 are in scope \(web-1, web-2, web-3\)/);
  });

  it('rounds percentages down, but picks at least one node', () => {
    const env = environment();
    assert.equal(resolveSelector(env, parseSelector('30% of the web nodes'), 3).nodes.length, 1, '30% of 3 = 0.9 → at least 1');
    assert.equal(resolveSelector(env, parseSelector('66% of the web nodes'), 3).nodes.length, 1, '66% of 3 = 1.98 → 1');
    assert.equal(resolveSelector(env, parseSelector('67% of the web nodes'), 3).nodes.length, 2, '67% of 3 = 2.01 → 2');
    assert.equal(resolveSelector(env, parseSelector('100% of the web nodes'), 3).nodes.length, 3);
    assert.match(resolveSelector(env, parseSelector('30% of the web nodes'), 3).description, /30% of 3 rounded down, at least 1; random, seed 3/);
  });

  it('refuses more nodes than scope.maxNodesAtOnce, naming the limit and the file', () => {
    const env = environment(1);
    assert.throws(
      () => resolveSelector(env, parseSelector('the web nodes')),
      (error: unknown) =>
        error instanceof BadInput &&
        /picks 3 nodes \(web-1, web-2, web-3\), more than scope\.maxNodesAtOnce = 1 of environment unit/.test(error.message) &&
        /raise scope\.maxNodesAtOnce in \/envs\/unit\.yaml/.test(error.message),
    );
    assert.equal(resolveSelector(env, parseSelector('a random web node')).nodes.length, 1);
  });

  it('refuses seeds that no run could have logged', () => {
    assert.throws(() => resolveSelector(environment(), parseSelector('a random node'), -1), /seed -1 is not a selector seed/);
    assert.throws(() => resolveSelector(environment(), parseSelector('a random node'), 2 ** 32), /not a selector seed/);
  });
});

describe('mulberry32 and pickSeeded', () => {
  it('matches an independent implementation of mulberry32', () => {
    // Reference values computed with a separate Python implementation of the same algorithm.
    const random = mulberry32(42);
    assert.deepEqual([random(), random(), random()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('picks without repetition and the same way for the same seed', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const picked = pickSeeded(items, 4, 123);
    assert.equal(new Set(picked).size, 4);
    assert.deepEqual(pickSeeded(items, 4, 123), picked);
    assert.deepEqual([...pickSeeded(items, 6, 9)].sort(), items);
  });
});
