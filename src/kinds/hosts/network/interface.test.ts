import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentCompromised } from '../../../kernel/errors';
import { nodeInterface } from './interface';
import { RecordingExecutorDouble } from '../../../executors/testing-double';

const LINKS = (...up: string[]): string =>
  JSON.stringify([
    { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, link_type: 'loopback' },
    { ifname: 'ifb0', flags: ['BROADCAST', 'NOARP'], mtu: 1500, link_type: 'ether' },
    ...up.map((ifname) => ({ ifname, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1400, link_type: 'ether' })),
  ]);

describe('nodeInterface', () => {
  it('follows the route towards an address', async () => {
    const double = new RecordingExecutorDouble()
      .on('ip -j route get 198.18.0.12', { stdout: '[{"dst":"198.18.0.12","dev":"eth1","prefsrc":"198.18.0.11","flags":[],"uid":0,"cache":[]}]' })
      .on('ip -j link show dev eth1', { stdout: '[{"ifname":"eth1","mtu":9000}]' });
    assert.deepEqual(await nodeInterface(double, '198.18.0.12'), { name: 'eth1', mtu: 9000, via: 'route to 198.18.0.12' });
  });

  it('takes the default route with the lowest metric', async () => {
    const double = new RecordingExecutorDouble()
      .on('ip -j route show default', { stdout: '[{"dst":"default","dev":"wlan0","metric":600},{"dst":"default","dev":"eth0","metric":100}]' })
      .on('ip -j link show dev eth0', { stdout: '[{"ifname":"eth0","mtu":1500}]' });
    assert.deepEqual(await nodeInterface(double), { name: 'eth0', mtu: 1500, via: 'default route' });
  });

  it('without a default route, takes the only interface that is up (a lab namespace)', async () => {
    const double = new RecordingExecutorDouble()
      .on('ip -j route show default', { stdout: '[]' })
      .on(/^ip -j link show$/, { stdout: LINKS('eth0') })
      .on('ip -j link show dev eth0', { stdout: '[{"ifname":"eth0","mtu":1400}]' });
    assert.deepEqual(await nodeInterface(double), { name: 'eth0', mtu: 1400, via: 'only interface up' });
  });

  it('refuses to guess between several interfaces, or a route over lo', async () => {
    const several = new RecordingExecutorDouble().on('ip -j route show default', { stdout: '' }).on(/^ip -j link show$/, { stdout: LINKS('eth0', 'eth1') });
    await assert.rejects(nodeInterface(several), (e: unknown) => e instanceof ExperimentCompromised && /no default route and 2 interfaces up \(eth0, eth1\)/.test(e.message));
    const local = new RecordingExecutorDouble().on('ip -j route get 198.18.0.11', { stdout: '[{"type":"local","dst":"198.18.0.11","dev":"lo"}]' });
    await assert.rejects(nodeInterface(local, '198.18.0.11'), /the route goes over lo: the address is the node's own/);
    const broken = new RecordingExecutorDouble().on('ip -j route show default', { code: 1, stderr: 'Cannot open netlink socket' });
    await assert.rejects(nodeInterface(broken), /ip -j route show default failed on double of node-1: Cannot open netlink socket/);
  });
});
