/**
 * disk-fill: fills the filesystem that holds a directory to a target usage (e.g. 90 %) with ONE file,
 * `<directory>/.scs-chaos-fill-<id>`, allocated with `fallocate -l` (instant: blocks are reserved, nothing is
 * written) or, where the filesystem cannot preallocate, written with a bounded `dd`. Undo: `rm -f` that file.
 * The name carries the injection id, so `sweep` finds it without a journal (`find <mount> -name '.scs-chaos-fill-*'`).
 *
 * Usage means what df prints as Use%: used / (used + available). Reserved blocks (ext4's 5 % for root) are in
 * neither, so 100 % is where ordinary users get ENOSPC — the figure alerts and SLOs are written against.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import { shellQuote } from '../../../executors/executor';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { absolutePath, formatBytes, PlanCheckedFault } from './node-fault';

/** DISK_FILL_KIND: the kind of the disk-fill fault, as journal and reports name it. */
export const DISK_FILL_KIND = 'disk-fill';

/** DISK_FILL_SAFETY_PERCENT: no fill may take a filesystem past this usage; at 100 % the node's own logs and journald fail. */
export const DISK_FILL_SAFETY_PERCENT = 98;

/** DISK_FILL_BLOCK: fills are rounded up to 4 KiB blocks, the allocation unit of ext4, xfs and tmpfs. */
const DISK_FILL_BLOCK = 4096;

/** DiskFillOptions: where and how full. */
export interface DiskFillOptions {
  /** A directory on the node; the filesystem holding it is filled, and the file is written into it. */
  path: string;
  /** Usage to reach, in percent (above 0, at most 98). */
  targetPercent: number;
  /**
   * How to take the space: 'auto' (default) tries `fallocate` and falls back to `dd` where the filesystem cannot
   * preallocate; 'dd' always writes zeros (e.g. to exercise the write path; on compressing filesystems such as
   * ZFS or btrfs with compression zeros take no space — use fallocate there).
   */
  method?: 'auto' | 'dd';
  /** dd only: give up (and remove the partial file) after this long. Default 120 s. */
  writeTimeoutMs?: number;
}

/** DfUsage: one filesystem line of `df -P -B1`, in bytes. */
export interface DfUsage {
  filesystem: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** df's own Use%, rounded up by df; usagePercent() is the exact figure. */
  capacityPercent: number;
  mountPoint: string;
}

/** fillFileName: the name of the one file a disk fill writes. */
export function fillFileName(injectionId: string): string {
  return `.scs-chaos-fill-${injectionId}`;
}

/** parseDf: the filesystem line of `df -P -B1 <path>` (POSIX format: one line per filesystem, never wrapped). */
export function parseDf(text: string): DfUsage {
  const lines = text.split('\n').filter((line) => line.trim());
  const header = lines[0] ?? '';
  if (!/^Filesystem\s+1-blocks\s+Used\s+Avail(able)?\s+(Capacity|Use%)\s+Mounted on$/.test(header.trim()) || lines.length !== 2) {
    throw new Error(`df -P -B1 printed something unexpected: ${JSON.stringify(text.slice(0, 300))}`);
  }
  // Device names and mount points may contain spaces; the four numbers and the percentage in between cannot.
  const match = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%?\s+(\/.*)$/.exec(lines[1] as string);
  if (!match) throw new Error(`df -P -B1 printed a line that is not a filesystem: ${JSON.stringify(lines[1])}`);
  return {
    filesystem: match[1] as string,
    sizeBytes: Number(match[2]),
    usedBytes: Number(match[3]),
    availableBytes: Number(match[4]),
    capacityPercent: match[5] === '-' ? 0 : Number(match[5]),
    mountPoint: match[6] as string,
  };
}

/** usagePercent: used / (used + available) × 100, df's Use% without its rounding. */
export function usagePercent(usage: DfUsage, extraBytes = 0): number {
  const total = usage.usedBytes + usage.availableBytes;
  return total === 0 ? 100 : ((usage.usedBytes + extraBytes) / total) * 100;
}

/**
 * fillBytes: how many bytes take the filesystem from its usage to `targetPercent`, rounded up to whole blocks.
 * Refuses (BadInput, naming the path and the numbers) when it is already at or above the target — the scenario
 * would test nothing — or when the fill would take it past DISK_FILL_SAFETY_PERCENT.
 */
