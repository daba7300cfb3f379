/**
 * The kube-node executor's parts that need no cluster: the node-pod Jobs, the helper's idle end and keep-alive
 * (run here with sh), the exec status's exit codes, how a starting pod is judged, and the executor's prefixes
 * (into the host's namespaces, standard input as an argument) run against this machine's own processes.
 * The whole path against the lab's real cluster is test/lab/kube-node.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../executors/command';
import { BadInput } from '../../../kernel/errors';
import { KubeNodeExecutor, intoHost, withInput } from '../../../executors/kube-node';
import '../index';
import type { KubeNodeSpec } from '../../../model/environment';
import { exitCodeOf } from './exec';
import { helperCommand, inHelper, jobName, nodePodJob, NODE_POD_LABEL, TIMER_DEADLINE_SECONDS } from './manifests';
import { JobPod, podStart } from './pod-start';

const spec: KubeNodeSpec = { kind: 'kube-node', node: 'Worker_1.example', namespace: 'scs-chaos', image: 'scs-chaos:1', kubeletPort: 10250, hostProcess: '1' };

describe('node-pod Jobs', () => {
  it('names a Job as a DNS label of at most 63 characters, different each time', () => {
    const long = jobName('helper', 'n'.repeat(100));
    assert.ok(long.length <= 63, long);
    assert.match(jobName('timer', spec.node), /^scs-chaos-timer-worker-1-example-[0-9a-f]{6}$/);
    assert.notEqual(jobName('helper', 'a'), jobName('helper', 'a'));
  });

  it('pins a privileged host-PID, host-network pod to the node, tolerating every taint, removed by the cluster', () => {
    const job = nodePodJob(spec, 'timer', 'scs-chaos-timer-x', ['sh', '-c', 'sleep 1'], 'host pid 1');
    const jobSpec = job.spec as { activeDeadlineSeconds: number; ttlSecondsAfterFinished: number; backoffLimit: number; template: { spec: Record<string, unknown> & { containers: { command: string[]; securityContext: { privileged: boolean } }[] } } };
    assert.equal(job.metadata.labels[NODE_POD_LABEL], 'timer');
    assert.equal(job.metadata.labels['scs-chaos/node'], 'Worker_1.example');
    assert.equal(jobSpec.activeDeadlineSeconds, TIMER_DEADLINE_SECONDS);
    assert.equal(jobSpec.ttlSecondsAfterFinished, 0);
    assert.equal(jobSpec.backoffLimit, 0);
    const pod = jobSpec.template.spec;
    assert.equal(pod.nodeName, 'Worker_1.example');
    assert.equal(pod.hostPID, true);
    assert.equal(pod.hostNetwork, true);
    assert.deepEqual(pod.tolerations, [{ operator: 'Exists' }]);
    assert.equal(pod.containers[0]?.securityContext.privileged, true);
    assert.deepEqual(pod.containers[0]?.command, ['sh', '-c', 'sleep 1']);
  });

  it('a helper ends once idle, and every command run in it keeps it alive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-helper-'));
    try {
      const alive = join(dir, 'alive');
      let ended = false;
      // Idle limit 3 s; the command's own timeout (30 s) would reject if the helper never ended.
      const helper = runCommand(helperCommand(3, alive), { timeoutMs: 30_000 }).then((result) => ((ended = true), result));
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal((await runCommand(inHelper(['echo', 'ran'], alive))).stdout, 'ran\n');
      }
      assert.equal(ended, false, 'commands every 0.5 s keep the helper alive past its idle limit');
      const lastCommand = Date.now();
      assert.equal((await helper).code, 0);
      // Seconds are whole on both sides (date +%s, stat %Y): the helper waits more than idle - 1 s after the last command.
      assert.ok(Date.now() - lastCommand >= 1500, `ended ${Date.now() - lastCommand} ms after the last command`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exec status', () => {
  it('reads success, a non-zero exit and anything else', () => {
    assert.equal(exitCodeOf({ status: 'Success' }), 0);
    assert.equal(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }), 3);
    assert.equal(exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'exec: "nsenter": not found' }), undefined);
  });
});

describe('podStart', () => {
  const pod = (status: JobPod['status']): JobPod => ({ metadata: { name: 'p' }, status });

  it('is running, ended, failed for good or still waiting', () => {
    assert.deepEqual(podStart(pod({ phase: 'Running', containerStatuses: [{ state: { running: {} } }] })), { state: 'running', pod: 'p' });
    assert.deepEqual(podStart(pod({ phase: 'Succeeded' })), { state: 'ended', pod: 'p' });
    assert.equal(podStart(pod({ phase: 'Failed', reason: 'DeadlineExceeded' })).state, 'failed');
    const never = podStart(pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ErrImageNeverPull', message: 'image x not present' } } }] }));
    assert.equal(never.state, 'failed');
    assert.match(never.state === 'failed' ? never.why : '', /ErrImageNeverPull: image x not present/);
    assert.deepEqual(podStart(pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] })), { state: 'waiting', why: 'pod p is Pending (ContainerCreating)' });
  });
});

describe('kube-node prefixes', () => {
  it('hands standard input to the command as an argument', async () => {
    const result = await runCommand(withInput(['sh', '-c', 'cat; echo " done"'], "it's\nfed"));
    assert.equal(result.stdout, "it's\nfed done\n");
  });

  it('enters the namespaces of a PID or of a process found by name (root)', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const byPid = await runCommand([...intoHost(String(process.pid)), 'hostname']);
    assert.equal(byPid.code, 0, byPid.stderr);
    const byName = await runCommand([...intoHost('node'), 'sh', '-c', 'echo "$0"', 'entered']);
    assert.equal(byName.stdout, 'entered\n', byName.stderr);
    const none = await runCommand([...intoHost('no-such-process-xyz'), 'true']);
    assert.notEqual(none.code, 0);
  });
});

describe('kube-node executor without a cluster', () => {
  it('a kubeconfig that cannot be read is bad input naming the node, with the lab\'s command in the fix', async () => {
    const executor = new KubeNodeExecutor({ ...spec, kubeconfig: '/nonexistent/admin.kubeconfig' });
    await assert.rejects(executor.run(['true']), (error: unknown) => {
      assert.ok(error instanceof BadInput, String(error));
      assert.match(error.message, /^Kubernetes node Worker_1\.example: cannot read the kubeconfig \/nonexistent\/admin\.kubeconfig/);
      assert.match(error.message, /fix: .*scs-chaos lab up --with kubernetes/);
      return true;
    });
  });
});
