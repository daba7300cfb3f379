/**
 * Ceph faults without a cluster: RecordingExecutorDouble (a TEST DOUBLE: it runs nothing and answers with
 * scripted results) stands in for the node that runs the ceph CLI and for the OSD nodes, and every `ceph`
 * answer is a captured output of a real Ceph 16.2.15 cluster (src/kinds/ceph/client/fixtures). Revert scripts are
 * checked by the real `sh -n`. The real-cluster test is ceph-faults.integration.test.ts.
 */
import '../..';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput, NotSteady } from '../../../kernel/errors';
import { Injection } from '../../../core/injection';
import { Journal, readJournal } from '../../../core/journal';
import { parseEnvironment } from '../../../environment/load';
import type { Environment } from '../../../model/environment';
import { CephClient } from '../client/client';
import { fixture } from '../client/fixtures';
import { HostShellOsdControl } from '../client/osd-daemon';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { cephFaultContext, CephFaultContext, osdsOfHost } from './context';
import { parseClusterFlags, setClusterFlags, unsetFlagsScript } from './cluster-flags';
import { markOsdOut, osdInScript } from './osd-out';
import { addressNonce, findOsdPid, killOsd, osdProcessPattern, pauseOsd } from './osd-process';
import { loseHost, startAllScript, stopOsd } from './osd-stop';
import { parseOsdTree } from '../client/parse';

const ENV_YAML = (allowDestructive = false): string =>
  [
    'name: t',
    'nodes:',
    ...[1, 2, 3].map((n) => `  - { name: node-${n}, address: 198.18.0.1${n}, roles: [storage], executor: { kind: netns, namespace: n${n} } }`),
    'services: {}',
    'scope:',
    '  nodes: [node-1, node-2, node-3]',
    '  maxNodesAtOnce: 1',
    `  allowDestructive: ${allowDestructive}`,
    'ceph:',
    '  executorNode: local',
    '  conf: /etc/ceph/t.conf',
    '  backend: lab',
    '  lab: { supervisorConfig: "/run/scs-chaos-lab/{node}/supervisord.conf", program: "ceph-osd-{id}" }',
  ].join('\n');

/** The captured 4-OSD tree rearranged to three hosts: osd.0 and osd.1 on node-1, osd.2 on node-2, osd.3 on node-3. */
function threeHostsTree(): string {
  const tree = JSON.parse(fixture('healthy4.osd-tree.json')) as { nodes: Array<Record<string, unknown>>; stray: unknown[] };
  const osds = tree.nodes.filter((n) => n.type === 'osd');
  const root = tree.nodes.find((n) => n.type === 'root') as Record<string, unknown>;
  const hosts = [
    { id: -3, name: 'node-1', type: 'host', type_id: 1, children: [1, 0] },
    { id: -5, name: 'node-2', type: 'host', type_id: 1, children: [2] },
    { id: -7, name: 'node-3', type: 'host', type_id: 1, children: [3] },
  ];
  return JSON.stringify({ nodes: [{ ...root, children: [-3, -5, -7] }, ...hosts, ...osds], stray: [] });
}

/** cliDouble: the node running the ceph CLI, answering the read commands with captured outputs. */
function cliDouble(overrides: { okToStop?: string; osdDump?: string; status?: string } = {}): RecordingExecutorDouble {
  return new RecordingExecutorDouble('double of the ceph CLI host', { kind: 'local' })
    .on(/ceph .* status --format json$/, { stdout: overrides.status ?? fixture('healthy4.status.json') })
    .on(/ceph .* osd tree --format json$/, { stdout: threeHostsTree() })
    .on(/ceph .* osd dump --format json$/, { stdout: overrides.osdDump ?? fixture('healthy4.osd-dump.json') })
    .on(/ceph .* osd pool ls detail --format json$/, { stdout: fixture('healthy.pool-ls-detail.json') })
    .on(/ceph .* osd crush rule dump --format json$/, { stdout: fixture('healthy.crush-rule-dump.json') })
    .on(/ceph .* osd ok-to-stop 0 1 --format json$/, { code: 16, stdout: overrides.okToStop ?? fixture('healthy4.ok-to-stop-0-1.json') })
    .on(/ceph .* osd ok-to-stop (\d) --format json$/, (call) => ({ stdout: fixture('healthy4.ok-to-stop-0.json').replace('"osds":[0]', `"osds":[${/ok-to-stop (\d)/.exec(call.text)?.[1]}]`) }));
}

