/**
 * The Debian programs the lab's Kubernetes runs besides the binaries built from source, found by absolute path
 * like lab/tools.ts finds the lab's; a missing one is reported with its package and the install script's flag.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { findProgram } from '../tools';

/** KUBERNETES_TOOLS maps each program to the Debian package that ships it. */
export const KUBERNETES_TOOLS = {
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  nsenter: 'util-linux',
  sysctl: 'procps',
  umount: 'mount',
  openssl: 'openssl',
} as const;

export type KubernetesTool = keyof typeof KUBERNETES_TOOLS;

/** CNI_BIN_DIR: Debian's containernetworking-plugins; the lab uses its bridge and host-local plugins. */
export const CNI_BIN_DIR = '/usr/lib/cni';
const CNI_PLUGINS = ['bridge', 'host-local', 'loopback'];

const INSTALL_HINT = 'run bash lab/install-packages.sh --with-kubernetes as root';

/** kubernetesToolPath returns the absolute path of `tool`; throws naming the package and the install script when missing. */
export function kubernetesToolPath(tool: KubernetesTool): string {
  const path = findProgram(tool);
  if (path === undefined) throw new Error(`lab up --with kubernetes needs ${tool} from the Debian package ${KUBERNETES_TOOLS[tool]}, which is not installed: ${INSTALL_HINT}`);
  return path;
}

/** requireKubernetesTools checks every program and CNI plugin, so a missing one stops `lab up` before anything is touched. */
export function requireKubernetesTools(): void {
  for (const tool of Object.keys(KUBERNETES_TOOLS) as KubernetesTool[]) kubernetesToolPath(tool);
  for (const plugin of CNI_PLUGINS) {
    try {
      accessSync(join(CNI_BIN_DIR, plugin), constants.X_OK);
    } catch {
      throw new Error(`lab up --with kubernetes needs the CNI plugin ${join(CNI_BIN_DIR, plugin)} from the Debian package containernetworking-plugins: ${INSTALL_HINT}`);
    }
  }
}
