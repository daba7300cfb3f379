import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestPatterns } from './cucumber-problems';

describe('closestPatterns', () => {
  const patterns = [
    '{node} is isolated from the network for {duration}',
    'the {word} process on {node} is killed',
    '{word} recovers within {duration}',
  ];

  it('suggests the patterns sharing most words first', () => {
    assert.deepEqual(closestPatterns('node-1 is cut from the network', patterns)[0], patterns[0]);
    assert.deepEqual(closestPatterns('the web process on node-1 is shot', patterns)[0], patterns[1]);
  });

  it('suggests nothing when no word is shared', () => {
    assert.deepEqual(closestPatterns('xyzzy', patterns), []);
  });
});
