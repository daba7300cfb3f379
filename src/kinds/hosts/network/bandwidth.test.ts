import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { bandwidthLimit, formatRate, parseRate, policeArgs, policeBurstBytes, tbfArgs, tbfBurstBytes, tbfLatencyMs } from './bandwidth';
import { RecordingExecutorDouble } from '../../../executors/testing-double';

const target = (double: RecordingExecutorDouble): FaultTarget => ({ node: { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: double.spec }, executor: double });

/** A node with one interface eth0 (mtu 1500, default root) whose kernel reports the given features. */
function node(features: string): RecordingExecutorDouble {
  return new RecordingExecutorDouble()
    .on(/^k=\$\(uname -r\)/, { stdout: `kernel 6.1.0-18-amd64\n${features}` })
    .on('ip -j route show default', { stdout: '[{"dst":"default","gateway":"10.0.0.1","dev":"eth0","metric":100}]' })
    .on('ip -j link show dev eth0', { stdout: '[{"ifname":"eth0","mtu":1500}]' })
    .on('tc -j qdisc show dev eth0', { stdout: '[{"kind":"fq_codel","handle":"0:","root":true}]' })
    .on(/^ip link show dev scs_/, { code: 1 })
    .on(/^set -e/, {});
}

describe('tbf and police sizing', () => {
  it('sizes the tbf bucket: two full frames at least, else 10 ms of traffic', () => {
    assert.equal(tbfBurstBytes(1_000_000, 1500), 3028, '1 Mbit/s: 2 × (1500 + 14) beats 1250 B');
    assert.equal(tbfBurstBytes(100_000_000, 1500), 125_000, '100 Mbit/s: 10 ms = 125 kB');
    assert.equal(tbfBurstBytes(1_000_000, 9000), 18_028, 'jumbo frames need a bigger bucket');
  });

  it('sizes the tbf queue: ten full frames at least, never under 50 ms', () => {
    assert.equal(tbfLatencyMs(1_000_000, 1500), 122, '10 × 1514 B × 8 / 1 Mbit/s = 121.12 ms → 122');
    assert.equal(tbfLatencyMs(100_000_000, 1500), 50);
    assert.deepEqual(tbfArgs(1_000_000, 1500), ['tbf', 'rate', '1000000bit', 'burst', '3028b', 'latency', '122ms']);
  });

  it('sizes the policer for GRO: 64 KiB at least, else 50 ms of traffic', () => {
    assert.equal(policeBurstBytes(1_000_000), 65_536);
    assert.equal(policeBurstBytes(1_000_000_000), 6_250_000);
    assert.deepEqual(policeArgs(10_000_000), ['rate', '10000000bit', 'burst', '65536b', 'mtu', '65536b', 'conform-exceed', 'drop/continue']);
  });

  it('reads and writes rates in SI units, as tc does', () => {
    assert.equal(parseRate('10mbit'), 10_000_000);
    assert.equal(parseRate('512 kbit/s'), 512_000);
    assert.equal(parseRate('1.5Gbit'), 1_500_000_000);
    assert.throws(() => parseRate('10MB'), /not a bandwidth[\s\S]*bits per second/);
    assert.throws(() => parseRate('1kbit'), /out of range/);
    assert.equal(formatRate(1_500_000), '1.5 Mbit/s');
    assert.equal(formatRate(64_000), '64 kbit/s');
  });
});