function contextWith(cli: RecordingExecutorDouble, nodes: Record<string, RecordingExecutorDouble> = {}, env: Environment = parseEnvironment(ENV_YAML(), '/tmp/t.yaml'), destructive = false): CephFaultContext {
  const ceph = new CephClient(cli, { conf: '/etc/ceph/t.conf' });
  const executorOf = (node: string): RecordingExecutorDouble => {
    const found = nodes[node];
    if (!found) throw new Error(`no double for ${node}`);
    return found;
  };
  const daemons = new HostShellOsdControl('lab', async (osd) => {
    const node = osd <= 1 ? 'node-1' : `node-${osd}`;
    return { node, executor: executorOf(node) };
  }, { supervisorConfig: '/run/scs-chaos-lab/{node}/supervisord.conf', program: 'ceph-osd-{id}' });
  return { env, ceph, cliTarget: { node: { name: 'local', address: '127.0.0.1', roles: [], executor: { kind: 'local' } }, executor: cli }, executorOf, daemons: async () => daemons, controlDaemons: async () => Promise.reject(new Error('the OSD tests have no monitor/manager backend')), destructive, allowedHealthChecks: [] };
}

const shSyntaxOk = (script: string): void => {
  execFileSync('sh', ['-n', '-c', script]);
};
const writes = (double: RecordingExecutorDouble): string[] => double.texts().filter((t) => !/ (status|osd tree|osd dump|osd pool ls detail|osd crush rule dump|osd ok-to-stop[\d ]*) --format json$/.test(t) && !/supervisorctl .* status /.test(t) && !/^pgrep /.test(t));

describe('the safety refusal touches nothing', () => {
  it('refuses losing node-1 (osd.0 and osd.1, failure domain osd) naming pool, size/min_size and domain; journal empty, only reads sent', async () => {
    const cli = cliDouble();
    const node1 = new RecordingExecutorDouble('double of node-1').on(/supervisorctl .* status ceph-osd-[01]$/, (call) => ({ stdout: `${/ceph-osd-\d/.exec(call.text)?.[0]}  RUNNING   pid 4242, uptime 0:10:00\n` }));
    const ctx = contextWith(cli, { 'node-1': node1 });
    const fault = await loseHost(ctx, 'node-1');
    assert.deepEqual(fault.harms, [{ unit: 'node', name: 'node-1' }]);
    assert.deepEqual(fault.harmedNodes, ['node-1']);
    await assert.rejects(fault.planCheck(), (error: unknown) => error instanceof BadInput && /pool "lab" \(size 3, min_size 2\) tolerates 1 osd bucket\(s\) down \(failure domain "osd"\), and this would hit 2: osd\.0, osd\.1/.test(error.message) && /@destructive/.test(error.message));

    const dir = mkdtempSync(join(tmpdir(), 'ceph-refusal-'));
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const injection = new Injection(fault, 30_000, journal, 'refusal');
    await assert.rejects(injection.inject(), BadInput);
    journal.close();
    assert.deepEqual(readJournal(join(dir, 'journal.jsonl')), [], 'no journal entry');
    assert.equal(readFileSync(join(dir, 'journal.jsonl'), 'utf8'), '');
    // Only reads reached the cluster and the node: no marker, no timer, no stop, no osd out/set.
    assert.deepEqual(writes(cli), []);
    assert.deepEqual(writes(node1), []);
    assert.ok(node1.calls.every((c) => c.via !== 'spawnDetached'));
  });

  it('@destructive with scope.allowDestructive lifts the budget limit (health and PGs are still demanded)', async () => {
    const env = parseEnvironment(ENV_YAML(true), '/tmp/t.yaml');
    const node1 = new RecordingExecutorDouble('double of node-1').on(/supervisorctl .* status ceph-osd-[01]$/, (call) => ({ stdout: `${/ceph-osd-\d/.exec(call.text)?.[0]}  RUNNING   pid 4242, uptime 0:10:00\n` }));
    const lifted = await loseHost(contextWith(cliDouble(), { 'node-1': node1 }, env, true), 'node-1');
    assert.match(await lifted.planCheck(), /@destructive lifts the limit: refusing to fault osd\.0, osd\.1: pool "lab"/);
    const unhealthy = await loseHost(contextWith(cliDouble({ status: fixture('down1.status.json') }), { 'node-1': node1 }, env, true), 'node-1');
    await assert.rejects(unhealthy.planCheck(), (error: unknown) => error instanceof BadInput && /HEALTH_WARN, not HEALTH_OK/.test(error.message));
  });

  it('a @destructive scenario in an environment that does not allow it is bad input', () => {
    const env = parseEnvironment(ENV_YAML(false), '/tmp/t.yaml');
    assert.throws(() => cephFaultContext(env, ['@ceph', '@destructive']), (error: unknown) => error instanceof BadInput && /does not allow destructive scenarios[\s\S]*scope\.allowDestructive: true/.test(error.message));
    assert.equal(cephFaultContext(parseEnvironment(ENV_YAML(true), '/tmp/t.yaml'), ['@destructive']).destructive, true);
    assert.equal(cephFaultContext(parseEnvironment(ENV_YAML(true), '/tmp/t.yaml'), []).destructive, false);
  });

  it('right before an injection an unhealthy cluster is NotSteady (nothing injected), not bad input', async () => {
    const fault = await markOsdOut(contextWith(cliDouble({ status: fixture('down1.status.json') })), 2);
    await assert.rejects(fault.prepare('abcd1234'), (error: unknown) => error instanceof NotSteady && /HEALTH_WARN[\s\S]*nothing was injected/.test(error.message));
  });
});

