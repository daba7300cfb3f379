import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentCompromised } from '../../../kernel/errors';
import { runCommand } from '../../../executors/command';
import { bandwidthLimit, tbfArgs } from './bandwidth';
import type { FaultTarget } from '../target';
import {
  activeProblems,
  ifbName,
  layoutFromMarker,
  parseTcMarker,
  revertedProblems,
  scsPrefs,
  tcApplyCommands,
  tcApplyScript,
  TcLayout,
  tcMarkerPath,
  tcMarkerText,
  tcRevertScript,
  TcState,
} from './tc';
import { RecordingExecutorDouble, stubNodeCommands } from '../../../executors/testing-double';

const TBF = tbfArgs(1_000_000, 1500);
const none = { v4: [], v6: [] };

function layout(extra: Partial<TcLayout> = {}): TcLayout {
  return { injectionId: 'ab12cd34', node: 'node-1', kind: 'network-bandwidth', dev: 'eth0', ...extra };
}

describe('tc commands', () => {
  it('puts the fault\'s qdisc on the root as 5c5: without peers', () => {
    assert.deepEqual(tcApplyCommands(layout({ egress: { qdisc: TBF, peers: none } })), [
      ['tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'handle', '5c5:', 'tbf', 'rate', '1000000bit', 'burst', '3028b', 'latency', '122ms'],
    ]);
  });

  it('sends only the peers\' traffic through an htb class to the qdisc 5c6:, per address family', () => {
    const commands = tcApplyCommands(layout({ egress: { qdisc: ['netem', 'delay', '100ms'], peers: { v4: ['198.18.0.12', '10.0.0.0/8'], v6: ['fd00::/64'] } } }));
    assert.deepEqual(
      commands.map((c) => c.join(' ')),
      [
        'tc qdisc add dev eth0 root handle 5c5: htb',
        'tc class add dev eth0 parent 5c5: classid 5c5:1 htb rate 10gbit',
        'tc qdisc add dev eth0 parent 5c5:1 handle 5c6: netem delay 100ms',
        'tc filter add dev eth0 parent 5c5: protocol ip pref 1477 u32 match ip dst 198.18.0.12/32 flowid 5c5:1',
        'tc filter add dev eth0 parent 5c5: protocol ip pref 1477 u32 match ip dst 10.0.0.0/8 flowid 5c5:1',
        'tc filter add dev eth0 parent 5c5: protocol ipv6 pref 1478 u32 match ip6 dst fd00::/64 flowid 5c5:1',
      ],
    );
  });

  it('polices ingress on a shared clsact (parent ffff:fff2), per peer', () => {
    const commands = tcApplyCommands(layout({ ingress: { peers: { v4: ['198.18.0.12'], v6: [] }, existing: 'clsact', action: { kind: 'police', args: ['rate', '1000000bit', 'burst', '65536b'] } } }));
    assert.deepEqual(commands.map((c) => c.join(' ')), [
      'tc filter add dev eth0 parent ffff:fff2 protocol ip pref 1477 u32 match ip src 198.18.0.12/32 action police rate 1000000bit burst 65536b',
    ]);
  });

  it('redirects ingress to an ifb named after the injection, creating the ingress qdisc when absent', () => {
    const commands = tcApplyCommands(layout({ ingress: { peers: none, existing: 'none', action: { kind: 'ifb', device: ifbName('ab12cd34'), qdisc: TBF } } }));
    assert.deepEqual(commands.map((c) => c.join(' ')), [
      'ip link add scs_ab12cd34 type ifb',
      'ip link set dev scs_ab12cd34 up',
      'tc qdisc add dev scs_ab12cd34 root handle 5c5: tbf rate 1000000bit burst 3028b latency 122ms',
      'tc qdisc add dev eth0 handle ffff: ingress',
      'tc filter add dev eth0 parent ffff: protocol all pref 1477 u32 match u32 0 0 action mirred egress redirect dev scs_ab12cd34',
    ]);
    assert.equal(ifbName('0123456789abcdef'), 'scs_0123456789a', 'cut to 15 characters');
  });

  it('writes the marker before the first tc command and stops at the first failure', () => {
    const script = tcApplyScript(layout({ egress: { qdisc: TBF, peers: none } }));
    const lines = script.split('\n');
    assert.equal(lines[0], 'set -e');
    assert.equal(lines[1], 'mkdir -p /run/scs-chaos');
    const markerAt = lines.findIndex((l) => l.endsWith('> /run/scs-chaos/ab12cd34.tc'));
    const tcAt = lines.findIndex((l) => l.startsWith('tc '));
    assert.ok(markerAt > 0 && markerAt < tcAt, `marker (line ${markerAt}) before tc (line ${tcAt})`);
  });

  it('marks what sweep needs to find and undo', () => {
    const text = tcMarkerText(layout({ egress: { qdisc: TBF, peers: none }, ingress: { peers: none, existing: 'none', action: { kind: 'ifb', device: 'scs_ab12cd34', qdisc: TBF } } }));
    assert.deepEqual(parseTcMarker(text), {
      id: 'ab12cd34',
      node: 'node-1',
      kind: 'network-bandwidth',
      dev: 'eth0',
      'egress-root': '5c5:',
      'ingress-parent': 'ffff:',
      'ingress-prefs': '1477,1478',
      'ingress-qdisc': 'created',
      ifb: 'scs_ab12cd34',
    });
    assert.equal(tcMarkerPath('ab12cd34'), '/run/scs-chaos/ab12cd34.tc');
  });

  it('rebuilds from a marker alone the same revert script (what sweep runs without a journal)', () => {
    for (const l of [
      layout({ egress: { qdisc: TBF, peers: { v4: ['198.18.0.12'], v6: [] } } }),
      layout({ egress: { qdisc: TBF, peers: none }, ingress: { peers: none, existing: 'none', action: { kind: 'ifb', device: 'scs_ab12cd34', qdisc: TBF } } }),
      layout({ ingress: { peers: none, existing: 'clsact', action: { kind: 'police', args: ['rate', '1bit'] } } }),
    ]) {
      assert.equal(tcRevertScript(layoutFromMarker(parseTcMarker(tcMarkerText(l)))), tcRevertScript(l));
    }
    assert.throws(() => layoutFromMarker({ id: 'x', node: 'n', kind: 'k', dev: 'eth0; reboot' }), /not a scs-chaos tc marker/);
  });
});

describe('tc revert script under a real shell', () => {
  const setup = (options: Parameters<typeof stubNodeCommands>[0] = {}) => {
    const stub = stubNodeCommands(options);
    const markerDir = mkdtempSync(join(tmpdir(), 'scs-chaos-marker-'));
    const env = { ...process.env, PATH: `${stub.bin}:${process.env.PATH ?? ''}` };
    const run = async (l: TcLayout): Promise<number> => (await runCommand(['sh', '-c', tcRevertScript(l)], { env })).code;
    const calls = (): string[] => (existsSync(stub.log) ? readFileSync(stub.log, 'utf8').trim().split('\n').filter(Boolean) : []);
    return { stub, markerDir, run, calls };
  };

  it('deletes the 5c5: root once, then succeeds with nothing left to delete', async () => {
    const { stub, markerDir, run, calls } = setup();
    const l = layout({ egress: { qdisc: TBF, peers: none }, markerDir });
    writeFileSync(join(stub.state, 'qdiscs'), 'qdisc tbf 5c5: root refcnt 2 rate 1Mbit burst 3028b lat 122ms\n');
    writeFileSync(tcMarkerPath('ab12cd34', markerDir), tcMarkerText(l));
    assert.equal(await run(l), 0);
    assert.equal(readFileSync(join(stub.state, 'qdiscs'), 'utf8'), '');
    assert.equal(existsSync(tcMarkerPath('ab12cd34', markerDir)), false, 'marker removed last');
    assert.deepEqual(calls().filter((c) => c.includes(' del ')), ['tc qdisc del dev eth0 root handle 5c5:']);
    assert.equal(await run(l), 0, 'a second revert is a success');
    assert.equal(calls().filter((c) => c.includes(' del ')).length, 1, 'and deletes nothing');
  });

  it('counts absent parts as removed while the marker is there', async () => {
    const { markerDir, run } = setup();
    const l = layout({ egress: { qdisc: TBF, peers: none }, ingress: { peers: none, existing: 'none', action: { kind: 'ifb', device: 'scs_ab12cd34', qdisc: TBF } }, markerDir });
    writeFileSync(tcMarkerPath('ab12cd34', markerDir), tcMarkerText(l));
    assert.equal(await run(l), 0);
    assert.equal(existsSync(tcMarkerPath('ab12cd34', markerDir)), false);
  });

  it('never touches a 5c5: root whose marker is not its own', async () => {
    const { stub, markerDir, run, calls } = setup();
    writeFileSync(join(stub.state, 'qdiscs'), 'qdisc netem 5c5: root refcnt 2 limit 1000 delay 100ms\n');
    assert.equal(await run(layout({ egress: { qdisc: TBF, peers: none }, markerDir })), 0);
    assert.equal(calls().length, 0, 'without its marker the script does nothing');
    assert.match(readFileSync(join(stub.state, 'qdiscs'), 'utf8'), /5c5: root/);
  });

  it('fails and keeps the marker when a part stays', async () => {
    const { stub, markerDir, run } = setup({ failDeletes: true });
    const l = layout({ egress: { qdisc: TBF, peers: none }, markerDir });
    writeFileSync(join(stub.state, 'qdiscs'), 'qdisc tbf 5c5: root refcnt 2\n');
    writeFileSync(tcMarkerPath('ab12cd34', markerDir), tcMarkerText(l));
    assert.equal(await run(l), 1);
    assert.equal(existsSync(tcMarkerPath('ab12cd34', markerDir)), true, 'the marker stays for sweep');
  });

  it('removes its ingress filters, the ingress qdisc it created and its ifb', async () => {
    const { stub, markerDir, run, calls } = setup();
    const l = layout({ ingress: { peers: none, existing: 'none', action: { kind: 'ifb', device: 'scs_ab12cd34', qdisc: TBF } }, markerDir });
    writeFileSync(join(stub.state, 'qdiscs'), 'qdisc noqueue 0: root refcnt 2\nqdisc ingress ffff: parent ffff:fff1 ----------------\n');
    writeFileSync(join(stub.state, 'filters'), 'filter parent ffff: protocol all pref 1477 u32 chain 0 \nfilter parent ffff: protocol all pref 1477 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 \n');
    writeFileSync(join(stub.state, 'links', 'scs_ab12cd34'), '');
    writeFileSync(tcMarkerPath('ab12cd34', markerDir), tcMarkerText(l));
    assert.equal(await run(l), 0);
    assert.equal(readFileSync(join(stub.state, 'filters'), 'utf8'), '');
    assert.equal(readFileSync(join(stub.state, 'qdiscs'), 'utf8'), 'qdisc noqueue 0: root refcnt 2\n');
    assert.equal(existsSync(join(stub.state, 'links', 'scs_ab12cd34')), false);
    assert.ok(calls().includes('tc qdisc del dev eth0 ingress'));
  });

  it('leaves a shared clsact and its other filters alone', async () => {
    const { stub, markerDir, run, calls } = setup();
    const l = layout({ ingress: { peers: none, existing: 'clsact', action: { kind: 'police', args: [] } }, markerDir });
    writeFileSync(join(stub.state, 'qdiscs'), 'qdisc clsact ffff: parent ffff:fff1\n');
    writeFileSync(join(stub.state, 'filters'), 'filter protocol all pref 1 bpf chain 0 \nfilter protocol all pref 1477 u32 chain 0 \n');
    writeFileSync(tcMarkerPath('ab12cd34', markerDir), tcMarkerText(l));
    assert.equal(await run(l), 0);
    assert.equal(readFileSync(join(stub.state, 'filters'), 'utf8'), 'filter protocol all pref 1 bpf chain 0 \n');
    assert.match(readFileSync(join(stub.state, 'qdiscs'), 'utf8'), /clsact/);
    assert.ok(calls().every((c) => !c.includes('qdisc del')), 'the clsact is not ours to delete');
  });
});

describe('tc state checks', () => {
  const state = (extra: Partial<TcState>): TcState => ({ marker: true, egressRoot: null, egressChild: null, ingressPrefs: [], ifbRoot: null, ifbPresent: false, ...extra });

  it('finds what is missing after apply', () => {
    const peersLayout = layout({ egress: { qdisc: ['netem', 'delay', '1ms'], peers: { v4: ['198.18.0.12'], v6: [] } } });
    assert.deepEqual(activeProblems(peersLayout, state({ egressRoot: 'htb', egressChild: 'netem' })), []);
    assert.deepEqual(activeProblems(peersLayout, state({ marker: false, egressRoot: 'htb' })), [
      'marker /run/scs-chaos/ab12cd34.tc is missing',
      'qdisc 5c6: on eth0 is absent, expected netem',
    ]);
    const ifb = layout({ ingress: { peers: { v4: ['198.18.0.12'], v6: ['fd00::1'] }, existing: 'none', action: { kind: 'ifb', device: 'scs_ab12cd34', qdisc: TBF } } });
    assert.deepEqual(activeProblems(ifb, state({ ingressPrefs: [1477], ifbPresent: true, ifbRoot: 'tbf' })), ['ingress filter pref 1478 on eth0 is missing']);
  });

  it('finds what stays after revert', () => {
    const l = layout({ egress: { qdisc: TBF, peers: none } });
    assert.deepEqual(revertedProblems(l, state({ marker: false })), []);
    assert.deepEqual(revertedProblems(l, state({ egressRoot: 'tbf' })), ['marker /run/scs-chaos/ab12cd34.tc is still there', 'root qdisc tbf 5c5: is still on eth0']);
  });

  it('reads scs-chaos prefs from tc filter show', () => {
    assert.deepEqual(scsPrefs('filter parent ffff: protocol ip pref 1478 u32 chain 0 \nfilter parent ffff: protocol all pref 1477 u32 \nfilter protocol all pref 49152 bpf \n'), [1477, 1478]);
  });
});

describe('tc fault lifecycle through a recording double', () => {
  const target = (double: RecordingExecutorDouble): FaultTarget => ({ node: { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: double.spec }, executor: double });
  const routed = (double: RecordingExecutorDouble, qdiscs: string): RecordingExecutorDouble =>
    double
      .on('ip -j route show default', { stdout: '[]' })
      .on(/^ip -j link show$/, { stdout: '[{"ifname":"lo","flags":["LOOPBACK","UP"],"mtu":65536,"link_type":"loopback"},{"ifname":"eth0","flags":["BROADCAST","UP","LOWER_UP"],"mtu":1500,"link_type":"ether"}]' })
      .on('ip -j link show dev eth0', { stdout: '[{"ifname":"eth0","mtu":1500}]' })
      .on('tc -j qdisc show dev eth0', { stdout: qdiscs });

  it('refuses to replace a configured root qdisc or another scs-chaos fault', async () => {
    const configured = routed(new RecordingExecutorDouble(), '[{"kind":"htb","handle":"1:","root":true}]');
    await assert.rejects(bandwidthLimit(target(configured), { rateBitsPerSecond: 1e6 }).prepare('ab12cd34'), (e: unknown) => e instanceof ExperimentCompromised && /configured root qdisc htb 1:; scs-chaos will not replace it/.test(e.message));
    const ours = routed(new RecordingExecutorDouble(), '[{"kind":"tbf","handle":"5c5:","root":true}]');
    await assert.rejects(bandwidthLimit(target(ours), { rateBitsPerSecond: 1e6 }).prepare('ab12cd34'), /already has scs-chaos's root qdisc 5c5: \(tbf\)/);
  });

  it('prepares from a default root, applies one script, and verifies by handle and marker', async () => {
    const double = routed(new RecordingExecutorDouble(), '[{"kind":"noqueue","handle":"0:","root":true}]');
    const prepared = await bandwidthLimit(target(double), { rateBitsPerSecond: 1e6 }).prepare('ab12cd34');
    assert.deepEqual(prepared.preState, { interface: 'eth0', mtu: 1500, interfaceVia: 'only interface up', previousRoot: 'noqueue 0:', tcMarker: '/run/scs-chaos/ab12cd34.tc', egressRoot: '5c5:' });
    double.on(/^set -e/, {});
    await prepared.apply();
    const applied = double.calls.find((c) => c.via === 'runScript')?.text ?? '';
    assert.equal(applied, tcApplyScript(layout({ egress: { qdisc: TBF, peers: none } })));
    assert.equal(prepared.revertScript, tcRevertScript(layout({ egress: { qdisc: TBF, peers: none } })));
    await assert.rejects(prepared.verifyActive(), {
      message: 'network-bandwidth on node-1 is not in place after injection: marker /run/scs-chaos/ab12cd34.tc is missing; root qdisc 5c5: on eth0 is absent, expected tbf',
    });
    double.once('tc -j qdisc show dev eth0', { stdout: '[{"kind":"tbf","handle":"5c5:","root":true}]' }).on('cat /run/scs-chaos/ab12cd34.tc', { stdout: 'id=ab12cd34\n' });
    assert.equal(await prepared.verifyActive(), 'tc on node-1: tbf 5c5: root on eth0 (marker /run/scs-chaos/ab12cd34.tc)');
    await assert.rejects(prepared.verifyReverted(), /marker \/run\/scs-chaos\/ab12cd34.tc is still there/);
  });
});
