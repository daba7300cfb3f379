/**
 * What node and service faults share: the plan-time check (as NetworkFault has one, but without the netem
 * flag), the directory for their marker files on the node, and the validation of paths given in steps.
 */
import { BadInput } from '../../../kernel/errors';
import type { ShellFault, ShellFaultSpec } from '../../../revert/shell-fault';

/**
 * NODE_RUN_DIR: where node faults keep their pid and log files on the node (`/run/scs-chaos/<id>.*`, the
 * directory the network faults' tc markers use). `/run` is tmpfs: the files go with a reboot, as the faults do.
 */
export const NODE_RUN_DIR = '/run/scs-chaos';

/**
 * PlanCheckedFault: a shell fault with read-only checks on the node that can run at plan time, before any
 * injection. planCheck touches nothing, throws BadInput when the fault cannot work there (a missing binary, a
 * filesystem already past the target, a unit that does not exist) and otherwise resolves with one line for the
 * plan. prepare() runs the same checks again, so a fault is safe whether or not the Experiment calls planCheck.
 */
export interface PlanCheckedFaultSpec extends ShellFaultSpec {
  planCheck(): Promise<string>;
}

export type PlanCheckedFault = ShellFault<PlanCheckedFaultSpec>;

/**
 * absolutePath: a path from a step, refused unless absolute and free of `..`, newlines and NULs — relative to
 * what would be a guess on a remote node, and `..` hides where a file really lands.
 */
export function absolutePath(path: string, what: string): string {
  const trimmed = path.trim();
  if (!trimmed.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(trimmed) || /[\n\r\0]/.test(trimmed)) {
    throw new BadInput(`${what} "${path}" is not an absolute path`, undefined, 'write an absolute path on the node without "..", e.g. /var/lib/ceph');
  }
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, '') : trimmed;
}

/** formatBytes: bytes for people in binary units ("1.5 GiB"), as df -h and free -h print them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(value >= 100 ? 0 : 1))} ${units[unit]}`;
}
