/**
 * From the environment's `ceph:` section to a working CephClient and OSD daemon backend. The OSD's node (for
 * the lab and systemd backends) is its CRUSH host: the `host` bucket above it in `ceph osd tree`, which must
 * be named like an environment node (Ceph names host buckets after the short hostname).
 */
import { BadInput } from '../../core/errors';
import type { CephSpec, Environment } from '../../environment/types';
import { executorFor } from '../../executors';
import type { Executor } from '../../executors/executor';
import { CephAccess, CephClient } from './client';
import { CephadmOsdControl, HostShellOsdControl, OsdDaemonControl, OsdHost } from './osd-daemon';
import { RookOsdControl } from './rook';
import type { OsdTree } from './types';

/** cephSpecOf: the environment's ceph section, or BadInput saying how to add one. */
export function cephSpecOf(environment: Environment): CephSpec {
  if (!environment.ceph) {
    throw new BadInput(
      `environment ${environment.name} has no ceph: section, so OSD faults cannot reach a Ceph cluster`,
      { file: environment.sourcePath },
      'add ceph: { executorNode: <node or local>, backend: lab|systemd|cephadm|rook } (conf, keyring, user and cluster are optional)',
    );
  }
  return environment.ceph;
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
