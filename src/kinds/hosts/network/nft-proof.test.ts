import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSpec } from '../../../model/environment';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import type { FaultTarget } from '../target';
import { answered, knockMet, knockScript, lossSends, parseKnock } from './data-plane';
import { dnsFailureSpec } from './dns-failure';
import { isolateNode, isolationSpec } from './isolate';
import { proofKnocks } from './nft-proof';
import { lossNftSpec } from './packet-loss';
import { partitionSpec } from './partition';
import { portBlackholeSpec } from './port-blackhole';

const node = (name: string, address: string): NodeSpec => ({ name, address, roles: ['web'], executor: { kind: 'netns', namespace: `ns-${name}` } });
const EPERM = 'bash: line 1: /dev/udp/198.18.0.12/9: Operation not permitted\nsent=0\ncode=0\n';

function target(self: RecordingExecutorDouble, witness?: RecordingExecutorDouble): FaultTarget {
  return {
    node: node('node-1', '198.18.0.11'),
    executor: self,
    witnesses: witness ? [{ node: node('node-2', '198.18.0.12'), executor: witness }] : [],
  };
}

describe('data-plane knocks: what each outcome means', () => {
  it('reads a TCP connect: answered, refused, silent, refused locally', () => {
    const tcp = { transport: 'tcp' as const };
    assert.deepEqual(parseKnock(tcp, 'code=0\n\n'), { connected: 1 });
    assert.deepEqual(parseKnock(tcp, 'code=1\nbash: connect: Connection refused\n'), { refused: 1 });
    assert.deepEqual(parseKnock(tcp, 'code=124\n\n'), { timeout: 1 });
    // busybox's timeout (a node reached through a busybox helper pod) ends with the SIGTERM it sent: 143.
    assert.deepEqual(parseKnock(tcp, 'code=143\nTerminated\n'), { timeout: 1 });
    assert.deepEqual(parseKnock(tcp, 'code=137\n\n'), { error: 1 });
    assert.deepEqual(parseKnock(tcp, 'code=1\nbash: connect: Operation not permitted\n'), { eperm: 1 });
    assert.ok(knockMet('silence', { timeout: 1 }));
    assert.ok(!knockMet('silence', { refused: 1 }), 'a reset is an answer: the SYN got through');
    assert.ok(answered(tcp, { refused: 1 }) && !answered(tcp, { timeout: 1 }));
  });

  it('reads a batch of UDP sends: EPERM lines are drops in the output hook, the rest were sent', () => {
    const udp = { transport: 'udp' as const, sends: 5 };
    const out = 'bash: line 1: /dev/udp/198.18.0.12/9: Operation not permitted\n'.repeat(2) + 'sent=3\ncode=0\n';
    assert.deepEqual(parseKnock(udp, out), { sent: 3, eperm: 2 });
    assert.ok(knockMet('dropped-locally', { sent: 3, eperm: 2 }));
    assert.ok(!knockMet('dropped-locally', { sent: 5 }), 'every datagram left the node: nothing was dropped');
    assert.deepEqual(parseKnock(udp, ''), { error: 5 }, 'no answer at all is never a pass');
  });

  it('sends enough datagrams that a real loss drops one with probability above 1 - 1e-6, or none when that needs too many', () => {
    assert.equal(lossSends(100), 1);
    assert.equal(lossSends(50), 20);
    assert.equal(lossSends(10), 132);
    assert.equal(lossSends(2), 684);
    assert.equal(lossSends(0.5), null);
  });

  it('writes knocks bash runs: /dev/tcp with a timeout, a bounded /dev/udp loop', () => {
    assert.match(knockScript({ transport: 'tcp', address: '198.18.0.11', port: 9 }), /timeout 1 bash -c 'exec 3<> \/dev\/tcp\/198\.18\.0\.11\/9'/);
    assert.match(knockScript({ transport: 'udp', address: '198.18.0.12', port: 9, sends: 3 }), /while \[ \$i -lt 3 \].*\/dev\/udp\/198\.18\.0\.12\/9/);
  });
});

