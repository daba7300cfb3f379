/**
 * The data-plane proof against real namespaces, real nftables and bash (root only; skips with a reason
 * otherwise): two namespaces of this test's own, joined by a veth pair on 198.19.41.0/24 (inside the lab's
 * unreachable 198.18.0.0/15, with no address in the root namespace, so no packet can leave them). An isolation
 * with the real `nft` is observed on the data plane; the same isolation with `nft` replaced by a program that
 * does nothing and exits 0 ends "not observed". The namespaces (and with them every table and the veth) are
 * removed at the end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsExecutor } from '../../../executors/netns';
import type { NodeSpec } from '../../../model/environment';
import type { FaultTarget } from '../target';
import { isolateNode } from './isolate';
import { portBlackhole } from './port-blackhole';

const suffix = String(process.pid % 100_000);
const A = `scs-dp${suffix}-a`;
const B = `scs-dp${suffix}-b`;
const node = (name: string, namespace: string, address: string): NodeSpec => ({ name, address, roles: [], executor: { kind: 'netns', namespace } });

function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nftables)';
  for (const tool of ['ip', 'nft', 'bash', 'timeout']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return null;
}

const skip = skipReason();

describe('data-plane proof in real namespaces', { skip: skip ?? false }, () => {
  let fakeDir = '';
  const target = (): FaultTarget => ({
    node: node('dp-a', A, '198.19.41.1'),
    executor: new NetnsExecutor(A),
    witnesses: [{ node: node('dp-b', B, '198.19.41.2'), executor: new NetnsExecutor(B) }],
  });

  before(() => {
    const sh = (script: string): void => void execFileSync('sh', ['-c', script], { stdio: 'pipe' });
    sh(`ip netns add ${A} && ip netns add ${B}`);
    sh(`ip link add dp${suffix}a type veth peer name dp${suffix}b && ip link set dp${suffix}a netns ${A} && ip link set dp${suffix}b netns ${B}`);
    sh(`ip -n ${A} addr add 198.19.41.1/24 dev dp${suffix}a && ip -n ${A} link set dp${suffix}a up && ip -n ${A} link set lo up`);
    sh(`ip -n ${B} addr add 198.19.41.2/24 dev dp${suffix}b && ip -n ${B} link set dp${suffix}b up && ip -n ${B} link set lo up`);
    fakeDir = mkdtempSync(join(tmpdir(), 'scs-fake-nft-'));
    writeFileSync(join(fakeDir, 'nft'), '#!/bin/sh\n# A stand-in that does nothing and says it worked.\ncat >/dev/null 2>&1\nexit 0\n');
    chmodSync(join(fakeDir, 'nft'), 0o755);
  });

  after(() => {
    for (const ns of [A, B]) {
      try {
        execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    if (fakeDir) rmSync(fakeDir, { recursive: true, force: true });
  });

  it('an isolation with the real nft is observed: the node\'s send is refused, the witness meets silence', async (t) => {
    const prepared = await isolateNode(target()).prepare('dp000001');
    await prepared.apply();
    try {
      const seen = await prepared.verifyActive();
      assert.ok(typeof seen === 'object', String(seen));
      assert.equal(seen.proof, 'data-plane', seen.evidence);
      assert.deepEqual(seen.checks?.map((c) => `${c.from} ${c.ok ? 'ok' : 'NOT MET'} ${c.observed}${c.before ? ` (before ${c.before})` : ''}`), ['dp-a ok eperm', 'dp-b ok timeout (before refused)']);
      assert.ok((seen.countedPackets ?? 0) >= 2, seen.evidence);
      t.diagnostic(seen.evidence);
    } finally {
      execFileSync('ip', ['netns', 'exec', A, 'sh', '-c', prepared.revertScript ?? 'true']);
    }
  });

  it('a port blackhole is observed by the witness: answered before, silent under the fault', async () => {
    const prepared = await portBlackhole(target(), { port: 9 }).prepare('dp000002');
    await prepared.apply();
    try {
      const seen = await prepared.verifyActive();
      assert.ok(typeof seen === 'object' && seen.proof === 'data-plane', JSON.stringify(seen));
    } finally {
      execFileSync('ip', ['netns', 'exec', A, 'sh', '-c', prepared.revertScript ?? 'true']);
    }
  });

  it('with nft replaced by a program that does nothing and exits 0, the isolation is "not observed"', async () => {
    const path = process.env.PATH;
    process.env.PATH = `${fakeDir}:${path ?? ''}`;
    try {
      const prepared = await isolateNode(target()).prepare('dp000003');
      await prepared.apply(); // the stand-in "succeeds"
      await assert.rejects(prepared.verifyActive(), (error: Error) => {
        assert.match(error.message, /the data plane does not show it: from dp-a: a udp datagram to 198\.19\.41\.2:9: NOT MET.*got sent/);
        assert.match(error.message, /from dp-b: tcp connect to 198\.19\.41\.1:9: NOT MET.*got refused/);
        return true;
      });
    } finally {
      process.env.PATH = path;
    }
    const tables = execFileSync('ip', ['netns', 'exec', A, 'nft', 'list', 'tables'], { encoding: 'utf8' });
    assert.doesNotMatch(tables, /scs_chaos_dp000003/, 'the stand-in really did nothing');
  });
});
