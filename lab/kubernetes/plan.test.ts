/**
 * Unit tests of the lab's Kubernetes plan (no root, nothing touched): address ranges derived from the lab subnet
 * (two labs never share one), every name and path derived from the layout, the generated configs, the edge's
 * haproxy section, the web workload, and versions.env.
 */
import '../../src/kinds';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadEnvironment } from '../../src/environment/load';
import type { Environment } from '../../src/model/environment';
import { haproxyConfigText } from '../haproxy';
import { cidrContains, parseCidr } from '../ipv4';
import { labKubernetesNetwork, labLayout } from '../layout';
import { cniConfigText, kubeletConfigText } from './configs';
import { kubernetesHaproxyText, kubernetesBackendStates, KUBERNETES_HAPROXY_BACKEND } from './haproxy';
import { cgroupHierarchies, mountsUnder } from './host';
import { labKubernetesPlan } from './plan';
import { kubernetesCache, KubernetesVersions, LAB_KUBERNETES_TIMINGS, versionsOf, VERSIONS_FILE } from './settings';
import { objectPath, webWorkload } from './workload';

const env = loadEnvironment(resolve(__dirname, '../../experiments/environments/lab.yaml'));
const versions: KubernetesVersions = { kubernetes: 'v1.34.4', etcd: 'v3.6.17', pauseImage: 'scs-chaos.lab/pause:1', busyboxImage: 'scs-chaos.lab/busybox:1', clusterApi: 'v1.10.4' };
const cache = { dir: '/cache/v1.34.4', bin: '/cache/v1.34.4/bin', images: '/cache/v1.34.4/images', crds: '/cache/v1.34.4/crds' };

/** secondLab: the default lab renamed, on another subnet and run directory (what a developer runs beside it). */
function secondLab(subnet = '198.19.20.0/24', range = '198.19.0.0/16'): Environment {
  const copy = structuredClone(env);
  const prefix = subnet.split('.').slice(0, 3).join('.');
  const lab = copy.lab;
  assert.ok(lab && lab.control);
  Object.assign(lab, { bridge: 'scs-kd-br0', subnet, unreachableRange: range, runDir: '/run/scs-chaos-kd', hostAddress: `${prefix}.1`, vethPrefix: 'scs-kd-' });
  lab.edge = { ...lab.edge, namespace: 'scs-kd-edge', address: `${prefix}.10` };
  lab.control = { namespace: 'scs-kd-ctl', address: `${prefix}.9` };
  copy.nodes = copy.nodes.map((node, i) => ({ ...node, address: `${prefix}.${11 + i}`, executor: { kind: 'netns', namespace: `scs-kd-node-${i + 1}` } }));
  for (const service of Object.values(copy.services)) {
    if (service.endpoint) service.endpoint = `http://${prefix}.10:80/`;
    if (service.supervisor) service.supervisor = { ...service.supervisor, config: service.supervisor.config.replace('/run/scs-chaos-lab/', '/run/scs-chaos-kd/') };
  }
  return copy;
}

describe('lab Kubernetes network', () => {
  it('puts Services and one pod /24 per node into a /20 half a /16 away from the lab subnet, inside the unreachable range', () => {
    const network = labKubernetesNetwork(labLayout(env));
    assert.deepEqual(network, {
      block: '198.18.128.0/20',
      serviceCidr: '198.18.128.0/24',
      apiServiceAddress: '198.18.128.1',
      pods: [
        { node: 'node-1', cidr: '198.18.129.0/24', gateway: '198.18.129.1' },
        { node: 'node-2', cidr: '198.18.130.0/24', gateway: '198.18.130.1' },
        { node: 'node-3', cidr: '198.18.131.0/24', gateway: '198.18.131.1' },
      ],
    });
    assert.ok(cidrContains(parseCidr('198.18.0.0/15'), '198.18.143.255'));
  });

  it('gives a second lab on another subnet its own block', () => {
    const network = labKubernetesNetwork(labLayout(secondLab()));
    assert.equal(network.block, '198.19.144.0/20');
    assert.equal(network.pods[0]?.cidr, '198.19.145.0/24');
    // wraps inside the /16: a subnet in the upper half gets a block in the lower half
    assert.equal(labKubernetesNetwork(labLayout(secondLab('198.19.200.0/24'))).block, '198.19.64.0/20');
  });

  it('refuses a block outside the unreachable range, naming the fix', () => {
    assert.throws(() => labKubernetesNetwork(labLayout(secondLab('198.19.30.0/24', '198.19.30.0/23'))), /outside lab unreachableRange 198\.19\.30\.0\/23: widen the range/);
  });
});

