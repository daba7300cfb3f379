/**
 * Monitor and manager stop faults against doubles: RecordingExecutorDouble (a TEST DOUBLE) answers the ceph CLI
 * with outputs captured from the HA lab and stands in for the control namespace's supervisorctl. What is tested:
 * the refusals (plan time: BadInput; before the injection: NotSteady for a cluster that is not steady), that a
 * refusal sends nothing but reads, the revert target and script, "the active manager" resolved at injection,
 * and Rook refused for want of a shell revert.
 */
import '../..';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BadInput, ExperimentCompromised, NotSteady } from '../../../kernel/errors';
import { parseEnvironment } from '../../../environment/load';
import { CephClient } from '../client/client';
import { fixture } from '../client/fixtures';
import { HostShellControl } from '../client/control-daemon';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import type { CephFaultContext } from './context';
import { stopActiveManager, stopMonitor } from './control-stop';

const ENV_YAML = (extra: string[] = [], backend = 'lab'): string =>
  [
    'name: t',
    'lab:',
    '  bridge: t-br0',
    '  subnet: 198.19.0.0/24',
    '  hostAddress: 198.19.0.1',
    '  unreachableRange: 198.19.0.0/16',
    '  runDir: /run/t-lab',
    '  edge: { namespace: t-edge, address: 198.19.0.10, httpPort: 80 }',
    '  control: { namespace: t-ctl, address: 198.19.0.9 }',
    'nodes:',
    ...[1, 2, 3].map((n) => `  - { name: node-${n}, address: 198.19.0.1${n}, roles: [storage], executor: { kind: netns, namespace: t-${n} } }`),
    'services: {}',
    'scope:',
    '  nodes: [node-1, node-2, node-3]',
    '  maxNodesAtOnce: 1',
    `  allowDestructive: ${extra.includes('destructive')}`,
    'ceph:',
    '  executorNode: local',
    '  conf: /run/t-lab/ceph/ceph.conf',
    `  backend: ${backend}`,
    ...(backend === 'lab' ? ['  lab: { controlSupervisorConfig: /run/t-lab/control/supervisord.conf }'] : []),
    ...(backend === 'rook' ? ['  rook: { namespace: rook-ceph }'] : []),
  ].join('\n');

const oneMonitor = (): string => {
  const q = JSON.parse(fixture('ha.quorum-status.json')) as { quorum_names: string[]; monmap: { mons: unknown[] } };
  q.quorum_names = ['a'];
  q.monmap.mons = q.monmap.mons.slice(0, 1);
  return JSON.stringify(q);
};

function cli(overrides: { quorum?: string; mgrDump?: string } = {}): RecordingExecutorDouble {
  return new RecordingExecutorDouble('double of the ceph CLI host', { kind: 'local' })
    .on(/ceph .* quorum_status --format json$/, { stdout: overrides.quorum ?? fixture('ha.quorum-status.json') })
    .on(/ceph .* mgr dump --format json$/, { stdout: overrides.mgrDump ?? fixture('ha.mgr-dump.json') });
}

function control(states: Record<string, string> = {}): RecordingExecutorDouble {
  return new RecordingExecutorDouble('double of the control namespace').on(/supervisorctl -c \/run\/t-lab\/control\/supervisord.conf status (\S+)$/, (call) => {
    const program = /status (\S+)$/.exec(call.text)?.[1] ?? '';
    return { stdout: `${program}   ${states[program] ?? 'RUNNING   pid 42, uptime 0:10:00'}\n`, code: states[program] ? 3 : 0 };
  });
}

function contextWith(cliDouble: RecordingExecutorDouble, controlDouble: RecordingExecutorDouble, options: { destructive?: boolean; backend?: string } = {}): CephFaultContext {
  const env = parseEnvironment(ENV_YAML(options.destructive ? ['destructive'] : [], options.backend), '/tmp/t.yaml');
  const lab = env.sections.ceph?.lab ?? { controlSupervisorConfig: '', monProgram: '', mgrProgram: '' };
  const daemons = new HostShellControl('lab', () => ({ node: 't-ctl', executor: controlDouble }), lab);
  return {
    env,
    ceph: new CephClient(cliDouble, { conf: '/run/t-lab/ceph/ceph.conf' }),
    cliTarget: { node: { name: 'local', address: '127.0.0.1', roles: [], executor: { kind: 'local' } }, executor: cliDouble },
    executorOf: () => controlDouble,
    daemons: async () => Promise.reject(new Error('no OSD backend in these tests')),
    controlDaemons: async () => daemons,
    destructive: options.destructive ?? false,
    allowedHealthChecks: [],
  };
}

const onlyReads = (double: RecordingExecutorDouble): string[] => double.texts().filter((t) => !/ (quorum_status|mgr dump) --format json$/.test(t) && !/supervisorctl .* status /.test(t));

