/**
 * Data volumes: every lab node gets its own small tmpfs at `<runDir>/<node>/data`, the filesystem the lab's disk
 * faults fill and its I/O stress writes to. Why a volume of its own: a disk fill on a node namespace would
 * otherwise fill the host's shared /run or / — every node and the runner itself would see the same full disk.
 * Why tmpfs: it needs no loop device or image file, its size is a mount option, and it is gone when unmounted.
 *
 * Contract: mounted before the node's supervisord starts (processes started by `ip netns exec` get a copy of the
 * host's mounts at that moment), unmounted by `lab down` before the run directory is deleted.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { runCommand } from '../src/executors/command';
import type { LabLayout, LabNode } from './layout';

/** DATA_VOLUME_BYTES: 32 MiB is enough to fill to any percentage in whole 4 KiB blocks and costs no real disk. */
export const DATA_VOLUME_BYTES = 32 * 1024 * 1024;

/** mountedDataVolumes: the mount points under the lab's run directory (from /proc/self/mounts), decoded. */
export async function mountedDataVolumes(layout: LabLayout): Promise<string[]> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const prefix = `${layout.spec.runDir}/`;
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((field) => field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint.startsWith(prefix));
}

/** ensureDataVolume: mounts the node's tmpfs unless it is mounted already; returns what it did. */
export async function ensureDataVolume(layout: LabLayout, node: LabNode): Promise<'mounted' | 'present'> {
  if ((await mountedDataVolumes(layout)).includes(node.dataDir)) return 'present';
  await mkdir(node.dataDir, { recursive: true, mode: 0o755 });
  const options = `size=${DATA_VOLUME_BYTES},mode=0755,nodev,nosuid`;
  const result = await runCommand(['mount', '-t', 'tmpfs', '-o', options, `scs-lab-data-${node.name}`, node.dataDir], { timeoutMs: 5000 });
  if (result.code !== 0) throw new Error(`could not mount the data volume of ${node.name} at ${node.dataDir}: ${result.stderr.trim()}`);
  return 'mounted';
}

/** removeDataVolumes: unmounts every mount under the run directory, deepest first; throws naming what stayed. */
export async function removeDataVolumes(layout: LabLayout): Promise<string[]> {
  const mounted = (await mountedDataVolumes(layout)).sort((a, b) => b.length - a.length);
  const failed: string[] = [];
  for (const mountPoint of mounted) {
    const result = await runCommand(['umount', mountPoint], { timeoutMs: 5000 });
    // A busy mount (a shell left in it) is detached lazily: it disappears from the tree at once and is freed
    // when the last user goes, so the run directory can still be deleted.
    if (result.code !== 0 && (await runCommand(['umount', '-l', mountPoint], { timeoutMs: 5000 })).code !== 0) failed.push(mountPoint);
  }
  if (failed.length > 0) throw new Error(`could not unmount ${failed.join(', ')}`);
  return mounted;
}
