/**
 * node-stress: CPU, memory and I/O pressure on a node with Debian's stress-ng, bounded twice: stress-ng's own
 * `--timeout` equals the injection's TTL (it stops by itself — an on-target expiry that needs no timer), and
 * the node's expiry timer runs the revert at the same TTL. stress-ng runs detached (`setsid -f`, its own
 * session) and carries the injection id in its command line (`--temp-path <dir>/scs-chaos-stress-<id>`), so
 * `sweep` finds it without a journal. Undo: SIGTERM to exactly this injection's stress-ng, which stops its
 * workers and removes their files; SIGKILL after 5 s for what is left.
 *
 * Why --temp-path carries the id: stress-ng's workers overwrite their own argv ("stress-ng-cpu [run]"), and a
 * `sh -c 'exec …' name` loses its $0 at the exec, so only the parent's arguments survive. The workers are found
 * through the parent's session instead: setsid makes the launching shell a session leader, it writes its pid
 * to /run/scs-chaos/<id>.stress.pid and execs stress-ng, so that pid is stress-ng's pid and every worker's sid.
 */
import { sleep } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { absolutePath, formatBytes, NODE_RUN_DIR, PlanCheckedFault } from './node-fault';

/** STRESS_KIND: the kind of the stress fault, as journal and reports name it. */
export const STRESS_KIND = 'node-stress';

/** STRESS_MAX_MEMORY_PERCENT: more than this share of a node's memory leaves its kernel and sshd nothing. */
export const STRESS_MAX_MEMORY_PERCENT = 90;

/** STRESS_DEFAULT_HDD_BYTES: what each hdd worker writes and unlinks in a loop (stress-ng's own default is 1 GB). */
export const STRESS_DEFAULT_HDD_BYTES = 256 * 1024 * 1024;

/** STRESS_DEFAULT_DIRECTORY: where hdd workers write; /var/tmp is on disk on Debian, /tmp may be tmpfs (RAM). */
export const STRESS_DEFAULT_DIRECTORY = '/var/tmp';

/** StressOptions: what to stress and for how long at most; at least one of cpu, memory, io. */
export interface StressOptions {
  /** The injection's TTL: stress-ng's `--timeout` (rounded up to whole seconds), so it ends by itself. */
  ttlMs: number;
  /** `--cpu N --cpu-load P`: N workers (0 = one per online CPU, as stress-ng counts), each busy P % (1-100, default 100). */
  cpu?: { workers: number; loadPercent?: number };
  /** `--vm N --vm-bytes B --vm-keep`: N workers (default 1) holding `percent` of the node's total memory between them. */
  memory?: { percent: number; workers?: number };
  /**
   * `--io N` (workers calling sync()) and `--hdd N --hdd-bytes B` (workers writing and unlinking B bytes each, in
   * `<directory>/scs-chaos-stress-<id>`; default directory /var/tmp, default B 256 MiB).
   */
  io?: { syncWorkers?: number; hddWorkers?: number; hddBytes?: number; directory?: string };
}

/** MemInfo: the two lines of /proc/meminfo the memory stressor is sized from. */
export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
}

/** StressProcess: one process of `ps -eo pid=,sid=,stat=,comm=,args=`. */
export interface StressProcess {
  pid: number;
  sid: number;
  stat: string;
  comm: string;
  args: string;
}

/** stressMarker: the word in stress-ng's command line that names the injection (and its temp directory). */
export function stressMarker(injectionId: string): string {
  return `scs-chaos-stress-${injectionId}`;
}

/** stressPidFile: where the launcher writes stress-ng's pid, which is also the sid of all its workers. */
export function stressPidFile(injectionId: string): string {
  return `${NODE_RUN_DIR}/${injectionId}.stress.pid`;
}

/** stressLogFile: stress-ng's own output, read when it fails to start. */
export function stressLogFile(injectionId: string): string {
  return `${NODE_RUN_DIR}/${injectionId}.stress.log`;
}

/** stressTempDir: stress-ng's `--temp-path`, named after the injection; hdd workers write in it. */
export function stressTempDir(injectionId: string, options: StressOptions): string {
  return `${stressDirectory(options)}/${stressMarker(injectionId)}`;
}

