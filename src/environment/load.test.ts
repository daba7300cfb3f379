import '../kinds';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import { loadEnvironment, parseEnvironment } from './load';
import { forgetSecretsForTests, redact } from '../kernel/secrets';

const LAB = join(__dirname, '..', '..', 'experiments', 'environments', 'lab.yaml');

const minimal = (extra = ''): string =>
  [
    'name: t',
    'nodes:',
    '  - name: node-1',
    '    address: 198.18.0.11',
    '    roles: [web]',
    '    executor: { kind: netns, namespace: ns1 }',
    'services:',
    '  web: { roles: [web], port: 8080 }',
    'scope:',
    '  nodes: [node-1]',
    extra,
  ].join('\n');

function badInputAt(text: string, line: number, message: RegExp): void {
  assert.throws(() => parseEnvironment(text, 'env.yaml'), (error: unknown) => {
    assert.ok(error instanceof BadInput, String(error));
    assert.equal(error.location?.line, line, error.describe());
    assert.match(error.describe(), message);
    assert.match(error.message, /fix: /);
    return true;
  });
}

describe('loadEnvironment', () => {
  it('reads the lab environment', () => {
    const env = loadEnvironment(LAB);
    assert.equal(env.name, 'lab');
    assert.deepEqual(env.nodes.map((n) => n.name), ['node-1', 'node-2', 'node-3']);
    assert.equal(env.services.web?.port, 8080);
    assert.equal(env.lab?.unreachableRange, '198.18.0.0/15');
    assert.equal(env.defaults.stabilizationMs, 2000);
  });

  it('applies defaults when the file gives none', () => {
    const env = parseEnvironment(minimal(), 'env.yaml');
    assert.equal(env.scope.maxNodesAtOnce, 1);
    assert.equal(env.scope.allowDestructive, false);
    assert.equal(env.defaults.probeRateHz, 10);
  });

  it('names the line of malformed YAML', () => {
    badInputAt('name: t\nnodes: []\nname: u\n', 3, /malformed YAML/);
  });

  it('names the line of a bad value and says how to fix it', () => {
    badInputAt(minimal().replace('198.18.0.11', '198.18.0.311'), 4, /not an IPv4 address/);
    badInputAt(minimal().replace('kind: netns, namespace: ns1', 'kind: telnet'), 6, /unknown executor kind "telnet"/);
    badInputAt(minimal().replace('nodes: [node-1]', 'nodes: [node-9]'), 10, /scope names node "node-9"/);
    badInputAt(minimal('defaults:\n  stabilization: soon'), 12, /"soon" is not a duration/);
    badInputAt(minimal().replace('port: 8080', 'port: 80800'), 8, /port 80800 is out of range/);
  });

  it('reports a missing file as bad input', () => {
    assert.throws(() => loadEnvironment('/nonexistent/env.yaml'), BadInput);
  });

  describe('ceph section', () => {
    const withCeph = (lines: string[]): string => minimal(['ceph:', ...lines.map((line) => `  ${line}`)].join('\n'));

    it('is optional', () => {
      assert.equal(parseEnvironment(minimal(), 'env.yaml').sections.ceph, undefined);
    });

    it('reads access options and the backend; lab gets its supervisor defaults', () => {
      const env = parseEnvironment(withCeph(['executorNode: node-1', 'conf: /etc/ceph/ceph.conf', 'keyring: /etc/ceph/ceph.client.chaos.keyring', 'user: chaos', 'backend: lab']), 'env.yaml');
      assert.deepEqual(env.sections.ceph, {
        executorNode: 'node-1',
        conf: '/etc/ceph/ceph.conf',
        keyring: '/etc/ceph/ceph.client.chaos.keyring',
        user: 'chaos',
        backend: 'lab',
        lab: {
          supervisorConfig: '/run/scs-chaos-lab/{node}/supervisord.conf',
          program: 'ceph-osd-{id}',
          controlSupervisorConfig: '/run/scs-chaos-lab/control/supervisord.conf',
          monProgram: 'ceph-mon-{id}',
          mgrProgram: 'ceph-mgr-{id}',
          cluster: {
            monitors: 1,
            managers: 1,
            pool: { name: 'scs-chaos-lab', size: 3, minSize: 2, pgs: 16 },
            timings: { osdHeartbeatIntervalMs: 1000, osdHeartbeatGraceMs: 5000, monOsdDownOutIntervalMs: 30_000, mgrStatsPeriodMs: 1000, monMgrDigestPeriodMs: 1000, osdRecoverySleepMs: 0, monLeaseMs: 2000, monElectionTimeoutMs: 2000, monMgrBeaconGraceMs: 8000 },
          },
        },
      });
      assert.deepEqual(parseEnvironment(withCeph(['executorNode: local', 'backend: systemd', 'cluster: prod']), 'env.yaml').sections.ceph, { executorNode: 'local', backend: 'systemd', cluster: 'prod' });
    });

    it('reads the lab cluster\'s pool and timings, keeping defaults for what is left out', () => {
      const env = parseEnvironment(
        withCeph(['executorNode: local', 'backend: lab', 'lab:', '  monitors: 3', '  managers: 2', '  pool: { name: lab-pool, pgs: 8 }', '  timings: { osdHeartbeatGrace: 3s, monOsdDownOutInterval: 1m, osdRecoverySleep: 100ms, monMgrBeaconGrace: 5s }']),
        'env.yaml',
      );
      assert.deepEqual(env.sections.ceph?.lab?.cluster, {
        monitors: 3,
        managers: 2,
        pool: { name: 'lab-pool', size: 3, minSize: 2, pgs: 8 },
        timings: { osdHeartbeatIntervalMs: 1000, osdHeartbeatGraceMs: 3000, monOsdDownOutIntervalMs: 60_000, mgrStatsPeriodMs: 1000, monMgrDigestPeriodMs: 1000, osdRecoverySleepMs: 100, monLeaseMs: 2000, monElectionTimeoutMs: 2000, monMgrBeaconGraceMs: 5000 },
      });
    });

    it('refuses lab cluster settings Ceph cannot take', () => {
      const lab = (line: string): string => withCeph(['executorNode: local', 'backend: lab', 'lab:', `  ${line}`]);
      badInputAt(lab('timings: { osdHeartbeatGrace: 1500ms }'), 15, /osdHeartbeatGrace must be a whole number of seconds/);
      badInputAt(lab('timings: { osdHeartbeatGrace: 1s }'), 15, /osdHeartbeatGrace must be longer than osdHeartbeatInterval/);
      badInputAt(lab('timings: { heartbeatGrace: 5s }'), 15, /unknown key "heartbeatGrace"/);
      badInputAt(lab('pool: { size: 2, minSize: 3 }'), 15, /minSize 3 exceeds size 2/);
      badInputAt(lab('pool: { pgs: 0 }'), 15, /pgs must be a positive integer/);
      badInputAt(lab('monitors: 2'), 15, /ceph lab monitors must be 1 or 3, got 2/);
      badInputAt(lab('managers: 3'), 15, /ceph lab managers must be 1 or 2, got 3/);
      badInputAt(lab('timings: { monLease: 500ms }'), 15, /monLease must be a whole number of seconds/);
    });

    it('reads the rook section', () => {
      const env = parseEnvironment(withCeph(['executorNode: local', 'backend: rook', 'rook: { namespace: rook-ceph, kubeconfigContext: scs-prod }']), 'env.yaml');
      assert.deepEqual(env.sections.ceph?.rook, { namespace: 'rook-ceph', kubeconfigContext: 'scs-prod' });
    });

    it('names the line of a bad ceph section and says how to fix it', () => {
      badInputAt(withCeph(['executorNode: node-7', 'backend: lab']), 12, /ceph executorNode "node-7" is neither "local" nor a node/);
      badInputAt(withCeph(['executorNode: local', 'backend: ansible']), 13, /ceph backend "ansible" is unknown/);
      badInputAt(withCeph(['executorNode: local', 'backend: rook']), 12, /ceph backend rook needs a rook: section/);
      badInputAt(withCeph(['executorNode: local', 'backend: rook', 'rook: { namespace: Rook_Ceph }']), 14, /rook namespace "Rook_Ceph" is not a Kubernetes namespace name/);
      badInputAt(withCeph(['executorNode: local', 'backend: systemd', 'rook: { namespace: rook-ceph }']), 14, /ceph rook: is only read with backend: rook \(this one is systemd\)/);
      badInputAt(withCeph(['backend: lab']), 12, /ceph is missing "executorNode"/);
      badInputAt(withCeph(['executorNode: local', 'backend: lab', 'conf: ""']), 14, /ceph conf is empty/);
    });
  });
});

