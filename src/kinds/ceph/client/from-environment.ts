/**
 * From the environment's `ceph:` section to a working CephClient and OSD daemon backend. The OSD's node (for
 * the lab and systemd backends) is its CRUSH host: the `host` bucket above it in `ceph osd tree`, which must
 * be named like an environment node (Ceph names host buckets after the short hostname).
 */
import { BadInput } from '../../../kernel/errors';
import type { Environment, NodeSpec } from '../../../model/environment';
import type { CephSpec } from '../environment';
import { executorFor } from '../../../executors';
import type { Executor } from '../../../executors/executor';
import { CephAccess, CephClient } from './client';
import { CephadmOsdControl, HostShellOsdControl, OsdDaemonControl, OsdHost } from './osd-daemon';
import { RookDeploymentScaler, RookOsdControl } from './rook';
import { CephadmControl, ControlDaemon, ControlDaemonControl, ControlHost, HostShellControl, RookControl } from './control-daemon';
import type { OsdTree } from './types';

/** cephSpecOf: the environment's ceph section, or BadInput saying how to add one. */
export function cephSpecOf(environment: Environment): CephSpec {
  if (!environment.sections.ceph) {
    throw new BadInput(
      `environment ${environment.name} has no ceph: section, so its Ceph steps (probes, faults, judgements) cannot reach a Ceph cluster`,
      { file: environment.sourcePath },
      `add a ceph: section to ${environment.sourcePath}, e.g. ceph: { executorNode: local, backend: systemd, conf: /etc/ceph/ceph.conf, keyring: /etc/ceph/ceph.client.admin.keyring } (backend: lab|systemd|cephadm|rook; see experiments/environments/lab.yaml), or run the scenario against an environment that has one`,
    );
  }
  return environment.sections.ceph;
}

/** cephAccessOf: the CLI options of a ceph section. */
export function cephAccessOf(spec: CephSpec): CephAccess {
  const access: CephAccess = {};
  if (spec.conf) access.conf = spec.conf;
  if (spec.keyring) access.keyring = spec.keyring;
  if (spec.user) access.user = spec.user;
  if (spec.cluster) access.cluster = spec.cluster;
  return access;
}

/** executorOfNode: "local" or an environment node's executor. */
export function executorOfNode(environment: Environment, node: string): Executor {
  if (node === 'local') return executorFor({ kind: 'local' });
  const spec = environment.nodes.find((candidate) => candidate.name === node);
  if (!spec) throw new BadInput(`node "${node}" is not in environment ${environment.name}`, { file: environment.sourcePath }, `use one of: local, ${environment.nodes.map((n) => n.name).join(', ')}`);
  return executorFor(spec.executor);
}

/** cephClientFor: the CLI client on the environment's ceph executorNode. */
export function cephClientFor(environment: Environment, options: { timeoutMs?: number } = {}): CephClient {
  const spec = cephSpecOf(environment);
  return new CephClient(executorOfNode(environment, spec.executorNode), cephAccessOf(spec), options);
}

/** osdHostName: the name of the host bucket above an OSD in the CRUSH tree, or null if it has none. */
export function osdHostName(tree: OsdTree, osd: number): string | null {
  const parent = new Map<number, number>();
  for (const node of tree.nodes) for (const child of node.children) parent.set(child, node.id);
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  for (let id = parent.get(osd); id !== undefined; id = parent.get(id)) {
    const node = byId.get(id);
    if (node?.type === 'host') return node.name;
  }
  return null;
}