function stressDirectory(options: StressOptions): string {
  return options.io?.directory !== undefined ? absolutePath(options.io.directory, 'stress I/O directory') : STRESS_DEFAULT_DIRECTORY;
}

/** validateStressOptions: refuses, at plan time with BadInput, values that make no sense or are unsafe. */
export function validateStressOptions(options: StressOptions, nodeName: string): void {
  const where = `stress on ${nodeName}`;
  const count = (value: number | undefined, what: string, min: number, max: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      throw new BadInput(`${where}: ${what} ${value} is out of range`, undefined, `use a whole number from ${min} to ${max}`);
    }
  };
  if (!(Number.isFinite(options.ttlMs) && options.ttlMs >= 1000)) {
    throw new BadInput(`${where}: TTL ${options.ttlMs} ms is too short for stress-ng's --timeout`, undefined, 'give the fault a TTL of at least 1s');
  }
  const { cpu, memory, io } = options;
  if (!cpu && !memory && !io?.syncWorkers && !io?.hddWorkers) {
    throw new BadInput(`${where}: nothing to stress`, undefined, 'ask for cpu workers, a memory percentage, or io/hdd workers');
  }
  if (cpu) {
    count(cpu.workers, 'cpu workers', 0, 1024);
    const load = cpu.loadPercent ?? 100;
    if (!(Number.isFinite(load) && load >= 1 && load <= 100)) {
      throw new BadInput(`${where}: CPU load ${load}% is not a percentage of one CPU`, undefined, 'use a load from 1% to 100% (100% = each worker keeps one CPU busy)');
    }
  }
  if (memory) {
    count(memory.workers, 'memory (vm) workers', 1, 64);
    if (!(Number.isFinite(memory.percent) && memory.percent > 0 && memory.percent <= STRESS_MAX_MEMORY_PERCENT)) {
      throw new BadInput(
        `${where}: memory ${memory.percent}% is out of range (at most ${STRESS_MAX_MEMORY_PERCENT}% of the node's memory)`,
        undefined,
        `use a percentage above 0 and at most ${STRESS_MAX_MEMORY_PERCENT}%: beyond it the kernel and sshd starve and the fault may not be revertable`,
      );
    }
  }
  if (io) {
    count(io.syncWorkers, 'io (sync) workers', 0, 64);
    count(io.hddWorkers, 'hdd workers', 0, 64);
    if (io.hddBytes !== undefined && !(Number.isInteger(io.hddBytes) && io.hddBytes >= 1024 * 1024 && io.hddBytes <= 2 ** 40)) {
      throw new BadInput(`${where}: hdd bytes ${io.hddBytes} is out of range`, undefined, 'use 1 MiB to 1 TiB per hdd worker');
    }
    if (io.directory !== undefined) absolutePath(io.directory, `${where}: I/O directory`);
  }
}