describe('secrets in environment files', () => {
  const withPrometheus = (url: string): string => minimal(`prometheus:\n  url: ${url}\n`);

  it('replaces ${env:NAME} in URLs with the variable and registers it (and URL passwords) as secrets', () => {
    process.env.SCS_CHAOS_LOAD_TEST_TOKEN = 'tok-9f8e7d';
    try {
      const env = parseEnvironment(withPrometheus('http://metrics:${env:SCS_CHAOS_LOAD_TEST_TOKEN}@198.18.0.10:9090'), 'env.yaml');
      assert.equal(env.prometheus?.url, 'http://metrics:tok-9f8e7d@198.18.0.10:9090');
      assert.equal(redact('token tok-9f8e7d'), 'token ***');
    } finally {
      delete process.env.SCS_CHAOS_LOAD_TEST_TOKEN;
      forgetSecretsForTests();
    }
  });

  it('refuses an unset variable and a password too short to redact, naming the line', () => {
    delete process.env.SCS_CHAOS_LOAD_TEST_UNSET;
    badInputAt(withPrometheus('http://m:${env:SCS_CHAOS_LOAD_TEST_UNSET}@h:9090'), 12, /SCS_CHAOS_LOAD_TEST_UNSET is not set/);
    badInputAt(withPrometheus('http://m:abc@h:9090'), 12, /shorter than 4 characters/);
  });

  describe('kube-node executor', () => {
    const kubeNode = (executor: string, extra = ''): string => minimal(extra).replace('{ kind: netns, namespace: ns1 }', executor);

    it('reads its defaults and takes the kubernetes section\'s kubeconfig and context', () => {
      const env = parseEnvironment(kubeNode('{ kind: kube-node, image: "scs-chaos:1" }', 'kubernetes:\n  kubeconfig: /etc/k.conf\n  context: prod\n  namespaces: [web]\n'), 'env.yaml');
      assert.deepEqual(env.nodes[0]?.executor, { kind: 'kube-node', node: 'node-1', namespace: 'scs-chaos', image: 'scs-chaos:1', kubeletPort: 10250, hostProcess: '1', kubeconfig: '/etc/k.conf', context: 'prod' });
    });

    it('keeps its own node name, namespace, port, host process and cluster', () => {
      const env = parseEnvironment(kubeNode('{ kind: kube-node, image: i, node: worker-7, namespace: chaos, kubeletPort: 10255, hostProcess: containerd, kubeconfig: /other.conf, context: c2 }', 'kubernetes:\n  kubeconfig: /etc/k.conf\n  context: prod\n  namespaces: [web]\n'), 'env.yaml');
      assert.deepEqual(env.nodes[0]?.executor, { kind: 'kube-node', node: 'worker-7', namespace: 'chaos', image: 'i', kubeletPort: 10255, hostProcess: 'containerd', kubeconfig: '/other.conf', context: 'c2' });
    });

    it('refuses a missing image, a bad port and a host process that is neither PID nor name, by line', () => {
      badInputAt(kubeNode('{ kind: kube-node }'), 6, /needs image/);
      badInputAt(kubeNode('{ kind: kube-node, image: i, kubeletPort: 70000 }'), 6, /kubeletPort 70000 is out of range/);
      badInputAt(kubeNode('{ kind: kube-node, image: i, hostProcess: "a b" }'), 6, /neither a PID nor a process name/);
      badInputAt(kubeNode('{ kind: kube-node, image: i, hostProcess: 1.5 }'), 6, /neither a PID nor a process name/);
      const env = parseEnvironment(kubeNode('{ kind: kube-node, image: i, hostProcess: 1 }'), 'env.yaml');
      assert.equal(env.nodes[0]?.executor.kind === 'kube-node' && env.nodes[0].executor.hostProcess, '1');
    });
  });
});