describe('OSD out/in', () => {
  it('marks out through the CLI host and reverts with an idempotent `ceph osd in` that sh accepts', async () => {
    const cli = cliDouble().on(/ceph .* osd out 2$/, {}).once(/osd dump --format json$/, { stdout: fixture('healthy4.osd-dump.json') });
    const ctx = contextWith(cli);
    const fault = await markOsdOut(ctx, 2);
    assert.deepEqual(fault.harmedNodes, ['node-2']);
    assert.equal(fault.target.node.name, 'local');
    assert.match(await fault.planCheck(), /osd\.2 on node-2: osd\.2 may be faulted: HEALTH_OK/);
    const prepared = await fault.prepare('abcd1234');
    assert.equal(prepared.revertScript, 'ceph --conf /etc/ceph/t.conf --connect-timeout 21 osd in 2');
    assert.equal(osdInScript(ctx.ceph, 2), prepared.revertScript);
    shSyntaxOk(prepared.revertScript ?? '');
    await prepared.apply();
    assert.ok(cli.texts().includes('ceph --conf /etc/ceph/t.conf --connect-timeout 21 osd out 2'));
  });

  it('refuses an OSD that is already out: the revert would mark it in', async () => {
    const fault = await markOsdOut(contextWith(cliDouble({ osdDump: fixture('out-remapped.osd-dump.json') })), 2);
    await assert.rejects(fault.planCheck(), /osd\.2 is already out/);
  });

  it('refuses an OSD that is not in the CRUSH map, naming those that are', async () => {
    await assert.rejects(markOsdOut(contextWith(cliDouble()), 7), (error: unknown) => error instanceof BadInput && /osd\.7 is not in the CRUSH map[\s\S]*osd\.0, osd\.1, osd\.2, osd\.3/.test(error.message));
  });
});

describe('cluster flags', () => {
  it('reads "noout and norecover" and refuses other words', () => {
    assert.deepEqual(parseClusterFlags('noout'), ['noout']);
    assert.deepEqual(parseClusterFlags('noout and norecover, nobackfill'), ['noout', 'norecover', 'nobackfill']);
    assert.throws(() => parseClusterFlags('pause'), /"pause" is not a cluster flag[\s\S]*noout, norebalance, nobackfill, norecover/);
  });

  it('sets only what was not set and unsets only that on revert (an operator\'s noout stays)', async () => {
    const cli = cliDouble({ osdDump: fixture('noout.osd-dump.json') }).on(/osd set norecover$/, {});
    const fault = setClusterFlags(contextWith(cli), ['noout', 'norecover']);
    assert.deepEqual(fault.harmedNodes, []);
    assert.match(await fault.planCheck(), /noout already set and left as it is/);
    const prepared = await fault.prepare('abcd1234');
    assert.deepEqual(prepared.preState.setByThisInjection, ['norecover']);
    assert.equal(prepared.revertScript, 'rc=0\nceph --conf /etc/ceph/t.conf --connect-timeout 21 osd unset norecover || rc=1\nexit $rc');
    shSyntaxOk(prepared.revertScript ?? '');
    await prepared.apply();
    assert.equal(cli.texts().filter((t) => / osd (set|unset) /.test(t)).join('\n'), 'ceph --conf /etc/ceph/t.conf --connect-timeout 21 osd set norecover');
    shSyntaxOk(unsetFlagsScript(new CephClient(cli), []));
  });
});

