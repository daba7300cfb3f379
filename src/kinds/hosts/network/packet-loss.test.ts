import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultTarget } from '../target';
import { packetLoss } from './packet-loss';
import { RecordingExecutorDouble } from '../../../executors/testing-double';

const target = (double: RecordingExecutorDouble): FaultTarget => ({ node: { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: double.spec }, executor: double });
const NO_NETEM = 'kernel 6.18.44-fc-v782\nfeature netem no /proc/config.gz: # CONFIG_NET_SCH_NETEM is not set\n';
const NETEM = 'kernel 6.1.0-18-amd64\nfeature netem yes modprobe -n finds sch_netem\n';

describe('packet loss method', () => {
  it('falls back to nftables numgen when the kernel has no sch_netem', async () => {
    const double = new RecordingExecutorDouble().on('feature netem', { stdout: NO_NETEM }).on('nft --check -f -', {}).on(/^nft -f -$/, {});
    const fault = packetLoss(target(double), { percent: 10 });
    assert.equal(fault.requiresNetem, false);
    assert.equal(await fault.planCheck(), 'node-1: nft accepts the network-packet-loss ruleset; loss by nft (no sch_netem on node-1 (kernel 6.18.44-fc-v782))');
    const prepared = await fault.prepare('ab12cd34');
    assert.deepEqual(prepared.preState, { nftTable: 'inet scs_chaos_ab12cd34', method: 'nft', percent: 10 });
    await prepared.apply();
    assert.match(double.calls.at(-1)?.input ?? '', /\n {4}numgen random mod 100 < 10 counter drop comment "scs-chaos network-packet-loss"\n/);
    assert.equal(double.calls.filter((c) => c.text.includes('feature netem')).length, 1, 'detected once for plan and prepare');
  });

  it('prefers `netem loss` when the kernel has it', async () => {
    const double = new RecordingExecutorDouble()
      .on('feature netem', { stdout: NETEM })
      .on('ip -j route show default', { stdout: '[{"dev":"ens3","metric":0}]' })
      .on('ip -j link show dev ens3', { stdout: '[{"ifname":"ens3","mtu":1450}]' })
      .on('tc -j qdisc show dev ens3', { stdout: '[{"kind":"mq","handle":"0:","root":true}]' })
      .on(/^set -e/, {});
    const prepared = await packetLoss(target(double), { percent: 2.5, correlationPercent: 25 }).prepare('ab12cd34');
    assert.equal(prepared.preState.method, 'netem');
    await prepared.apply();
    assert.match(double.calls.at(-1)?.text ?? '', /\ntc qdisc add dev ens3 root handle 5c5: netem loss 2\.5% 25%\n$/);
    assert.match(prepared.revertScript ?? '', /tc qdisc del dev ens3 root handle 5c5:/);
  });

  it('uses nftables for ingress and port filters without asking about netem', async () => {
    const double = new RecordingExecutorDouble().on(/^nft -f -$/, {});
    await (await packetLoss(target(double), { percent: 5, direction: 'ingress', port: 8080, protocol: 'tcp' }).prepare('ab12cd34')).apply();
    assert.deepEqual(double.texts(), ['nft -f -']);
    assert.match(double.calls[0]?.input ?? '', /chain input[\s\S]*tcp dport 8080 numgen random mod 100 < 5 counter drop/);
  });

  it('refuses netem where it cannot act, and netem options on nft', () => {
    const double = new RecordingExecutorDouble();
    assert.throws(() => packetLoss(target(double), { percent: 5, method: 'netem', direction: 'both' }), /netem acts on egress only/);
    assert.throws(() => packetLoss(target(double), { percent: 5, method: 'nft', correlationPercent: 10 }), /netem options/);
    assert.throws(() => packetLoss(target(double), { percent: 0 }), /packet loss 0% is out of range/);
    assert.equal(packetLoss(target(double), { percent: 5, method: 'netem' }).requiresNetem, true);
  });
});
