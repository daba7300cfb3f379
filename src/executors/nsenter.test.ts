/**
 * NsenterExecutor against a real network namespace (root only): commands see the namespace's interfaces, scripts
 * and detached processes run inside it, and its spec rebuilds the same executor (journal → rollback).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { executorFor } from '.';
import { LocalExecutor } from './local';
import { NsenterExecutor } from './nsenter';

const NAMESPACE = `nsenter-test-${process.pid}`;
const skip = process.getuid?.() === 0 ? false : 'needs root (creates a network namespace)';

describe('NsenterExecutor', { skip }, () => {
  before(() => {
    execFileSync('ip', ['netns', 'add', NAMESPACE]);
    // A veth pair inside the namespace: an interface the host does not have (the dummy driver may be missing).
    execFileSync('ip', ['-n', NAMESPACE, 'link', 'add', 'scs-probe0', 'type', 'veth', 'peer', 'name', 'scs-probe1']);
  });
  after(() => {
    execFileSync('ip', ['netns', 'del', NAMESPACE], { stdio: 'ignore' });
  });

  it('runs commands and scripts inside the namespace, not on the host', async () => {
    const executor = new NsenterExecutor(new LocalExecutor(), `/run/netns/${NAMESPACE}`);
    assert.match((await executor.run(['ip', '-o', 'link'])).stdout, /scs-probe0/);
    assert.doesNotMatch((await new LocalExecutor().run(['ip', '-o', 'link'])).stdout, /scs-probe0/);
    assert.equal((await executor.runScript('ip -o link | grep -c scs-probe0@')).stdout.trim(), '1');
  });

  it('starts detached scripts inside the namespace', async () => {
    const executor = new NsenterExecutor(new LocalExecutor(), `/run/netns/${NAMESPACE}`);
    const marker = `/tmp/scs-nsenter-test-${process.pid}`;
    await executor.spawnDetached(`ip -o link > ${marker}`, 'scs-nsenter-test');
    for (let i = 0; i < 50; i++) {
      if ((await new LocalExecutor().runScript(`grep -c 'scs-probe0@' ${marker} 2>/dev/null`)).stdout.trim() === '1') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await new LocalExecutor().runScript(`grep -c 'scs-probe0@' ${marker}; rm -f ${marker}`)).stdout.trim(), '1');
  });

  it('is rebuilt from its spec', async () => {
    const spec = new NsenterExecutor(new LocalExecutor(), `/run/netns/${NAMESPACE}`).spec;
    assert.deepEqual(spec, { kind: 'nsenter', via: { kind: 'local' }, netns: `/run/netns/${NAMESPACE}` });
    assert.match((await executorFor(spec).run(['ip', '-o', 'link'])).stdout, /scs-probe0/);
  });
});