describe('proofKnocks: per fault shape, what is tried, from where, and what must happen', () => {
  const self = new RecordingExecutorDouble();
  const witness = new RecordingExecutorDouble('double of node-2');
  const shape = (spec: Parameters<typeof proofKnocks>[0]): string[] =>
    proofKnocks(spec, target(self, witness)).map((k) => `${k.from.node.name} ${k.transport} ${k.address}:${k.port}${k.sends ? ` x${k.sends}` : ''} ${k.expect}`);

  it('isolation: the node cannot send to a witness, and the witness meets silence', () => {
    assert.deepEqual(shape(isolationSpec()), ['node-1 udp 198.18.0.12:9 dropped-locally', 'node-2 tcp 198.18.0.11:9 silence']);
  });

  it('partition: knocks on every peer from the node, and from a peer that is a node towards it', () => {
    assert.deepEqual(shape(partitionSpec({ peers: ['198.18.0.12', '198.18.1.0/24'] })), [
      'node-1 udp 198.18.0.12:9 dropped-locally',
      'node-1 udp 198.18.1.0:9 dropped-locally',
      'node-2 tcp 198.18.0.11:9 silence',
    ]);
    assert.deepEqual(shape(partitionSpec({ peers: ['198.18.0.12'], direction: 'ingress' })), ['node-2 tcp 198.18.0.11:9 silence']);
  });

  it('port blackhole: the witness meets silence on the node\'s port; egress: the node meets silence on the peer\'s', () => {
    assert.deepEqual(shape(portBlackholeSpec({ port: 8080 })), ['node-2 tcp 198.18.0.11:8080 silence']);
    assert.deepEqual(shape(portBlackholeSpec({ port: 443, direction: 'egress' })), ['node-1 tcp 198.18.0.12:443 silence']);
  });

  it('random loss: a batch of datagrams, at least one refused; too rare a loss keeps the state proof', () => {
    assert.deepEqual(shape(lossNftSpec({ percent: 20 })), ['node-1 udp 198.18.0.12:9 x62 dropped-locally']);
    assert.deepEqual(shape(lossNftSpec({ percent: 0.5 })), []);
  });

  it('DNS failure (answers dropped by source port, or queries rejected) has no single-packet proof', () => {
    assert.deepEqual(shape(dnsFailureSpec({ mode: 'drop' })), []);
    assert.deepEqual(shape(dnsFailureSpec({ mode: 'reject' })), []);
  });
});

describe('an isolation whose nft does nothing and exits 0 is "not observed", never "observed" (issue 17)', () => {
  it('the node still sends, the witness still gets a reset: not observed', async () => {
    // nft accepts everything and lists nothing (exit 0), as a stand-in that does nothing would.
    const self = new RecordingExecutorDouble().on(/^nft /, {}).on('/dev/udp/198.18.0.12/9', { stdout: 'sent=1\ncode=0\n' });
    const witness = new RecordingExecutorDouble('double of node-2').on('/dev/tcp/198.18.0.11/9', { stdout: 'code=1\nbash: connect: Connection refused\n' });
    const prepared = await isolateNode(target(self, witness)).prepare('ab12cd34');
    await prepared.apply();
    await assert.rejects(prepared.verifyActive(), (error: Error) => {
      assert.match(error.message, /the data plane does not show it: from node-1: a udp datagram to 198\.18\.0\.12:9: NOT MET.*got sent/);
      assert.match(error.message, /from node-2: tcp connect to 198\.18\.0\.11:9: NOT MET.*got refused \(before the fault: refused\)/);
      return true;
    });
  });

  it('with the drops real, the same checks are met and the proof is "data-plane"', async () => {
    const table = 'scs_chaos_ab12cd34';
    const listed = `table inet ${table} {\n  chain input {\n    counter packets 1 bytes 60 drop comment "scs-chaos network-isolate"\n  }\n  chain output {\n    counter packets 1 bytes 60 drop comment "scs-chaos network-isolate"\n  }\n}\n`;
    const self = new RecordingExecutorDouble().on(/^nft -f/, {}).once(`nft list table inet ${table}`, { stdout: '' }).on(`nft list table inet ${table}`, { stdout: listed }).on('/dev/udp/198.18.0.12/9', { stdout: EPERM });
    const witness = new RecordingExecutorDouble('double of node-2')
      .once('/dev/tcp/198.18.0.11/9', { stdout: 'code=1\nbash: connect: Connection refused\n' })
      .on('/dev/tcp/198.18.0.11/9', { stdout: 'code=124\n' });
    const prepared = await isolateNode(target(self, witness)).prepare('ab12cd34');
    await prepared.apply();
    const seen = await prepared.verifyActive();
    assert.ok(typeof seen === 'object' && seen.proof === 'data-plane', JSON.stringify(seen));
    assert.deepEqual(seen.checks?.map((c) => `${c.from}: ${c.observed}${c.before ? ` (before: ${c.before})` : ''}`), ['node-1: eperm', 'node-2: timeout (before: refused)']);
  });
});