describe('monitor stop', () => {
  it('with three monitors in quorum: allowed, reverted in the control namespace (a node named like it), nothing harmed in scope', async () => {
    const controlDouble = control();
    const fault = await stopMonitor(contextWith(cli(), controlDouble), 'b');
    assert.equal(fault.target.node.name, 't-ctl');
    assert.deepEqual(fault.target.node.executor, { kind: 'netns', namespace: 't-ctl' });
    assert.deepEqual(fault.harmedNodes, []);
    assert.match(await fault.planCheck(), /supervisor program ceph-mon-b \(\/run\/t-lab\/control\/supervisord.conf\) on t-ctl: running; mon\.b may be stopped: 3 monitors, 3 in quorum, losing mon\.b leaves 2 of 3/);
    const prepared = await fault.prepare('abcd1234');
    assert.match(prepared.revertScript ?? '', /supervisorctl -c \/run\/t-lab\/control\/supervisord.conf start ceph-mon-b/);
    execFileSync('sh', ['-n', '-c', prepared.revertScript ?? '']);
    assert.deepEqual(onlyReads(controlDouble), [], 'planning and preparing only read');
  });

  it('the only monitor: refused at plan time with the numbers (BadInput), nothing but reads; @destructive lifts it', async () => {
    const cliDouble = cli({ quorum: oneMonitor() });
    const controlDouble = control();
    const fault = await stopMonitor(contextWith(cliDouble, controlDouble), 'a');
    await assert.rejects(fault.planCheck(), (error: unknown) => error instanceof BadInput && /1 monitor, 1 in quorum: losing mon\.a leaves 0 of 1, no majority/.test(error.message));
    assert.deepEqual([...onlyReads(cliDouble), ...onlyReads(controlDouble)], []);
    const lifted = await stopMonitor(contextWith(cli({ quorum: oneMonitor() }), control(), { destructive: true }), 'a');
    assert.match(await lifted.planCheck(), /@destructive lifts the limit/);
  });

  it('a monitor out of quorum at injection time: NotSteady; a stopped monitor: compromised, nothing touched; unknown id: BadInput', async () => {
    const q = JSON.parse(fixture('ha.quorum-status.json')) as { quorum_names: string[] };
    q.quorum_names = ['a', 'b'];
    const fault = await stopMonitor(contextWith(cli({ quorum: JSON.stringify(q) }), control()), 'a');
    await assert.rejects(fault.prepare('abcd1234'), (error: unknown) => error instanceof BadInput && /leaves 1 of 3, no majority/.test(error.message));
    const peon = await stopMonitor(contextWith(cli({ quorum: JSON.stringify({ ...q, quorum_names: ['a', 'b'] }) }), control()), 'c');
    await assert.rejects(peon.prepare('abcd1234'), (error: unknown) => error instanceof NotSteady && /mon\.c out of quorum/.test(error.message));
    const stopped = await stopMonitor(contextWith(cli(), control({ 'ceph-mon-b': 'STOPPED   Nov 28 01:05 AM' })), 'b');
    await assert.rejects(stopped.planCheck(), (error: unknown) => error instanceof ExperimentCompromised && /mon\.b is stopped before the fault/.test(error.message));
    await assert.rejects(stopMonitor(contextWith(cli(), control()), 'd'), (error: unknown) => error instanceof BadInput && /mon\.d is not in the monmap/.test(error.message));
  });
});

describe('active manager stop', () => {
  it('stops the manager active at injection; refused without a standby', async () => {
    const fault = await stopActiveManager(contextWith(cli(), control()));
    assert.equal(fault.daemon().id, 'x');
    const dump = JSON.parse(fixture('ha.mgr-dump.json')) as Record<string, unknown>;
    const prepared = await (await stopActiveManager(contextWith(cli({ mgrDump: JSON.stringify({ ...dump, active_name: 'y', standbys: [{ name: 'x' }] }) }), control()))).prepare('abcd1234');
    assert.match(prepared.target, /^mgr\.y /);
    assert.match(prepared.revertScript ?? '', /start ceph-mgr-y/);
    const alone = await stopActiveManager(contextWith(cli({ mgrDump: JSON.stringify({ ...dump, standbys: [] }) }), control()));
    await assert.rejects(alone.planCheck(), (error: unknown) => error instanceof BadInput && /mgr\.x: it is the only manager \(0 standbys\)/.test(error.message));
  });

  it('rook: refused, no shell revert', async () => {
    await assert.rejects(stopActiveManager(contextWith(cli(), control(), { backend: 'rook' })), (error: unknown) => error instanceof BadInput && /no shell revert/.test(error.message));
  });
});