describe('OSD stop and host loss', () => {
  it('stops through supervisorctl on the OSD\'s node and reverts with a start-and-wait script sh accepts', async () => {
    const node2 = new RecordingExecutorDouble('double of node-2')
      .once(/status ceph-osd-2$/, { stdout: 'ceph-osd-2  RUNNING   pid 4242, uptime 0:10:00\n' })
      .on(/status ceph-osd-2$/, { stdout: 'ceph-osd-2  RUNNING   pid 4242, uptime 0:10:00\n' });
    const fault = await stopOsd(contextWith(cliDouble(), { 'node-2': node2 }), 2);
    assert.equal(fault.target.node.name, 'node-2');
    const prepared = await fault.prepare('abcd1234');
    assert.match(prepared.revertScript ?? '', /supervisorctl -c \/run\/scs-chaos-lab\/node-2\/supervisord\.conf start ceph-osd-2/);
    shSyntaxOk(prepared.revertScript ?? '');
  });

  it('host loss starts every OSD of the host in one script, all attempted', () => {
    const script = startAllScript(['supervisorctl start a', 'supervisorctl start b']);
    assert.equal(script, 'rc=0\n(\nsupervisorctl start a\n) || rc=1\n(\nsupervisorctl start b\n) || rc=1\nexit $rc');
    shSyntaxOk(script);
    assert.deepEqual(osdsOfHost(parseOsdTree(threeHostsTree()), 'node-1'), [0, 1]);
    assert.deepEqual(osdsOfHost(parseOsdTree(threeHostsTree()), 'node-9'), []);
  });
});

describe('OSD kill and pause', () => {
  it('finds the ceph-osd whose pid is the address nonce in ceph osd dump, among two clusters\' osd.2', async () => {
    const nonce = addressNonce(fixture('healthy4.osd-dump.json'), 2);
    assert.ok(nonce !== null && nonce > 1);
    const node2 = new RecordingExecutorDouble('double of node-2').on(/^pgrep -f /, { stdout: `99999\n${nonce}\n` });
    const found = await findOsdPid(node2, new CephClient(cliDouble()), 2, 'node-2');
    assert.deepEqual(found, { pid: nonce, how: `pid ${nonce} = the address nonce in ceph osd dump` });
    const ambiguous = new RecordingExecutorDouble('double of node-2').on(/^pgrep -f /, { stdout: '99998\n99999\n' });
    await assert.rejects(findOsdPid(ambiguous, new CephClient(cliDouble()), 2, 'node-2'), /found 2 \(pids 99998, 99999\)[\s\S]*nothing was touched/);
  });

  it('the pgrep pattern matches the daemon command lines of the lab, systemd and cephadm, and not osd.12 or itself', () => {
    const pattern = new RegExp(osdProcessPattern(2));
    assert.ok(pattern.test('/usr/bin/ceph-osd -f -c /run/lab/ceph.conf -i 2'));
    assert.ok(pattern.test('/usr/bin/ceph-osd -f --cluster ceph --id 2 --setuser ceph --setgroup ceph'));
    assert.ok(pattern.test('/usr/bin/ceph-osd -n osd.2 -f --setuser ceph --setgroup ceph --default-log-to-file=false'));
    assert.ok(!pattern.test('/usr/bin/ceph-osd -f -c /x -i 12'));
    assert.ok(!pattern.test(`pgrep -f ${osdProcessPattern(2)}`));
  });

  it('kill is one-shot (no revert script); pause reverts with SIGCONT, and both act on the OSD\'s node', async () => {
    const nonce = addressNonce(fixture('healthy4.osd-dump.json'), 2) as number;
    const node2 = new RecordingExecutorDouble('double of node-2').on(/^pgrep -f /, { stdout: `${nonce}\n` }).on(/^kill /, {});
    const ctx = contextWith(cliDouble(), { 'node-2': node2 });
    const kill = await killOsd(ctx, 2);
    assert.equal(kill.reversible, false);
    const killed = await kill.prepare('abcd1234');
    assert.equal(killed.revertScript, null);
    await killed.apply();
    assert.ok(node2.texts().includes(`kill -KILL ${nonce}`));
    const pause = await pauseOsd(ctx, 2);
    const paused = await pause.prepare('abcd1235');
    assert.equal(paused.revertScript, `kill -CONT ${nonce} 2>/dev/null; true`);
    shSyntaxOk(paused.revertScript ?? '');
    assert.deepEqual(pause.harmedNodes, ['node-2']);
  });
});
