/**
 * The programs the lab runs, found by absolute path (a non-root PATH often lacks /usr/sbin), and the root check.
 * A missing program is reported with its Debian package and the script that installs it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** LAB_TOOLS maps each program the lab runs to the Debian package that ships it. */
export const LAB_TOOLS = {
  ip: 'iproute2',
  nft: 'nftables',
  haproxy: 'haproxy',
  supervisord: 'supervisor',
  supervisorctl: 'supervisor',
  pgrep: 'procps',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
} as const;

/** LabTool: the name of a program the lab runs. */
export type LabTool = keyof typeof LAB_TOOLS;

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const found = new Map<string, string>();

/**
 * findProgram: the absolute path of an executable `name` on PATH or in the system directories (a non-root PATH
 * often lacks /usr/sbin), or undefined. Found paths are remembered for the process. Every lab program lookup
 * (lab, Prometheus, Ceph) goes through here.
 */
export function findProgram(name: string): string | undefined {
  const cached = found.get(name);
  if (cached) return cached;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(name, candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** toolPath returns the absolute path of `tool`; throws naming the package and lab/install-packages.sh when it is missing. */
export function toolPath(tool: LabTool): string {
  const path = findProgram(tool);
  if (path === undefined) throw new Error(`the lab needs ${tool} from the Debian package ${LAB_TOOLS[tool]}, which is not installed: run lab/install-packages.sh as root`);
  return path;
}

/** requireLabTools checks every program the lab runs, so a missing one stops `lab up` before anything is touched. */
export function requireLabTools(): void {
  for (const tool of Object.keys(LAB_TOOLS) as LabTool[]) toolPath(tool);
}

/** requireRoot throws unless the process runs as root; `action` names what needs it. */
export function requireRoot(action: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${action} needs root: the lab creates network namespaces, a bridge, routes and nftables tables; run it as root (e.g. with sudo)`);
  }
}