describe('bandwidth limit', () => {
  it('limits egress with tbf on the default route\'s interface', async () => {
    const double = node('');
    const fault = bandwidthLimit(target(double), { rateBitsPerSecond: 1_000_000 });
    assert.equal(fault.describe(), 'limit node-1 to 1 Mbit/s (egress; tc tbf)');
    assert.equal(await fault.planCheck(), 'node-1: interface eth0 (default route, mtu 1500)');
    const prepared = await fault.prepare('ab12cd34');
    await prepared.apply();
    const script = double.calls.find((c) => c.text.startsWith('set -e'))?.text ?? '';
    assert.match(script, /\ntc qdisc add dev eth0 root handle 5c5: tbf rate 1000000bit burst 3028b latency 122ms\n$/);
  });

  it('polices ingress when the kernel has act_police', async () => {
    const double = node('feature police yes /sys/module/act_police exists\nfeature ifb yes /sys/module/ifb exists\nfeature mirred yes /sys/module/act_mirred exists\n');
    const fault = bandwidthLimit(target(double), { rateBitsPerSecond: 1_000_000, direction: 'ingress' });
    assert.equal(await fault.planCheck(), 'node-1: interface eth0 (default route, mtu 1500); ingress by police');
    const prepared = await fault.prepare('ab12cd34');
    assert.equal(prepared.preState.ingressQdisc, 'none');
    await prepared.apply();
    const script = double.calls.find((c) => c.text.startsWith('set -e'))?.text ?? '';
    assert.match(script, /\ntc qdisc add dev eth0 handle ffff: ingress\ntc filter add dev eth0 parent ffff: protocol all pref 1477 u32 match u32 0 0 action police rate 1000000bit burst 65536b mtu 65536b conform-exceed drop\/continue\n$/);
    assert.doesNotMatch(script, /root handle/, 'ingress only: the root qdisc is not touched');
  });

  it('shapes ingress through an ifb when act_police is absent (as on the development machine)', async () => {
    const double = node('feature police no /proc/config.gz: # CONFIG_NET_ACT_POLICE is not set\nfeature ifb yes /proc/config.gz: CONFIG_IFB=y (built in)\nfeature mirred yes /proc/config.gz: CONFIG_NET_ACT_MIRRED=y (built in)\n');
    const prepared = await bandwidthLimit(target(double), { rateBitsPerSecond: 2_000_000, direction: 'both' }).prepare('ab12cd34');
    assert.equal(prepared.preState.ifb, 'scs_ab12cd34');
    await prepared.apply();
    const script = double.calls.find((c) => c.text.startsWith('set -e'))?.text ?? '';
    assert.match(script, /\ntc qdisc add dev eth0 root handle 5c5: tbf rate 2000000bit/);
    assert.match(script, /\nip link add scs_ab12cd34 type ifb\nip link set dev scs_ab12cd34 up\ntc qdisc add dev scs_ab12cd34 root handle 5c5: tbf rate 2000000bit/);
    assert.match(script, /action mirred egress redirect dev scs_ab12cd34\n$/);
    assert.match(prepared.revertScript ?? '', /ip link delete scs_ab12cd34/);
  });

  it('refuses ingress at plan time when the kernel can neither police nor redirect', async () => {
    const double = node('feature police no /proc/config.gz: # CONFIG_NET_ACT_POLICE is not set\nfeature ifb no /proc/config.gz: # CONFIG_IFB is not set\nfeature mirred yes x\n');
    await assert.rejects(bandwidthLimit(target(double), { rateBitsPerSecond: 1e6, direction: 'ingress' }).planCheck(), (e: unknown) =>
      e instanceof BadInput && /ingress traffic control not available on node node-1 \(kernel 6\.1\.0-18-amd64\): neither act_police nor ifb with act_mirred/.test(e.message));
    await assert.rejects(bandwidthLimit(target(double), { rateBitsPerSecond: 1e6, direction: 'ingress', ingressMethod: 'police' }).planCheck(), /act_police not available on node node-1/);
  });

  it('refuses bad rates, peers and interface names before touching anything', () => {
    const double = new RecordingExecutorDouble();
    assert.throws(() => bandwidthLimit(target(double), { rateBitsPerSecond: 0 }), /out of range/);
    assert.throws(() => bandwidthLimit(target(double), { rateBitsPerSecond: 1e6, peers: ['nonsense'] }), /not an IP address/);
    assert.throws(() => bandwidthLimit(target(double), { rateBitsPerSecond: 1e6, interface: '$(reboot)' }), /not an interface name/);
    assert.equal(double.calls.length, 0);
  });
});