export function fillBytes(usage: DfUsage, targetPercent: number, path: string): number {
  const now = usagePercent(usage);
  const where = `${path} (${usage.filesystem} on ${usage.mountPoint}, ${formatBytes(usage.usedBytes)} used of ${formatBytes(usage.usedBytes + usage.availableBytes)})`;
  if (now >= targetPercent) {
    throw new BadInput(
      `disk fill: ${where} is already at ${now.toFixed(1)}%, at or above the target ${targetPercent}%: filling it would test nothing`,
      undefined,
      `pick a target above ${Math.ceil(now)}% (and at most ${DISK_FILL_SAFETY_PERCENT}%), or free space on ${usage.mountPoint} first`,
    );
  }
  const total = usage.usedBytes + usage.availableBytes;
  const exact = Math.ceil((targetPercent / 100) * total) - usage.usedBytes;
  const bytes = Math.ceil(exact / DISK_FILL_BLOCK) * DISK_FILL_BLOCK;
  const after = usagePercent(usage, bytes);
  if (after > DISK_FILL_SAFETY_PERCENT || bytes > usage.availableBytes) {
    throw new BadInput(
      `disk fill: filling ${where} to ${targetPercent}% needs ${formatBytes(bytes)} and would reach ${after.toFixed(2)}% — past the safety limit of ${DISK_FILL_SAFETY_PERCENT}%`,
      undefined,
      `pick a lower target; the filesystem is too small for ${targetPercent}% in whole ${DISK_FILL_BLOCK}-byte blocks`,
    );
  }
  return bytes;
}

/**
 * fillScript: writes the file (set -e: any failure stops it, and the partial file is removed). Prints
 * "method fallocate" or "method dd". The file must not exist: an injection id is used once.
 */
export function fillScript(file: string, bytes: number, method: 'auto' | 'dd', writeTimeoutSeconds: number): string {
  const f = shellQuote(file);
  const dd = `timeout ${writeTimeoutSeconds} dd if=/dev/zero of=${f} bs=1M count=${bytes} iflag=count_bytes conv=fsync status=none || { rm -f ${f}; echo "dd could not write ${bytes} bytes within ${writeTimeoutSeconds}s" >&2; exit 1; }`;
  return [
    'set -e',
    `[ ! -e ${f} ] || { echo "${file.replace(/["$`\\]/g, '\\$&')} exists already" >&2; exit 1; }`,
    ...(method === 'dd'
      ? [dd, 'echo method dd']
      : [
          // fallocate fails on filesystems without preallocation (EOPNOTSUPP); dd really writes the blocks there.
          `if e=$(fallocate -l ${bytes} ${f} 2>&1); then echo method fallocate; else rm -f ${f}; echo "fallocate: $e" >&2`,
          `  ${dd}`,
          '  echo method dd',
          'fi',
        ]),
  ].join('\n');
}

