import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BadInput } from '../../../kernel/errors';
import { runCommand } from '../../../executors/command';
import type { FaultTarget } from '../target';
import { kernelFeatureScript, parseKernelReport } from './kernel-features';
import { detectNetem, interpretNetemProbe, netemArgs, netemFault, netemProbeScript, planCheck } from './netem';
import { RecordingExecutorDouble, stubNodeCommands } from '../../../executors/testing-double';

const KERNEL = '6.18.44-fc-v782';
const target = (double: RecordingExecutorDouble): FaultTarget => ({ node: { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: double.spec }, executor: double });
/** A node answering the read-only feature script as this development machine does (no netem in its config). */
const withoutNetem = (): RecordingExecutorDouble =>
  new RecordingExecutorDouble().on('feature netem sch_netem CONFIG_NET_SCH_NETEM', { stdout: `kernel ${KERNEL}\nfeature netem no /proc/config.gz: # CONFIG_NET_SCH_NETEM is not set\n` });
const withNetem = (): RecordingExecutorDouble =>
  new RecordingExecutorDouble().on('feature netem sch_netem CONFIG_NET_SCH_NETEM', { stdout: `kernel ${KERNEL}\nfeature netem yes /sys/module/sch_netem exists\n` });

describe('netemArgs', () => {
  it('writes latency with jitter, its distribution and correlation', () => {
    assert.deepEqual(netemArgs({ delayMs: 100 }), ['delay', '100ms']);
    assert.deepEqual(netemArgs({ delayMs: 100, jitterMs: 20 }), ['delay', '100ms', '20ms', 'distribution', 'normal']);
    assert.deepEqual(netemArgs({ delayMs: 100, jitterMs: 20, delayCorrelationPercent: 25, distribution: 'pareto' }), ['delay', '100ms', '20ms', '25%', 'distribution', 'pareto']);
    assert.deepEqual(netemArgs({ delayMs: 100, jitterMs: 20, distribution: 'uniform' }), ['delay', '100ms', '20ms'], 'uniform = no table');
    assert.deepEqual(netemArgs({ delayMs: 0.25 }), ['delay', '250us']);
  });

  it('writes loss, corruption, duplication and reordering in tc-netem(8) order', () => {
    assert.deepEqual(
      netemArgs({ limitPackets: 10_000, delayMs: 10, lossPercent: 1.5, lossCorrelationPercent: 25, corruptPercent: 0.1, duplicatePercent: 1, reorderPercent: 25, reorderCorrelationPercent: 50, reorderGap: 5 }),
      ['limit', '10000', 'delay', '10ms', 'loss', '1.5%', '25%', 'corrupt', '0.1%', 'duplicate', '1%', 'reorder', '25%', '50%', 'gap', '5'],
    );
    assert.deepEqual(netemArgs({ corruptPercent: 0.1 + 0.2 }), ['corrupt', '0.3%'], 'no float noise in tc words');
  });

  it('refuses what tc would refuse, at plan time', () => {
    const refused: Array<[Parameters<typeof netemArgs>[0], RegExp]> = [
      [{}, /at least one of delay, loss, corruption, duplication or reordering/],
      [{ jitterMs: 5, lossPercent: 1 }, /jitter needs a delay/],
      [{ delayMs: 10, distribution: 'normal' }, /distribution normal needs a jitter/],
      [{ reorderPercent: 25 }, /reordering needs a delay/],
      [{ delayMs: 10, reorderGap: 5 }, /gap needs reordering/],
      [{ corruptPercent: 101 }, /corruption 101% is out of range/],
      [{ delayMs: -1 }, /delay -1ms is out of range/],
      [{ delayMs: 10, limitPackets: 0 }, /limit 0 is not a packet count/],
    ];
    for (const [options, message] of refused) assert.throws(() => netemArgs(options), (e: unknown) => e instanceof BadInput && message.test(e.message), JSON.stringify(options));
  });
});