/** osdDaemonControlFor: the backend the environment names, wired to its nodes and its ceph CLI. */
export async function osdDaemonControlFor(environment: Environment, ceph: CephClient = cephClientFor(environment)): Promise<OsdDaemonControl> {
  const spec = cephSpecOf(environment);
  switch (spec.backend) {
    case 'lab':
    case 'systemd': {
      const hostOf = async (osd: number): Promise<OsdHost> => {
        const host = osdHostName(await ceph.osdTree(), osd);
        if (!host) throw new BadInput(`osd.${osd} has no host bucket in ceph osd tree`, { file: environment.sourcePath }, 'is the OSD id right? ceph osd tree lists the OSDs and their hosts');
        const node = environment.nodes.find((candidate) => candidate.name === host);
        if (!node) {
          throw new BadInput(
            `osd.${osd} runs on CRUSH host "${host}", which is not a node of environment ${environment.name}`,
            { file: environment.sourcePath },
            `name the node like its CRUSH host (ceph osd tree), or add node "${host}" with its executor`,
          );
        }
        return { node: node.name, executor: executorFor(node.executor) };
      };
      return spec.backend === 'lab' ? new HostShellOsdControl('lab', hostOf, spec.lab) : new HostShellOsdControl('systemd', hostOf);
    }
    case 'cephadm':
      return new CephadmOsdControl(ceph, spec.executorNode);
    case 'rook': {
      if (!spec.rook) throw new BadInput('ceph backend rook needs a rook: section', { file: environment.sourcePath }, 'add rook: { namespace: rook-ceph }');
      return RookOsdControl.create(spec.rook);
    }
  }
}

/**
 * labControlNode: with the lab backend, the lab's control namespace (where its monitors and managers run) as a
 * node named like the namespace: monitor and manager faults act and keep their revert marker there. Not an
 * environment node (scope does not list it; the ceph section is the permission), and named per lab, so two labs
 * on one machine never share its marker directory. Null without `lab.control` (a cluster outside the lab).
 */
export function labControlNode(environment: Environment): NodeSpec | null {
  const control = environment.lab?.control;
  if (environment.sections.ceph?.backend !== 'lab' || !control) return null;
  return { name: control.namespace, address: control.address, roles: [], executor: { kind: 'netns', namespace: control.namespace } };
}

/**
 * controlHostOf: where the lab and systemd backends act on a monitor or manager. lab: the control namespace
 * (or the ceph CLI's node when the environment has no lab.control, e.g. a test cluster); systemd: the
 * environment node named like the daemon's id (ceph-ansible names monitors and managers after their host).
 */
export function controlHostOf(environment: Environment, daemon: ControlDaemon): ControlHost {
  const spec = cephSpecOf(environment);
  if (spec.backend === 'lab') {
    const control = labControlNode(environment);
    if (control) return { node: control.name, executor: executorFor(control.executor) };
    return { node: spec.executorNode, executor: executorOfNode(environment, spec.executorNode) };
  }
  const node = environment.nodes.find((candidate) => candidate.name === daemon.id);
  if (!node) {
    throw new BadInput(
      `${daemon.type}.${daemon.id} has no node of the same name in environment ${environment.name}: the systemd backend runs ceph-${daemon.type}@${daemon.id} on the node named like the daemon`,
      { file: environment.sourcePath },
      `add node "${daemon.id}" with its executor (ceph-ansible names monitors and managers after the host's short name)`,
    );
  }
  return { node: node.name, executor: executorFor(node.executor) };
}

/** controlDaemonControlFor: the monitor/manager backend the environment names. */
export async function controlDaemonControlFor(environment: Environment, ceph: CephClient = cephClientFor(environment)): Promise<ControlDaemonControl> {
  const spec = cephSpecOf(environment);
  switch (spec.backend) {
    case 'lab':
      if (!spec.lab) throw new BadInput('ceph backend lab has no lab settings', { file: environment.sourcePath }, 'add ceph.lab or let the defaults apply');
      return new HostShellControl('lab', (daemon) => controlHostOf(environment, daemon), spec.lab);
    case 'systemd':
      return new HostShellControl('systemd', (daemon) => controlHostOf(environment, daemon));
    case 'cephadm':
      return new CephadmControl(ceph);
    case 'rook': {
      if (!spec.rook) throw new BadInput('ceph backend rook needs a rook: section', { file: environment.sourcePath }, 'add rook: { namespace: rook-ceph }');
      return new RookControl(await RookDeploymentScaler.create(spec.rook));
    }
  }
}
