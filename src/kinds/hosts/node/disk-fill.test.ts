/**
 * disk-fill: df parsing and sizing are pure; the fault itself fills a REAL tmpfs of 16 MiB that the test mounts
 * on a temporary directory and unmounts afterwards (root needed for the mount; skipped with the reason
 * otherwise). RecordingExecutorDouble (a test double) stands in only for a node whose directory is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../../kernel/errors';
import { expiryTimerName, expiryTimerScript } from '../../../revert/shell-channel';
import { Injection } from '../../../core/injection';
import { Journal } from '../../../core/journal';
import { runChecked, runCommand } from '../../../executors/command';
import { LocalExecutor } from '../../../executors/local';
import type { FaultTarget } from '../target';
import { RecordingExecutorDouble } from '../../../executors/testing-double';
import { diskFill, DfUsage, fillBytes, fillFileName, fillScript, parseDf, usagePercent } from './disk-fill';
import { waitUntil } from '../../../../test/support/wait-until';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const nodeSpec = { name: 'node-1', address: '198.18.0.11', roles: ['web'], executor: { kind: 'local' as const } };
const local = new LocalExecutor();
const localTarget: FaultTarget = { node: nodeSpec, executor: local };

describe('df parsing', () => {
  it('reads GNU df -P -B1, including mount points with spaces and filesystems without a percentage', () => {
    const gnu = 'Filesystem         1-blocks        Used   Available Capacity Mounted on\n/dev/vda       270553174016 12780572672 85012721664      14% /\n';
    assert.deepEqual(parseDf(gnu), { filesystem: '/dev/vda', sizeBytes: 270553174016, usedBytes: 12780572672, availableBytes: 85012721664, capacityPercent: 14, mountPoint: '/' });
    const spaced = parseDf('Filesystem     1-blocks  Used Available Capacity Mounted on\n//nas/my share  1000  250  750  25% /mnt/my disk\n');
    assert.equal(spaced.filesystem, '//nas/my share');
    assert.equal(spaced.mountPoint, '/mnt/my disk');
    assert.equal(parseDf('Filesystem     1-blocks  Used Available Capacity Mounted on\nproc                  0     0         0        - /proc\n').capacityPercent, 0);
    assert.throws(() => parseDf('df: /nope: No such file or directory\n'), /unexpected/);
  });

  it('computes usage as df does, without its rounding', () => {
    assert.equal(usagePercent({ filesystem: 'x', sizeBytes: 110, usedBytes: 25, availableBytes: 75, capacityPercent: 25, mountPoint: '/' }), 25, 'reserved blocks count in neither');
  });
});

describe('fill sizing', () => {
  const usage = (usedBytes: number, availableBytes: number): DfUsage => ({ filesystem: '/dev/sdb1', sizeBytes: usedBytes + availableBytes, usedBytes, availableBytes, capacityPercent: 0, mountPoint: '/var/lib/ceph' });

  it('takes exactly the space to the target, in whole 4 KiB blocks', () => {
    assert.equal(fillBytes(usage(50 * GiB, 50 * GiB), 90, '/var/lib/ceph'), 40 * GiB);
    const odd = fillBytes(usage(1000, 99_000), 50, '/x');
    assert.equal(odd % 4096, 0);
    assert.ok(usagePercent(usage(1000, 99_000), odd) >= 50);
  });

  it('refuses a filesystem already at or above the target, naming the path and the numbers', () => {
    assert.throws(
      () => fillBytes(usage(95 * GiB, 5 * GiB), 90, '/var/lib/ceph'),
      (error: unknown) => error instanceof BadInput && /\/var\/lib\/ceph \(\/dev\/sdb1 on \/var\/lib\/ceph, 95 GiB used of 100 GiB\) is already at 95\.0%, at or above the target 90%[\s\S]*fix: pick a target above 95%/.test(error.message),
    );
  });

  it('refuses a fill that would pass 98% once rounded to whole blocks', () => {
    assert.throws(() => fillBytes(usage(0, 8192), 98, '/tiny'), /would reach 100\.00% — past the safety limit of 98%/);
  });

  it('refuses targets out of range and relative paths at plan time', () => {
    assert.throws(() => diskFill(localTarget, { path: '/var', targetPercent: 99 }), /target 99% is out of range \(at most 98% for safety\)/);
    assert.throws(() => diskFill(localTarget, { path: '/var', targetPercent: 0 }), BadInput);
    assert.throws(() => diskFill(localTarget, { path: 'var/lib', targetPercent: 90 }), /"var\/lib" is not an absolute path/);
    assert.throws(() => diskFill(localTarget, { path: '/var/../etc', targetPercent: 90 }), /not an absolute path/);
  });

  it('writes one file with fallocate, falling back to a bounded dd that removes its partial file', () => {
    const auto = fillScript('/data/.scs-chaos-fill-ab12cd34', 40960, 'auto', 120);
    assert.match(auto, /^if e=\$\(fallocate -l 40960 \/data\/\.scs-chaos-fill-ab12cd34 2>&1\); then echo method fallocate; else rm -f /m);
    assert.match(auto, /timeout 120 dd if=\/dev\/zero of=\/data\/\.scs-chaos-fill-ab12cd34 bs=1M count=40960 iflag=count_bytes conv=fsync status=none \|\| \{ rm -f /);
    assert.doesNotMatch(fillScript('/data/f', 4096, 'dd', 5), /fallocate/);
  });
});

describe('disk fill on a node without the directory (RecordingExecutorDouble)', () => {
  it('refuses in prepare and planCheck, touching nothing', async () => {
    const double = new RecordingExecutorDouble().on('test -d /var/lib/ceph', { code: 1 });
    const fault = diskFill({ node: { ...nodeSpec, executor: double.spec }, executor: double }, { path: '/var/lib/ceph', targetPercent: 90 });
    await assert.rejects(fault.prepare('ab12cd34'), /disk fill on node-1: \/var\/lib\/ceph is not a directory on the node/);
    await assert.rejects(fault.planCheck(), BadInput);
    assert.deepEqual(double.texts(), ['test -d /var/lib/ceph', 'test -d /var/lib/ceph']);
  });
});

const skipReal = process.getuid?.() !== 0 ? 'needs root: the test mounts its own tmpfs' : process.platform !== 'linux' ? 'needs Linux tmpfs' : false;

describe('disk fill for real on a tmpfs of our own (LocalExecutor)', { skip: skipReal }, () => {
  let mount = '';
  let mounted = false;
  let journalDir = '';
  const ids: string[] = [];
  const df = async (): Promise<DfUsage> => parseDf(await runChecked(['df', '-P', '-B1', mount]));

  before(async () => {
    mount = mkdtempSync(join(tmpdir(), 'scs-fill-test-'));
    journalDir = mkdtempSync(join(tmpdir(), 'scs-fill-journal-')); // not on the tmpfs: the journal would count as usage
    await runChecked(['mount', '-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'scs-chaos-fill-test', mount]);
    mounted = true;
    writeFileSync(join(mount, 'existing-data'), Buffer.alloc(2 * MiB, 1)); // a filesystem in use, not an empty one
  });

  after(async () => {
    for (const id of ids) await runCommand(['pkill', '-KILL', '-f', `[s]cs-chaos-ttl-${id}`]);
    if (mounted && (await runCommand(['umount', mount])).code !== 0) await runCommand(['umount', '-l', mount]);
    rmSync(mount, { recursive: true, force: true });
    rmSync(journalDir, { recursive: true, force: true });
  });

  it('fills to the target with fallocate through an Injection, and the revert gives the space back', { timeout: 20_000 }, async (t) => {
    const before = await df();
    const journal = new Journal(join(journalDir, 'journal.jsonl'));
    const fault = diskFill(localTarget, { path: mount, targetPercent: 75 });
    assert.match(await fault.planCheck(), new RegExp(`^node-1: ${mount} at 12\\.\\d%, \\+\\d+(\\.\\d)? MiB to reach 75%$`));
    const injection = new Injection(fault, 15_000, journal, 'disk fill test');
    ids.push(injection.id);
    const file = join(mount, fillFileName(injection.id));
    let t0 = Date.now();
    await injection.inject();
    const injectMs = Date.now() - t0;
    t0 = Date.now();
    const evidence = await injection.verify();
    const observeMs = Date.now() - t0;
    assert.match(evidence, /holds 10 MiB \(fallocate\); \S+ at 75\.\d% \(target 75%\)$/);
    assert.equal(existsSync(file), true);
    assert.equal(statSync(file).size, injection.prepared?.preState.fillBytes);
    const during = await df();
    assert.ok(usagePercent(during) >= 74 && usagePercent(during) <= 76, `usage ${usagePercent(during)}% is at the target`);
    assert.deepEqual(readdirSync(mount).sort(), [fillFileName(injection.id), 'existing-data'].sort(), 'ONE file is written');

    t0 = Date.now();
    await injection.revert('test over');
    const revertMs = Date.now() - t0;
    journal.close();
    assert.equal(existsSync(file), false, 'the file is removed');
    assert.equal((await df()).usedBytes, before.usedBytes, 'the space is back');
    t.diagnostic(`latency: inject ${injectMs} ms, observed after ${observeMs} ms, revert ${revertMs} ms`);
  });

  it('fills with dd when asked, and the revert script alone, run by the expiry timer, removes the file', { timeout: 20_000 }, async (t) => {
    const id = 'f1' + Math.random().toString(16).slice(2, 8);
    ids.push(id);
    const prepared = await diskFill(localTarget, { path: mount, targetPercent: 50, method: 'dd' }).prepare(id);
    const t0 = Date.now();
    await prepared.apply();
    const applyMs = Date.now() - t0;
    assert.match((await prepared.verifyActive()) as string, /\(dd\); \S+ at 50\.\d% \(target 50%\)$/);
    const file = join(mount, fillFileName(id));
    await local.spawnDetached(expiryTimerScript(1000, prepared.revertScript ?? 'false'), expiryTimerName(id));
    assert.equal(existsSync(file), true, 'not before the TTL');
    assert.equal(await waitUntil(() => !existsSync(file), 4000), true, 'the timer removed the file');
    await prepared.verifyReverted();
    assert.equal((await local.runScript(prepared.revertScript ?? 'false')).code, 0, 'reverting again is fine');
    t.diagnostic(`dd apply of ${prepared.preState.fillBytes} bytes: ${applyMs} ms`);
  });

  it('refuses a filesystem already above the target, writing nothing', { timeout: 20_000 }, async () => {
    const filler = join(mount, 'more-data');
    writeFileSync(filler, Buffer.alloc(8 * MiB, 1));
    try {
      const fault = diskFill(localTarget, { path: mount, targetPercent: 40 });
      await assert.rejects(fault.prepare('f2000000'), (error: unknown) => error instanceof BadInput && /is already at 62\.\d%, at or above the target 40%/.test(error.message));
      await assert.rejects(fault.planCheck(), BadInput);
      assert.deepEqual(readdirSync(mount).sort(), ['existing-data', 'more-data']);
    } finally {
      rmSync(filler, { force: true });
    }
  });
});

const skipExt2 = skipReal || (!existsSync('/usr/sbin/mkfs.ext2') ? 'mkfs.ext2 is missing: apt-get install -y e2fsprogs' : !existsSync('/dev/loop-control') ? 'no loop devices here' : false);

describe('disk fill where fallocate is not supported: ext2 on a loop device of our own (LocalExecutor)', { skip: skipExt2 }, () => {
  let dir = '';
  let mountPoint = '';
  let mounted = false;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-fill-ext2-test-'));
    mountPoint = join(dir, 'mnt');
    await runChecked(['truncate', '-s', '16M', join(dir, 'image')]);
    // ext2 has no extents, and ext4's driver refuses fallocate on such files with EOPNOTSUPP.
    await runChecked(['mkfs.ext2', '-q', '-F', join(dir, 'image')]);
    await runChecked(['mkdir', mountPoint]);
    await runChecked(['mount', '-o', 'loop', join(dir, 'image'), mountPoint]); // autoclear: umount frees the loop device
    mounted = true;
  });

  after(async () => {
    if (mounted && (await runCommand(['umount', mountPoint])).code !== 0) await runCommand(['umount', '-l', mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to dd and still reaches the target; the revert removes the file', { timeout: 20_000 }, async (t) => {
    const id = 'f3' + Math.random().toString(16).slice(2, 8);
    const prepared = await diskFill(localTarget, { path: mountPoint, targetPercent: 60 }).prepare(id);
    const t0 = Date.now();
    await prepared.apply();
    const applyMs = Date.now() - t0;
    assert.match((await prepared.verifyActive()) as string, /\(dd\); \S+ at 60\.\d% \(target 60%\)$/);
    assert.equal((await local.runScript(prepared.revertScript ?? 'false')).code, 0);
    await prepared.verifyReverted();
    assert.equal(existsSync(join(mountPoint, fillFileName(id))), false);
    t.diagnostic(`fallocate refused, dd wrote ${prepared.preState.fillBytes} bytes in ${applyMs} ms`);
  });
});