describe('netem detection', () => {
  it('reads the feature script\'s report', () => {
    assert.deepEqual(parseKernelReport(`kernel ${KERNEL}\nfeature netem no /proc/config.gz: # CONFIG_NET_SCH_NETEM is not set\nfeature ifb yes /sys/module/ifb exists\n`), {
      kernel: KERNEL,
      features: { netem: { available: 'no', evidence: '/proc/config.gz: # CONFIG_NET_SCH_NETEM is not set' }, ifb: { available: 'yes', evidence: '/sys/module/ifb exists' } },
    });
    const script = kernelFeatureScript(['netem', 'police']);
    assert.match(script, /\nfeature netem sch_netem CONFIG_NET_SCH_NETEM\nfeature police act_police CONFIG_NET_ACT_POLICE$/);
    assert.doesNotMatch(script, /modprobe -q|modprobe sch|insmod|ip link add|tc qdisc add/, 'the feature script only reads');
  });

  it('takes a decisive read-only answer and never probes then', async () => {
    const double = withoutNetem();
    assert.deepEqual(await detectNetem(double), { kernel: KERNEL, available: 'no', evidence: '/proc/config.gz: # CONFIG_NET_SCH_NETEM is not set' });
    assert.equal(double.calls.length, 1);
  });

  it('settles "unknown" with the throwaway-device probe', async () => {
    const unknown = `kernel ${KERNEL}\nfeature netem unknown no trace in /sys/module, modprobe (absent) or the kernel config (not readable)\n`;
    const absent = new RecordingExecutorDouble().on('feature netem', { stdout: unknown }).on('scs_chaos_np', { stdout: 'probe failed Error: Specified qdisc kind is unknown. \n' });
    const result = await detectNetem(absent);
    assert.equal(result.available, 'no');
    assert.match(result.evidence, /no trace in \/sys\/module.*; tc qdisc add \.\.\. netem on a throwaway device said "Error: Specified qdisc kind is unknown\."/);
    const present = new RecordingExecutorDouble().on('feature netem', { stdout: unknown }).on('scs_chaos_np', { stdout: 'probe added\n' });
    assert.equal((await detectNetem(present)).available, 'yes');
  });

  it('interprets the probe\'s words', () => {
    assert.equal(interpretNetemProbe('probe added\n').available, 'yes');
    assert.equal(interpretNetemProbe('probe failed RTNETLINK answers: No such file or directory \n').available, 'no', 'older kernels: ENOENT');
    assert.equal(interpretNetemProbe('probe failed RTNETLINK answers: Operation not permitted \n').available, 'unknown');
    assert.equal(interpretNetemProbe('probe no-device\n').available, 'unknown');
    assert.equal(interpretNetemProbe('').available, 'unknown');
  });

  it('probes on a throwaway device and leaves nothing behind (real sh, stubbed tc/ip)', async () => {
    for (const options of [{ netem: false }, { netem: true }, { netem: false, dummy: false }]) {
      const stub = stubNodeCommands(options);
      const result = await runCommand(['sh', '-c', netemProbeScript()], { env: { ...process.env, PATH: `${stub.bin}:${process.env.PATH ?? ''}` } });
      const expected = options.netem ? 'probe added' : 'probe failed Error: Specified qdisc kind is unknown. ';
      assert.equal(result.stdout.trim(), expected.trim(), JSON.stringify(options));
      assert.deepEqual(readdirSync(join(stub.state, 'links')), [], `no device left behind (${JSON.stringify(options)})`);
    }
  });
});

describe('netem plan check', () => {
  it('names the node, the kernel and the alternatives when sch_netem is absent', async () => {
    await assert.rejects(planCheck(withoutNetem(), 'node-1'), (e: unknown) => {
      assert.ok(e instanceof BadInput);
      assert.equal(
        e.message.split('\n')[0],
        `sch_netem not available on node node-1 (kernel ${KERNEL}): latency, corruption, duplication and reordering need it; loss and bandwidth use nftables/tbf instead (/proc/config.gz: # CONFIG_NET_SCH_NETEM is not set)`,
      );
      assert.match(e.message, /fix: load sch_netem on the node \(modprobe sch_netem; on Ubuntu install linux-modules-extra/);
      return true;
    });
    assert.equal(await planCheck(withNetem(), 'node-1'), 'sch_netem present (/sys/module/sch_netem exists)');
  });

  it('makes a netem fault refuse at plan time, before it looks at anything else', async () => {
    const double = withoutNetem();
    const fault = netemFault(target(double), { delayMs: 100, jitterMs: 20 });
    assert.equal(fault.requiresNetem, true);
    await assert.rejects(fault.planCheck(), /sch_netem not available on node node-1/);
    assert.equal(double.calls.length, 1, 'only the detection ran');
  });

  it('applies `netem` as the root qdisc 5c5: when the kernel has it', async () => {
    const double = withNetem()
      .on('ip -j route get 198.18.0.12', { stdout: '[{"dst":"198.18.0.12","dev":"eth0","prefsrc":"198.18.0.11"}]' })
      .on('ip -j link show dev eth0', { stdout: '[{"ifname":"eth0","mtu":1500}]' })
      .on('tc -j qdisc show dev eth0', { stdout: '[{"kind":"noqueue","handle":"0:","root":true}]' })
      .on(/^set -e/, {});
    const fault = netemFault(target(double), { delayMs: 100, jitterMs: 20, peers: ['198.18.0.12'] });
    assert.equal(fault.describe(), 'netem delay 100ms 20ms distribution normal on node-1 (egress to 198.18.0.12)');
    assert.equal(await fault.planCheck(), 'node-1: sch_netem present (/sys/module/sch_netem exists); interface eth0 (route to 198.18.0.12, mtu 1500)');
    const prepared = await fault.prepare('ab12cd34');
    await prepared.apply();
    const script = double.calls.find((c) => c.via === 'runScript' && c.text.startsWith('set -e'))?.text ?? '';
    assert.match(script, /\ntc qdisc add dev eth0 root handle 5c5: htb\n/);
    assert.match(script, /\ntc qdisc add dev eth0 parent 5c5:1 handle 5c6: netem delay 100ms 20ms distribution normal\n/);
    assert.match(script, /\ntc filter add dev eth0 parent 5c5: protocol ip pref 1477 u32 match ip dst 198\.18\.0\.12\/32 flowid 5c5:1\n/);
  });

  it('refuses bad directions and interface names at once', () => {
    assert.throws(() => netemFault(target(new RecordingExecutorDouble()), { delayMs: 10, direction: 'sideways' as never }), /direction "sideways" is unknown/);
    assert.throws(() => netemFault(target(new RecordingExecutorDouble()), { delayMs: 10, interface: 'eth0; reboot' }), /is not an interface name/);
  });
});
