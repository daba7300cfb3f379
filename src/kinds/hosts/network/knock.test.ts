import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { knockPlan, knockScript } from './knock';
import { partitionSpec } from './partition';
import { lossNftSpec } from './packet-loss';

describe('knock plans: which partitions the node can prove by sending packets', () => {
  it('knocks on every peer over UDP on the discard port when every port is cut', () => {
    assert.deepEqual(knockPlan(partitionSpec({ peers: ['198.18.0.12', '198.18.1.0/24', 'fd00::/64'] })), {
      transport: 'udp',
      port: 9,
      addresses: ['198.18.0.12', '198.18.1.0', 'fd00::'],
    });
  });

  it('uses the peers\' cut port and protocol, and TCP for a TCP-only partition', () => {
    assert.deepEqual(knockPlan(partitionSpec({ peers: ['198.18.0.12'], protocol: 'tcp', port: 6789, portOf: 'peer' })), { transport: 'tcp', port: 6789, addresses: ['198.18.0.12'] });
    assert.equal(knockPlan(partitionSpec({ peers: ['198.18.0.12'], port: 53, direction: 'egress' }))?.transport, 'udp');
  });

  it('does not knock where a knock proves nothing: ingress only, the node\'s own port, random loss', () => {
    assert.equal(knockPlan(partitionSpec({ peers: ['198.18.0.12'], direction: 'ingress' })), null);
    assert.equal(knockPlan(partitionSpec({ peers: ['198.18.0.12'], protocol: 'tcp', port: 22, portOf: 'node', direction: 'egress' })), null);
    assert.equal(knockPlan(partitionSpec({ peers: ['198.18.0.12'], port: 6789 })), null, 'both ways, the port is the node\'s own by default');
    assert.equal(knockPlan({ ...lossNftSpec({ percent: 10, peers: ['198.18.0.12'] }) }), null);
  });
});

describe('knock scripts', () => {
  it('sends one bounded attempt per address and always exits 0 (bash parses it)', () => {
    const script = knockScript({ transport: 'tcp', port: 6789, addresses: ['198.18.0.12', 'fd00::1'] });
    assert.match(script, /timeout 1 bash -c 'exec 3<> \/dev\/tcp\/198\.18\.0\.12\/6789' 2>\/dev\/null/);
    assert.match(script, /\/dev\/tcp\/fd00::1\/6789/);
    assert.match(script, /; true$/);
    assert.equal(spawnSync('bash', ['-n', '-c', script]).status, 0, 'bash accepts the script');
  });

  it('really sends the UDP knock (to a local listener, with no partition in the way)', async () => {
    const dgram = await import('node:dgram');
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const got = new Promise<string>((resolve) => socket.once('message', (message) => resolve(message.toString())));
    try {
      const result = spawnSync('sh', ['-c', knockScript({ transport: 'udp', port: socket.address().port, addresses: ['127.0.0.1'] })]);
      assert.equal(result.status, 0);
      assert.equal((await got).trim(), 'scs-chaos-knock');
    } finally {
      socket.close();
    }
  });
});
