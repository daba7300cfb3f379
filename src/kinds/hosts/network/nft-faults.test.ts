import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { runCommand } from '../../../executors/command';
import type { FaultTarget } from '../target';
import { dnsFailure, dnsFailureRuleset } from './dns-failure';
import { nftRevertScript, parseNftListing } from './nft';
import { lossCondition, lossNftSpec } from './packet-loss';
import { nftRuleset } from './nft';
import { partition, partitionRuleset, peerAddresses } from './partition';
import { portBlackhole, portBlackholeRuleset } from './port-blackhole';
import { RecordingExecutorDouble, stubNodeCommands } from '../../../executors/testing-double';

const T = 'scs_chaos_ab12cd34';

function targetOn(executor: RecordingExecutorDouble, service?: FaultTarget['service']): FaultTarget {
  return { node: { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: executor.spec }, executor, ...(service ? { service } : {}) };
}

describe('partition ruleset', () => {
  it('drops both directions to/from the peers held in nft sets, keeping lo and the management port', () => {
    assert.equal(
      partitionRuleset(T, { peers: ['198.18.0.12', '198.18.0.0/28', 'fd00::/64'] }, 22),
      [
        `table inet ${T} {`,
        '  set peers4 {',
        '    type ipv4_addr',
        '    flags interval',
        '    auto-merge',
        '    elements = { 198.18.0.12, 198.18.0.0/28 }',
        '  }',
        '  set peers6 {',
        '    type ipv6_addr',
        '    flags interval',
        '    auto-merge',
        '    elements = { fd00::/64 }',
        '  }',
        '  chain input {',
        '    type filter hook input priority -150; policy accept;',
        '    iifname "lo" accept',
        '    tcp dport 22 accept comment "scs-chaos management (ssh)"',
        '    ip saddr @peers4 counter drop comment "scs-chaos network-partition"',
        '    ip6 saddr @peers6 counter drop comment "scs-chaos network-partition"',
        '  }',
        '  chain output {',
        '    type filter hook output priority -150; policy accept;',
        '    oifname "lo" accept',
        '    tcp sport 22 accept comment "scs-chaos management (ssh)"',
        '    ip daddr @peers4 counter drop comment "scs-chaos network-partition"',
        '    ip6 daddr @peers6 counter drop comment "scs-chaos network-partition"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('cuts one direction, or one service of the link, when asked', () => {
    const oneWay = partitionRuleset(T, { peers: ['198.18.0.12'], direction: 'ingress' });
    assert.match(oneWay, /chain input/);
    assert.doesNotMatch(oneWay, /chain output/);
    const service = partitionRuleset(T, { peers: ['198.18.0.12'], port: 8080, protocol: 'tcp' });
    assert.match(service, /ip saddr @peers4 tcp dport 8080 counter drop/);
    assert.match(service, /ip daddr @peers4 tcp sport 8080 counter drop/);
    const anyTransport = partitionRuleset(T, { peers: ['198.18.0.12'], port: 53, portOf: 'peer' });
    assert.match(anyTransport, /ip saddr @peers4 meta l4proto \{ tcp, udp \} th sport 53 counter drop/);
    assert.match(anyTransport, /ip daddr @peers4 meta l4proto \{ tcp, udp \} th dport 53 counter drop/);
  });

  it('refuses bad peers at plan time', () => {
    assert.throws(() => partitionRuleset(T, { peers: [] }), /at least one address/);
    assert.throws(() => partitionRuleset(T, { peers: ['198.18.0.300'] }), /not an IP address or CIDR/);
    assert.throws(() => partitionRuleset(T, { peers: ['198.18.0.1/24'] }), /host bits set[\s\S]*198\.18\.0\.0\/24/);
    assert.throws(() => partitionRuleset(T, { peers: ['fd00::1/64'] }), BadInput);
    assert.throws(() => partitionRuleset(T, { peers: ['198.18.0.12'], port: 70000 }), /port 70000 is not a TCP\/UDP port/);
  });

  it('declares its abilities: a plan-time check, and the node it harms', () => {
    const double = new RecordingExecutorDouble();
    const fault = partition(targetOn(double), { peers: ['198.18.0.12'] });
    assert.equal(typeof fault.planCheck, 'function');
    assert.deepEqual(fault.harms, [{ unit: 'node', name: fault.target.node.name }]);
  });

  it('turns a group of nodes into peers', () => {
    assert.deepEqual(peerAddresses([{ name: 'a', address: '198.18.0.12', roles: [], executor: { kind: 'local' } }]), ['198.18.0.12']);
  });
});

describe('DNS failure ruleset', () => {
  it('drops the answers (udp and tcp from port 53) on ingress by default, so lookups time out', () => {
    assert.equal(
      dnsFailureRuleset(T),
      [
        `table inet ${T} {`,
        '  chain input {',
        '    type filter hook input priority -150; policy accept;',
        '    iifname "lo" accept',
        '    meta l4proto { tcp, udp } th sport 53 counter drop comment "scs-chaos network-dns-failure"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(dnsFailure(targetOn(new RecordingExecutorDouble()), { resolvers: ['10.0.0.53'] }).describe(), 'drop DNS answers (udp+tcp port 53) from 10.0.0.53 on node-1 (nft table, ingress)');
  });

  it('rejects with port unreachable (udp) and tcp reset (tcp), optionally only towards given resolvers', () => {
    const rules = dnsFailureRuleset(T, { mode: 'reject', resolvers: ['10.0.0.53'] });
    assert.match(rules, /elements = \{ 10\.0\.0\.53 \}/);
    assert.match(rules, /\n {4}ip daddr @peers4 udp dport 53 counter reject comment "scs-chaos network-dns-failure"\n/);
    assert.match(rules, /\n {4}ip daddr @peers4 tcp dport 53 counter reject with tcp reset comment "scs-chaos network-dns-failure"\n/);
    assert.doesNotMatch(rules, /chain input/);
  });
});

describe('port blackhole ruleset', () => {
  it('drops the node\'s tcp port on ingress by default', () => {
    assert.equal(
      portBlackholeRuleset(T, { port: 8080 }),
      [
        `table inet ${T} {`,
        '  chain input {',
        '    type filter hook input priority -150; policy accept;',
        '    iifname "lo" accept',
        '    tcp dport 8080 counter drop comment "scs-chaos network-port-blackhole"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('egress blackholes the port elsewhere; both = requests in and replies out', () => {
    assert.match(portBlackholeRuleset(T, { port: 5432, direction: 'egress' }), /chain output[\s\S]*tcp dport 5432 counter drop/);
    const both = portBlackholeRuleset(T, { port: 5353, direction: 'both', protocol: 'udp' });
    assert.match(both, /chain input[\s\S]*udp dport 5353 counter drop[\s\S]*chain output[\s\S]*udp sport 5353 counter drop/);
  });

  it('takes the service port by default and refuses the ssh management port', () => {
    const double = new RecordingExecutorDouble();
    const fault = portBlackhole(targetOn(double, { name: 'web', roles: ['web'], port: 8080 }));
    assert.equal(fault.describe(), "blackhole web's port 8080 (tcp, ingress) on node-1 (nft table)");
    assert.throws(() => portBlackholeRuleset(T, { port: 22 }, 22), /ssh port the runner manages the node through/);
    assert.doesNotThrow(() => portBlackholeRuleset(T, { port: 22, direction: 'egress' }, 22), 'outgoing ssh elsewhere does not cut the runner');
    assert.throws(() => portBlackhole(targetOn(double)), /needs a port/);
  });
});

describe('packet loss with nftables', () => {
  it('writes the numgen expression exactly', () => {
    assert.equal(lossCondition(10), 'numgen random mod 100 < 10');
    assert.equal(lossCondition(100), 'numgen random mod 100 < 100');
    assert.equal(lossCondition(0.5), 'numgen random mod 10000 < 50');
    assert.equal(lossCondition(12.34), 'numgen random mod 10000 < 1234');
    assert.throws(() => lossCondition(0), /out of range/);
    assert.throws(() => lossCondition(101), /out of range/);
  });

  it('puts the draw after the filters, egress only by default', () => {
    const rules = nftRuleset(T, lossNftSpec({ percent: 10, peers: ['198.18.0.12'] }));
    assert.match(rules, /\n {4}ip daddr @peers4 numgen random mod 100 < 10 counter drop comment "scs-chaos network-packet-loss"\n/);
    assert.doesNotMatch(rules, /chain input/);
    assert.match(nftRuleset(T, lossNftSpec({ percent: 5, direction: 'both' })), /chain input[\s\S]*numgen random mod 100 < 5 counter drop[\s\S]*chain output/);
  });
});

describe('nft fault lifecycle through a recording double', () => {
  const listing = (rules: number, packets = 7): string =>
    [`table inet ${T} {`, '  chain output {', ...Array.from({ length: rules }, () => `    ip daddr @peers4 counter packets ${packets} bytes 588 drop comment "scs-chaos network-partition"`), '  }', '}'].join('\n');

  it('pipes the ruleset into nft, verifies every rule is listed, and deletes the table', async () => {
    const double = new RecordingExecutorDouble()
      .on(/^nft -f -$/, {})
      .once(`nft list table inet ${T}`, { stdout: listing(2) })
      .on(`nft list table inet ${T}`, { stdout: listing(2, 8) })
      .on('/dev/udp/198.18.0.12/9', { stdout: 'bash: line 1: /dev/udp/198.18.0.12/9: Operation not permitted\nsent=0\ncode=0\n' });
    const fault = partition(targetOn(double), { peers: ['198.18.0.12'] });
    assert.equal(fault.requiresNetem, false);
    const prepared = await fault.prepare('ab12cd34');
    assert.deepEqual(prepared.preState, { nftTable: `inet ${T}`, peers: ['198.18.0.12'] });
    assert.equal(prepared.revertScript, `nft delete table inet ${T} 2>/dev/null; ! nft list table inet ${T} >/dev/null 2>&1`);
    await prepared.apply();
    assert.equal(double.calls[0]?.input, partitionRuleset(T, { peers: ['198.18.0.12'] }));
    const seen = await prepared.verifyActive();
    assert.ok(typeof seen === 'object');
    assert.equal(seen.proof, 'data-plane');
    assert.equal(
      seen.evidence,
      `nft table inet ${T} on node-1 with 2 network-partition rules; data plane: from node-1: a udp datagram to 198.18.0.12:9: ok, want the send fails with EPERM (dropped by node-1's output hook), got eperm; 2 packet(s) counted by its rules`,
    );
    assert.deepEqual(seen.checks?.map((c) => [c.from, c.traffic, c.observed, c.ok]), [['node-1', 'a udp datagram to 198.18.0.12:9', 'eperm', true]]);
    await assert.rejects(prepared.verifyReverted(), /still listed after revert/);
  });

  it('is compromised when nft refuses or rules are missing', async () => {
    const refusing = new RecordingExecutorDouble().on(/^nft -f -$/, { code: 1, stderr: 'Error: Could not process rule: No such file or directory' });
    const prepared = await partition(targetOn(refusing), { peers: ['198.18.0.12'] }).prepare('ab12cd34');
    await assert.rejects(prepared.apply(), (e: unknown) => e instanceof ExperimentCompromised && /nft said "Error: Could not process rule/.test(e.message));
    const uncounted = new RecordingExecutorDouble().on(`nft list table inet ${T}`, { stdout: listing(2) }).on('/dev/udp/', {});
    const silent = await partition(targetOn(uncounted), { peers: ['198.18.0.12'] }).prepare('ab12cd34');
    await assert.rejects(silent.verifyActive(), /the data plane does not show it: from node-1: a udp datagram to 198\.18\.0\.12:9: NOT MET, want the send fails with EPERM .*, got error/);
    const partial = new RecordingExecutorDouble().on(`nft list table inet ${T}`, { stdout: listing(1) });
    const half = await partition(targetOn(partial), { peers: ['198.18.0.12'] }).prepare('ab12cd34');
    await assert.rejects(half.verifyActive(), /lists 1 of its 2 rules/);
    const gone = new RecordingExecutorDouble().on(`nft list table inet ${T}`, { code: 1, stderr: 'Error: No such file or directory' });
    await (await partition(targetOn(gone), { peers: ['198.18.0.12'] }).prepare('ab12cd34')).verifyReverted();
  });

  it('checks the exact ruleset with nft --check at plan time, and refuses with BadInput', async () => {
    const double = new RecordingExecutorDouble().on('nft --check -f -', {});
    const fault = dnsFailure(targetOn(double), { mode: 'reject' });
    assert.equal(await fault.planCheck(), 'node-1: nft accepts the network-dns-failure ruleset');
    assert.equal(double.calls[0]?.input, dnsFailureRuleset('scs_chaos_plan', { mode: 'reject' }));
    const old = new RecordingExecutorDouble().on('nft --check -f -', { code: 1, stderr: "Error: syntax error, unexpected th" });
    await assert.rejects(dnsFailure(targetOn(old)).planCheck(), (e: unknown) => e instanceof BadInput && /nft --check refused its ruleset: "Error: syntax error, unexpected th"/.test(e.message));
  });

  it('keeps the management port open when the node is reached over ssh', async () => {
    const double = new RecordingExecutorDouble('ssh root@198.18.0.11:2222', { kind: 'ssh', host: '198.18.0.11', user: 'root', port: 2222 }).on(/^nft -f -$/, {});
    await (await partition(targetOn(double), { peers: ['198.18.0.12'] }).prepare('ab12cd34')).apply();
    assert.match(double.calls[0]?.input ?? '', /tcp dport 2222 accept comment "scs-chaos management \(ssh\)"/);
  });

  it('counts rules and packets in nft list output', () => {
    assert.deepEqual(parseNftListing(listing(3, 5), 'network-partition'), { present: true, rules: 3, packets: 15 });
    assert.deepEqual(parseNftListing(listing(3, 5), 'network-packet-loss'), { present: true, rules: 0, packets: 0 });
  });
});

describe('nft revert script under a real shell', () => {
  it('deletes the table once and succeeds again when it is already gone', async () => {
    const stub = stubNodeCommands();
    writeFileSync(join(stub.state, 'tables', T), '');
    const env = { ...process.env, PATH: `${stub.bin}:${process.env.PATH ?? ''}` };
    assert.equal((await runCommand(['sh', '-c', nftRevertScript(T)], { env })).code, 0);
    assert.equal(existsSync(join(stub.state, 'tables', T)), false);
    assert.equal((await runCommand(['sh', '-c', nftRevertScript(T)], { env })).code, 0, 'deleting what is absent is success');
    assert.equal(readFileSync(stub.log, 'utf8').split('\n').filter((l) => l.startsWith('nft delete')).length, 2);
  });

  it('fails when the table stays', async () => {
    const stub = stubNodeCommands({ failDeletes: true });
    writeFileSync(join(stub.state, 'tables', T), '');
    const env = { ...process.env, PATH: `${stub.bin}:${process.env.PATH ?? ''}` };
    assert.equal((await runCommand(['sh', '-c', nftRevertScript(T)], { env })).code, 1);
  });
});