describe('lab Kubernetes plan', () => {
  it('derives every name and path from the layout: nothing names the default lab', () => {
    const plan = labKubernetesPlan(labLayout(secondLab()), { versions, cache, containerd: '/usr/bin/containerd' });
    assert.equal(plan.dir, '/run/scs-chaos-kd/kubernetes');
    assert.equal(plan.apiServerUrl, 'https://198.19.20.9:6443');
    assert.equal(plan.adminKubeconfig, '/run/scs-chaos-kd/kubernetes/admin.kubeconfig');
    assert.equal(plan.control.target.namespace, 'scs-kd-ctl');
    assert.deepEqual(plan.nodes.map((n) => [n.node.name, n.cgroupRoot, n.supervisor.target.namespace, n.supervisor.target.supervisorConfig]), [
      ['node-1', '/scs-kd-node-1', 'scs-kd-node-1', '/run/scs-chaos-kd/kubernetes/node-1/supervisord.conf'],
      ['node-2', '/scs-kd-node-2', 'scs-kd-node-2', '/run/scs-chaos-kd/kubernetes/node-2/supervisord.conf'],
      ['node-3', '/scs-kd-node-3', 'scs-kd-node-3', '/run/scs-chaos-kd/kubernetes/node-3/supervisord.conf'],
    ]);
    const everything = JSON.stringify(plan);
    assert.doesNotMatch(everything, /scs-lab|scs-chaos-lab\/|198\.18\./);
    // every daemon's command line names a file under the plan's directory: how lab down and the leftover check find it
    for (const program of [...plan.control.programs, ...plan.nodes.flatMap((n) => n.supervisor.programs)]) {
      assert.ok(program.argv.some((arg) => arg.startsWith(`${plan.dir}/`)), program.name);
      assert.ok(program.logFile.startsWith(`${plan.dir}/`), program.name);
    }
  });

  it('runs the control plane with the lab timings and the node programs with their node identity', () => {
    const plan = labKubernetesPlan(labLayout(env), { versions, cache, containerd: '/usr/bin/containerd' });
    assert.deepEqual(plan.control.programs.map((p) => p.name), ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    const argv = (name: string): string[] => plan.control.programs.find((p) => p.name === name)?.argv ?? [];
    const flag = (args: string[], name: string): string | undefined => args[args.indexOf(name) + 1];
    assert.equal(flag(argv('kube-apiserver'), '--service-cluster-ip-range'), '198.18.128.0/24');
    assert.equal(flag(argv('kube-apiserver'), '--default-unreachable-toleration-seconds'), '5');
    assert.equal(flag(argv('kube-controller-manager'), '--node-monitor-grace-period'), '8s');
    assert.equal(flag(argv('etcd'), '--listen-client-urls'), 'http://127.0.0.1:2379');
    assert.equal(argv('etcd')[0], '/cache/v1.34.4/bin/etcd');
    const node2 = plan.nodes[1];
    assert.ok(node2);
    const kubelet = node2.supervisor.programs.find((p) => p.name === 'kubelet')?.argv ?? [];
    assert.equal(flag(kubelet, '--hostname-override'), 'node-2');
    assert.equal(flag(kubelet, '--node-ip'), '198.18.0.12');
    const proxy = node2.supervisor.programs.find((p) => p.name === 'kube-proxy')?.argv ?? [];
    assert.equal(flag(proxy, '--cluster-cidr'), '198.18.128.0/20');
    const apiserverCert = plan.pki.certificates.find((c) => c.name === 'apiserver');
    assert.ok(apiserverCert?.altNames?.includes('IP:198.18.0.9') && apiserverCert.altNames.includes('IP:198.18.128.1'));
    assert.equal(plan.pki.certificates.find((c) => c.name === 'node-node-2')?.subject, '/O=system:nodes/CN=system:node:node-2');
  });

  it('refuses a lab without a control namespace', () => {
    const copy = structuredClone(env);
    delete copy.lab?.control;
    assert.throws(() => labKubernetesPlan(labLayout(copy), { versions, cache, containerd: '/usr/bin/containerd' }), /needs a control namespace.*lab\.control/);
  });
});

describe('lab Kubernetes configs', () => {
  it('writes the kubelet config with the lab timings, its cgroup root, the lab DNS and no shared host directory', () => {
    const text = kubeletConfigText({
      address: '198.18.0.11', caFile: '/p/ca.crt', containerdSocket: '/k/node-1/containerd.sock', cgroupRoot: '/scs-lab-node-1',
      podLogsDir: '/k/node-1/pod-logs', volumePluginDir: '/k/node-1/volume-plugins', resolvConf: '/etc/netns/scs-lab-node-1/resolv.conf', timings: LAB_KUBERNETES_TIMINGS,
    });
    for (const line of ['cgroupRoot: /scs-lab-node-1', 'nodeLeaseDurationSeconds: 4', 'nodeStatusUpdateFrequency: 4s', 'podLogsDir: "/k/node-1/pod-logs"', 'resolvConf: "/etc/netns/scs-lab-node-1/resolv.conf"', 'containerRuntimeEndpoint: unix:///k/node-1/containerd.sock']) {
      assert.ok(text.includes(line), line);
    }
  });

  it('writes a CNI bridge network with host-local IPAM on the node range, state in the lab directory, no NAT', () => {
    const config = JSON.parse(cniConfigText({ name: 'n', podCidr: '198.18.129.0/24', ipamDir: '/k/ipam' })) as { plugins: Array<Record<string, unknown> & { ipam: Record<string, unknown> }> };
    const [bridge] = config.plugins;
    assert.equal(bridge?.type, 'bridge');
    assert.equal(bridge?.ipMasq, false);
    assert.deepEqual(bridge?.ipam.ranges, [[{ subnet: '198.18.129.0/24' }]]);
    assert.equal(bridge?.ipam.dataDir, '/k/ipam');
  });

  it('adds a health-checked haproxy frontend and backend for the web Service through every node, after the lab web backend', () => {
    const layout = labLayout(env);
    const text = kubernetesHaproxyText(layout);
    assert.match(text, /bind 198\.18\.0\.10:8080/);
    assert.match(text, /server node-3 198\.18\.0\.13:30080 check/);
    assert.match(haproxyConfigText(layout) + text, /backend web\n[\s\S]*backend web-kubernetes\n/);
    const csv = `# pxname,svname,status\n${KUBERNETES_HAPROXY_BACKEND},node-1,UP\n${KUBERNETES_HAPROXY_BACKEND},node-2,DOWN\nweb,node-1,UP\n`;
    assert.deepEqual(kubernetesBackendStates(csv), { 'node-1': 'UP', 'node-2': 'DOWN' });
  });

  it('makes the web workload: never pulls, spreads over the nodes, a fixed NodePort', () => {
    const [deployment, service] = webWorkload('scs-chaos.lab/busybox:1', 3);
    assert.ok(deployment && service);
    assert.equal(objectPath(deployment), '/apis/apps/v1/namespaces/default/deployments/web');
    assert.equal(objectPath(service), '/api/v1/namespaces/default/services/web');
    const text = JSON.stringify(deployment);
    assert.match(text, /"imagePullPolicy":"Never"/);
    assert.match(text, /"replicas":3/);
    assert.match(JSON.stringify(service), /"nodePort":30080/);
  });
});

describe('lab Kubernetes settings and host', () => {
  it('reads the versions from versions.env', () => {
    const parsed = versionsOf(readFileSync(VERSIONS_FILE, 'utf8'));
    assert.match(parsed.kubernetes, /^v1\.34\.\d+$/); // 1.35 refuses cgroup v1
    assert.match(parsed.etcd, /^v3\.6\.\d+$/);
    assert.throws(() => versionsOf('KUBERNETES_VERSION=v1\n'), /no ETCD_VERSION=/);
  });

  it('caches by version under XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(kubernetesCache('v1.34.4', { XDG_CACHE_HOME: '/x', HOME: '/h' }).bin, '/x/scs-chaos/kubernetes/v1.34.4/bin');
    assert.equal(kubernetesCache('v1.34.4', { HOME: '/h' }).images, '/h/.cache/scs-chaos/kubernetes/v1.34.4/images');
  });

  it('finds every cgroup hierarchy and the mounts under a directory, deepest first', () => {
    const mounts = 'cgroup /sys/fs/cgroup/cpu cgroup rw 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\ntmpfs /run tmpfs rw 0 0\n';
    assert.deepEqual(cgroupHierarchies(mounts), ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified']);
    const mountinfo = [
      '1 0 8:0 / / rw - ext4 /dev/vda rw',
      '2 1 0:5 / /run/lab/kubernetes/node-1/containerd-state/a/rootfs rw - overlay overlay rw',
      '3 1 0:6 / /run/lab/kubernetes/node-1/kubelet/pods/x/volumes/with\\040space rw - tmpfs tmpfs rw',
      '4 1 0:7 / /run/lab-other/x rw - tmpfs tmpfs rw',
    ].join('\n');
    assert.deepEqual(mountsUnder(['/run/lab/kubernetes'], mountinfo), [
      '/run/lab/kubernetes/node-1/kubelet/pods/x/volumes/with space',
      '/run/lab/kubernetes/node-1/containerd-state/a/rootfs',
    ]);
  });
});