/** diskFill: the fault; refuses bad options here, at plan time, and a filesystem that does not fit in prepare/planCheck. */
export function diskFill(target: FaultTarget, options: DiskFillOptions): PlanCheckedFault {
  const nodeName = target.node.name;
  const directory = absolutePath(options.path, `disk fill on ${nodeName}: path`);
  const { targetPercent } = options;
  if (!(Number.isFinite(targetPercent) && targetPercent > 0 && targetPercent <= DISK_FILL_SAFETY_PERCENT)) {
    throw new BadInput(
      `disk fill on ${nodeName}: target ${targetPercent}% is out of range (at most ${DISK_FILL_SAFETY_PERCENT}% for safety)`,
      undefined,
      `pick a usage above 0% and at most ${DISK_FILL_SAFETY_PERCENT}%, e.g. 90%`,
    );
  }
  const method = options.method ?? 'auto';
  const writeTimeoutMs = options.writeTimeoutMs ?? 120_000;
  if (!(Number.isFinite(writeTimeoutMs) && writeTimeoutMs >= 1000)) {
    throw new BadInput(`disk fill on ${nodeName}: write timeout ${writeTimeoutMs} ms is too short`, undefined, 'give dd at least 1s');
  }
  const exec = target.executor;

  /** df: the filesystem holding the directory, read-only; the directory must exist. */
  const df = async (): Promise<DfUsage> => {
    const result = await exec.run(['df', '-P', '-B1', directory], { timeoutMs: 10_000 });
    if (result.code !== 0) {
      throw new BadInput(`disk fill on ${nodeName}: df cannot read ${directory}: ${result.stderr.trim()}`, undefined, 'give a directory that exists on the node');
    }
    return parseDf(result.stdout);
  };
  const inspect = async (): Promise<{ usage: DfUsage; bytes: number }> => {
    const isDir = await exec.run(['test', '-d', directory], { timeoutMs: 5000 });
    if (isDir.code !== 0) throw new BadInput(`disk fill on ${nodeName}: ${directory} is not a directory on the node`, undefined, 'give the directory on the filesystem to fill, e.g. /var/lib/ceph');
    const usage = await df();
    return { usage, bytes: fillBytes(usage, targetPercent, directory) };
  };

  return shellFault({
    kind: DISK_FILL_KIND,
    reversible: true,
    target,
    describe: () => `fill the filesystem holding ${directory} on ${nodeName} to ${targetPercent}% (one file, ${method === 'dd' ? 'dd' : 'fallocate'})`,
    async planCheck() {
      const { usage, bytes } = await inspect();
      return `${nodeName}: ${usage.mountPoint} at ${usagePercent(usage).toFixed(1)}%, +${formatBytes(bytes)} to reach ${targetPercent}%`;
    },
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const { usage, bytes } = await inspect();
      const file = `${directory === '/' ? '' : directory}/${fillFileName(injectionId)}`;
      let used = { method: 'none', bytes: 0 };
      return {
        kind: DISK_FILL_KIND,
        target: `${directory} on ${nodeName}`,
        reversible: true,
        preState: {
          path: directory,
          file,
          filesystem: usage.filesystem,
          mountPoint: usage.mountPoint,
          usedBytes: usage.usedBytes,
          availableBytes: usage.availableBytes,
          usagePercent: Number(usagePercent(usage).toFixed(2)),
          targetPercent,
          fillBytes: bytes,
        },
        revertScript: `rm -f ${shellQuote(file)}; [ ! -e ${shellQuote(file)} ]`,
        async apply() {
          // Sized again right before writing: whatever was written since prepare must not push the fill past the limit.
          const fresh = fillBytes(await df(), targetPercent, directory);
          const result = await exec.runScript(fillScript(file, fresh, method, Math.ceil(writeTimeoutMs / 1000)), { timeoutMs: writeTimeoutMs + 15_000 });
          if (result.code !== 0) {
            throw new ExperimentCompromised(`disk fill on ${nodeName}: could not take ${formatBytes(fresh)} in ${directory}: ${result.stderr.trim() || `exit ${result.code}`}`);
          }
          used = { method: /method (\w+)/.exec(result.stdout)?.[1] ?? 'unknown', bytes: fresh };
        },
        async verifyActive() {
          const size = await exec.run(['stat', '-c', '%s', file], { timeoutMs: 5000 });
          if (size.code !== 0) throw new ExperimentCompromised(`disk fill on ${nodeName}: ${file} does not exist after injection`);
          const now = await df();
          const percent = usagePercent(now);
          // One point of slack: other writers and filesystem metadata move usage a little either way.
          if (percent < targetPercent - 1) {
            throw new ExperimentCompromised(`disk fill on ${nodeName}: ${now.mountPoint} is at ${percent.toFixed(1)}% with ${file} in place, below the target ${targetPercent}% (expected at least ${targetPercent - 1}%). Does the filesystem compress zeros or deduplicate?`);
          }
          return `${file} on ${nodeName} holds ${formatBytes(Number(size.stdout.trim()))} (${used.method}); ${now.mountPoint} at ${percent.toFixed(1)}% (target ${targetPercent}%)`;
        },
        async verifyReverted() {
          const present = await exec.run(['test', '-e', file], { timeoutMs: 5000 });
          if (present.code === 0) throw new ExperimentCompromised(`disk fill on ${nodeName}: ${file} is still there after revert`);
        },
      };
    },
  });
}