/** parseMeminfo: MemTotal and MemAvailable of /proc/meminfo, in bytes (the file says kB, meaning KiB). */
export function parseMeminfo(text: string): MemInfo {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/meminfo has no ${name} line`);
    return Number(match[1]) * 1024;
  };
  return { totalBytes: field('MemTotal'), availableBytes: field('MemAvailable') };
}

/**
 * vmBytesPerWorker: each vm worker's `--vm-bytes`, so all of them together hold `percent` of MemTotal. Computed
 * here rather than passed as "N%" because stress-ng's own percentages changed meaning between versions.
 */
export function vmBytesPerWorker(totalBytes: number, percent: number, workers: number): number {
  return Math.floor((totalBytes * percent) / 100 / workers / 4096) * 4096;
}

/** stressTimeoutSeconds: stress-ng's `--timeout`, the TTL rounded up as the expiry timer rounds it. */
export function stressTimeoutSeconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000));
}

/** stressArgs: the stress-ng argv (pure); `tempPath` is stressTempDir() of the injection, `memInfo` needed for memory. */
export function stressArgs(tempPath: string, options: StressOptions, memInfo: MemInfo | null): string[] {
  const args = ['stress-ng'];
  if (options.cpu) args.push('--cpu', String(options.cpu.workers), '--cpu-load', String(options.cpu.loadPercent ?? 100));
  if (options.memory) {
    if (!memInfo) throw new Error('stressArgs: memory stress needs the node\'s /proc/meminfo');
    const workers = options.memory.workers ?? 1;
    // --vm-keep: the workers keep dirtying the same pages instead of unmapping them, so the pressure is steady.
    args.push('--vm', String(workers), '--vm-bytes', `${vmBytesPerWorker(memInfo.totalBytes, options.memory.percent, workers)}b`, '--vm-keep');
  }
  if (options.io?.syncWorkers) args.push('--io', String(options.io.syncWorkers));
  if (options.io?.hddWorkers) args.push('--hdd', String(options.io.hddWorkers), '--hdd-bytes', `${options.io.hddBytes ?? STRESS_DEFAULT_HDD_BYTES}b`);
  args.push('--temp-path', tempPath, '--timeout', `${stressTimeoutSeconds(options.ttlMs)}s`);
  return args;
}

/** stressWorkerNames: the process names (comm) stress-ng gives the workers asked for; each must show up. */
export function stressWorkerNames(options: StressOptions): string[] {
  const names: string[] = [];
  if (options.cpu) names.push('stress-ng-cpu');
  if (options.memory) names.push('stress-ng-vm');
  if (options.io?.syncWorkers) names.push('stress-ng-io');
  if (options.io?.hddWorkers) names.push('stress-ng-hdd');
  return names;
}

/** parsePs: rows of `ps -eo pid=,sid=,stat=,comm=,args=`; rows that do not parse are skipped. */
export function parsePs(text: string): StressProcess[] {
  const rows: StressProcess[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s?(.*)$/.exec(line);
    if (match) rows.push({ pid: Number(match[1]), sid: Number(match[2]), stat: match[3] as string, comm: match[4] as string, args: match[5] as string });
  }
  return rows;
}

/**
 * findStress: this injection's stress-ng parent (its args carry the marker) and the live workers of its session
 * (`sid`: the parent's pid, or the pid file's when the parent is gone). Zombies count as gone.
 */
export function findStress(rows: readonly StressProcess[], injectionId: string, sid: number | null): { parent: StressProcess | null; workers: StressProcess[] } {
  const marker = stressMarker(injectionId);
  const live = rows.filter((row) => !row.stat.startsWith('Z') && row.comm.startsWith('stress-ng'));
  const parent = live.find((row) => row.args.split(/\s+/).some((word) => word.endsWith(`/${marker}`))) ?? null;
  const session = parent?.pid ?? sid;
  const workers = session === null ? [] : live.filter((row) => row.sid === session && row.pid !== parent?.pid);
  return { parent, workers };
}

/**
 * stressRevertScript: stops this injection's stress-ng and removes its files; idempotent (nothing running counts
 * as reverted) and exits non-zero only if a stress-ng process survives SIGKILL. It must never contain the marker
 * itself: the expiry timer's own command line holds this script, and `pkill -f` would find the timer.
 */
export function stressRevertScript(injectionId: string, options: StressOptions): string {
  const marker = stressMarker(injectionId);
  const prefix = `${stressDirectory(options)}/scs-chaos-`;
  return [
    `m='[${marker.charAt(0)}]${marker.slice(1)}'`,
    `s=$(cat ${shellQuote(stressPidFile(injectionId))} 2>/dev/null)`,
    // alive: the parent (by its command line), or a worker of its session that is not a zombie.
    `alive() { pgrep -f "$m" >/dev/null && return 0; [ -n "$s" ] && ps -o stat=,comm= -s "$s" 2>/dev/null | awk '$1 !~ /^Z/ && $2 ~ /^stress-ng/ { f = 1 } END { exit !f }'; }`,
    // TERM to the parent: it stops its workers and they remove their files. Orphaned workers get it directly.
    `pkill -TERM -f "$m" || { [ -n "$s" ] && pkill -TERM -s "$s" '^stress-ng'; }`,
    'i=0; while alive && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
    `if alive; then pkill -KILL -f "$m"; [ -n "$s" ] && pkill -KILL -s "$s" '^stress-ng'; sleep 0.2; fi`,
    `d=${shellQuote(prefix)}; rm -rf "\${d}stress-${injectionId}"`,
    `rm -f ${shellQuote(stressPidFile(injectionId))} ${shellQuote(stressLogFile(injectionId))}`,
    '! alive',
  ].join('\n');
}

/** stressNode: the fault; refuses bad options here, at plan time, with BadInput. */
export function stressNode(target: FaultTarget, options: StressOptions): PlanCheckedFault {
  const nodeName = target.node.name;
  validateStressOptions(options, nodeName);
  const exec = target.executor;
  const parts = [
    options.cpu ? `${options.cpu.workers || 'all'} CPU worker(s) at ${options.cpu.loadPercent ?? 100}%` : '',
    options.memory ? `${options.memory.percent}% of memory` : '',
    options.io?.syncWorkers ? `${options.io.syncWorkers} sync worker(s)` : '',
    options.io?.hddWorkers ? `${options.io.hddWorkers} hdd worker(s)` : '',
  ].filter(Boolean);

  /** inspect: read-only — stress-ng installed, memory sized, the options accepted by this stress-ng (--dry-run). */
  const inspect = async (): Promise<{ version: string; memInfo: MemInfo | null }> => {
    const found = await exec.run(['sh', '-c', 'command -v stress-ng && stress-ng --version'], { timeoutMs: 10_000 });
    if (found.code !== 0) {
      throw new BadInput(`stress-ng not installed on node ${nodeName} (${exec.description}): apt-get install stress-ng`, undefined, 'install it on the node: apt-get install -y --no-install-recommends stress-ng');
    }
    const version = /version\s+(\S+)/.exec(found.stdout)?.[1] ?? 'unknown version';
    let memInfo: MemInfo | null = null;
    if (options.memory) {
      const meminfo = await exec.run(['cat', '/proc/meminfo'], { timeoutMs: 5000 });
      if (meminfo.code !== 0) throw new ExperimentCompromised(`cannot read /proc/meminfo on ${nodeName}: ${meminfo.stderr.trim()}`);
      memInfo = parseMeminfo(meminfo.stdout);
      const wanted = (memInfo.totalBytes * options.memory.percent) / 100;
      if (wanted > memInfo.availableBytes) {
        const fits = Math.floor((memInfo.availableBytes / memInfo.totalBytes) * 100);
        throw new BadInput(
          `stress on ${nodeName}: ${options.memory.percent}% of memory (${formatBytes(wanted)}) is more than the ${formatBytes(memInfo.availableBytes)} available (of ${formatBytes(memInfo.totalBytes)}): the OOM killer would pick the victims`,
          undefined,
          `ask for at most ${fits}% on this node`,
        );
      }
    }
    const directory = stressDirectory(options);
    // The dry run parses the options with this node's stress-ng (ranges differ by version); --temp-path must exist.
    const dry = stressArgs(directory, options, memInfo);
    const checked = await exec.run([...dry.slice(0, 1), '--dry-run', ...dry.slice(1)], { timeoutMs: 10_000 });
    if (checked.code !== 0) {
      throw new BadInput(
        `stress-ng ${version} on ${nodeName} refuses ${dry.slice(1).join(' ')}: ${(checked.stderr || checked.stdout).trim().split('\n').slice(-2).join(' ')}`,
        undefined,
        `check the stress options; the I/O directory ${directory} must exist and be writable`,
      );
    }
    return { version, memInfo };
  };

  return shellFault({
    kind: STRESS_KIND,
    reversible: true,
    target,
    describe: () => `stress ${nodeName} with stress-ng: ${parts.join(', ')} (stops by itself after ${stressTimeoutSeconds(options.ttlMs)}s)`,
    async planCheck() {
      const { version, memInfo } = await inspect();
      const memory = memInfo && options.memory ? `; ${options.memory.percent}% of ${formatBytes(memInfo.totalBytes)} memory` : '';
      return `${nodeName}: stress-ng ${version}${memory}`;
    },
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const { version, memInfo } = await inspect();
      const marker = stressMarker(injectionId);
      const tempDir = stressTempDir(injectionId, options);
      const argv = stressArgs(tempDir, options, memInfo);
      const pidFile = stressPidFile(injectionId);
      const logFile = stressLogFile(injectionId);
      const wantedWorkers = stressWorkerNames(options);
      /** The session of stress-ng, read from the pid file after the start; finds orphaned workers. */
      let sid: number | null = null;

      const look = async (): Promise<{ parent: StressProcess | null; workers: StressProcess[] }> => {
        const ps = await exec.run(['ps', '-eo', 'pid=,sid=,stat=,comm=,args='], { timeoutMs: 5000 });
        if (ps.code !== 0) throw new ExperimentCompromised(`ps failed on ${nodeName}: ${ps.stderr.trim()}`);
        return findStress(parsePs(ps.stdout), injectionId, sid);
      };
      const summary = (workers: readonly StressProcess[]): string => {
        const counts = new Map<string, number>();
        for (const w of workers) counts.set(w.comm, (counts.get(w.comm) ?? 0) + 1);
        return [...counts].map(([name, n]) => `${n} ${name}`).join(', ') || 'no workers';
      };

      return {
        kind: STRESS_KIND,
        target: nodeName,
        reversible: true,
        preState: {
          stressNg: version,
          args: argv.slice(1),
          timeoutSeconds: stressTimeoutSeconds(options.ttlMs),
          tempDir,
          pidFile,
          ...(memInfo ? { memTotalBytes: memInfo.totalBytes, memAvailableBytes: memInfo.availableBytes } : {}),
        },
        revertScript: stressRevertScript(injectionId, options),
        async apply() {
          const mkdir = await exec.run(['mkdir', '-p', NODE_RUN_DIR, tempDir], { timeoutMs: 5000 });
          if (mkdir.code !== 0) throw new ExperimentCompromised(`cannot create ${NODE_RUN_DIR} and ${tempDir} on ${nodeName}: ${mkdir.stderr.trim()}`);
          // $$ of the session leader = stress-ng's pid after the exec = every worker's sid.
          const launch = `echo $$ > ${shellQuote(pidFile)}; exec ${argv.map(shellQuote).join(' ')} >${shellQuote(logFile)} 2>&1`;
          await exec.spawnDetached(launch, marker);
          for (let attempt = 0; attempt < 30; attempt++) {
            const { parent } = await look();
            if (parent) {
              sid = parent.pid;
              return;
            }
            await sleep(100);
          }
          const log = await exec.run(['cat', logFile], { timeoutMs: 5000 });
          throw new ExperimentCompromised(`stress-ng did not start on ${nodeName} within 3s: ${log.stdout.trim().split('\n').slice(-3).join(' ') || 'no output'} (${logFile})`);
        },
        async verifyActive() {
          // Workers appear within milliseconds; vm workers fork once more. Wait up to 5 s for every kind asked for.
          let found = await look();
          for (let attempt = 0; attempt < 50; attempt++) {
            if (found.parent && wantedWorkers.every((name) => found.workers.some((w) => w.comm === name))) {
              return `stress-ng pid ${found.parent.pid} on ${nodeName} (${argv.slice(1).join(' ')}): ${summary(found.workers)}`;
            }
            await sleep(100);
            found = await look();
          }
          if (!found.parent) throw new ExperimentCompromised(`stress-ng ${marker} is not running on ${nodeName} after injection (log: ${logFile})`);
          const missing = wantedWorkers.filter((name) => !found.workers.some((w) => w.comm === name));
          throw new ExperimentCompromised(`stress-ng pid ${found.parent.pid} on ${nodeName} has no ${missing.join(', ')} worker after 5s (has ${summary(found.workers)})`);
        },
        async verifyReverted() {
          const found = await look();
          const left = [found.parent, ...found.workers].filter((p): p is StressProcess => p !== null);
          if (left.length) throw new ExperimentCompromised(`stress-ng of ${marker} still runs on ${nodeName} after revert: pids ${left.map((p) => p.pid).join(', ')}`);
        },
      };
    },
  });
}

/** stressProcessesOf: this injection's live stress-ng processes on a node (for sweep and tests). */
export async function stressProcessesOf(exec: Executor, injectionId: string): Promise<StressProcess[]> {
  const ps = await exec.run(['ps', '-eo', 'pid=,sid=,stat=,comm=,args='], { timeoutMs: 5000 });
  const { parent, workers } = findStress(parsePs(ps.stdout), injectionId, null);
  return parent ? [parent, ...workers] : workers;
}
