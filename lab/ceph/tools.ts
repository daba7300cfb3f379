/**
 * The Ceph programs the lab runs, found by absolute path like lab/tools.ts finds the lab's; a missing one is
 * reported with its Debian package and the install script's flag.
 */
import { findProgram } from '../tools';

/** CEPH_TOOLS maps each Ceph program the lab runs to the Debian package that ships it. */
export const CEPH_TOOLS = {
  'ceph-mon': 'ceph-mon',
  'ceph-mgr': 'ceph-mgr',
  'ceph-osd': 'ceph-osd',
  ceph: 'ceph-common',
  monmaptool: 'ceph-base',
} as const;

/** CephTool: the name of a Ceph program the lab runs. */
export type CephTool = keyof typeof CEPH_TOOLS;

/** cephToolPath returns the absolute path of `tool`; throws naming the package and `lab/install-packages.sh --with-ceph` when missing. */
export function cephToolPath(tool: CephTool): string {
  const path = findProgram(tool);
  if (path === undefined) throw new Error(`lab up --with ceph needs ${tool} from the Debian package ${CEPH_TOOLS[tool]}, which is not installed: run bash lab/install-packages.sh --with-ceph as root`);
  return path;
}

/** requireCephTools checks every Ceph program, so a missing one stops `lab up --with ceph` before anything is touched. */
export function requireCephTools(): void {
  for (const tool of Object.keys(CEPH_TOOLS) as CephTool[]) cephToolPath(tool);
}
