/**
 * The lab's processes: found by their command line (it names a file under the lab's runDir, or carries a
 * service backend's marker argument) or by the network namespace they live in. Signals go to single pids only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sleep } from '../src/kernel/clock';
import { runCommand } from '../src/executors/command';
import type { LabLayout } from './layout';
import { toolPath } from './tools';

/** File name of the script that runs a lab service backend. */
export const BACKEND_SCRIPT = 'web-backend.js';

/** ProcessInfo: one running process and its argument vector. */
export interface ProcessInfo {
  pid: number;
  argv: string[];
}

/** listProcesses reads every process' command line from /proc; zombies and kernel threads (empty command lines) are left out. */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (raw === '') continue;
      processes.push({ pid: Number(entry), argv: raw.replace(/\0$/, '').split('\0') });
    } catch {
      // the process ended while we looked
    }
  }
  return processes;
}

/** Programs the lab starts with a file under its runDir on their command line. */
const RUN_DIR_PROGRAMS = new Set(['supervisord', 'haproxy', 'prometheus', 'prometheus-node-exporter', 'sshd', 'dns-server.js']);

/**
 * labProcesses lists the processes started by THIS lab: a supervisord, haproxy, ... whose command line names a
 * file under runDir, and service backends (the marker argument right after the backend script) of one of this
 * lab's nodes (`--node`) whose data directory, if any, is under runDir — another lab on the same machine runs the
 * same backend script with the same marker, and its processes are not ours to stop. Other programs that merely
 * mention these names (an editor, a grep) are not the lab's and are left alone.
 */
export function labProcesses(layout: LabLayout, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const prefix = `${layout.spec.runDir}/`;
  const nodeNames = new Set(layout.nodes.map((node) => node.name));
  return processes.filter((p) => {
    if (p.pid === process.pid) return false;
    const runsFromRunDir = p.argv.some((arg) => RUN_DIR_PROGRAMS.has(basename(arg))) && p.argv.some((arg) => arg.startsWith(prefix));
    const isBackend = p.argv.some((arg, i) => arg === layout.service.marker && (p.argv[i - 1] ?? '').endsWith(BACKEND_SCRIPT));
    if (!isBackend) return runsFromRunDir;
    const valueOf = (flag: string): string | undefined => {
      const at = p.argv.indexOf(flag);
      return at >= 0 ? p.argv[at + 1] : undefined;
    };
    const node = valueOf('--node');
    const dataDir = valueOf('--data-dir');
    return node !== undefined && nodeNames.has(node) && (dataDir === undefined || dataDir.startsWith(prefix));
  });
}

/** findSupervisord finds the supervisord process that runs with config file `config`. */
export function findSupervisord(config: string, processes: ProcessInfo[] = listProcesses()): ProcessInfo | undefined {
  return processes.find((p) => p.argv.some((arg) => basename(arg) === 'supervisord') && p.argv.includes(config));
}

/** namespacePids lists the pids inside network namespace `namespace` (empty when it does not exist). */
export async function namespacePids(namespace: string): Promise<number[]> {
  const result = await runCommand([toolPath('ip'), 'netns', 'pids', namespace], { timeoutMs: 10_000 });
  if (result.code !== 0) return [];
  return result.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** signal sends `sig` to each pid; a pid that is already gone is skipped. */
export function signal(pids: Iterable<number>, sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** isAlive tells whether `pid` exists and is no zombie. */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

/** parentPid returns the parent of `pid`, or undefined when `pid` is gone. */
export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[1]);
}

/**
 * statFields: the fields of /proc/<pid>/stat after the command name (state, ppid, ...; field n of proc(5) is
 * index n - 3), or undefined when the process is gone.
 */
export function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain ") ", so split after the last one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** waitForExit waits until none of `pids` is alive or `timeoutMs` passed; returns the pids still alive. */
export async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
  return alive;
}
