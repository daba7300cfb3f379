/**
 * Helpers for the lab integration tests: run the real `scs-chaos` command, look at what is on the lab's
 * nodes (nft tables, process states), and wait for conditions with a bound.
 */
import '../../src/kinds';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadEnvironment } from '../../src/environment/load';
import type { Environment } from '../../src/model/environment';
import { runCommand } from '../../src/executors/command';
import { readJournal, JournalEntry } from '../../src/core/journal';
import { ClusterLogEvent, osdmapCommitted, parseClusterLogFile } from '../../src/kinds/ceph/client/cluster-log';
import type { MeasuredEvent } from '../../src/model/summary';

export const REPO = resolve(__dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'scs-chaos.js');

/**
 * labEnv: the lab's environment, experiments/environments/lab.yaml unless SCS_CHAOS_LAB_ENV names another file
 * (a second lab on the same machine, with its own names, bridge, subnet and run directory).
 */
export function labEnv(): Environment {
  return loadEnvironment(labEnvPath());
}

export function labEnvPath(): string {
  return resolve(process.env.SCS_CHAOS_LAB_ENV ?? join(REPO, 'experiments', 'environments', 'lab.yaml'));
}

export function tempReportsDir(): string {
  return mkdtempSync(join(tmpdir(), 'scs-chaos-test-'));
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** startCli: starts `scs-chaos ARGS` in its own process group (so a test can kill the whole group), with extra environment variables. */
export function startCli(args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const finished = new Promise<Finished>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, finished };
}

/**
 * killRunnerAfterInjection: starts `scs-chaos run --reports REPORTS FEATURES...`, waits until its journal records an
 * injection as applied, then SIGKILLs the runner's whole process group and waits for it to end. Resolves with the
 * wall-clock time the injection was seen (what TTL checks count from).
 */
export async function killRunnerAfterInjection(reports: string, features: string[], what: string, timeoutMs = 20_000): Promise<number> {
  const { child, finished } = startCli(['run', '--reports', reports, ...features]);
  // A runner that ends before it injected fails the wait at once, with what it said, not after the timeout.
  const endedEarly = finished.then((end) => {
    throw new Error(`the runner ended (exit ${end.code ?? end.signal}) before ${what}:\n${end.stderr.slice(-2000)}`);
  });
  await Promise.race([waitFor(() => journalOf(reports).some((e) => e.type === 'injected'), timeoutMs, what), endedEarly]);
  endedEarly.catch(() => undefined);
  const injectedAt = Date.now();
  process.kill(-(child.pid as number), 'SIGKILL');
  await finished;
  return injectedAt;
}

export async function runCli(args: string[]): Promise<Finished> {
  return startCli(args).finished;
}

/** nftTables: the nft tables in a namespace, one "table inet name" per entry. */
export async function nftTables(namespace: string): Promise<string[]> {
  const result = await runCommand(['ip', 'netns', 'exec', namespace, 'nft', 'list', 'tables'], { timeoutMs: 5000 });
  return result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** chaosTablesOnLab: every scs_chaos_* nft table on any lab node, as "namespace: table". */
export async function chaosTablesOnLab(env: Environment): Promise<string[]> {
  const found: string[] = [];
  for (const node of env.nodes) {
    if (node.executor.kind !== 'netns') continue;
    for (const table of await nftTables(node.executor.namespace)) if (table.includes('scs_chaos_')) found.push(`${node.name}: ${table}`);
  }
  return found;
}

/** journalOf: the journal of the newest run in a reports directory. */
export function journalOf(reportsDir: string): JournalEntry[] {
  return readJournal(join(reportsDir, 'latest', 'journal.jsonl'));
}

export function latestExists(reportsDir: string, file: string): boolean {
  return existsSync(join(reportsDir, 'latest', file));
}

export function readLatestJson<T>(reportsDir: string, file: string): T {
  return JSON.parse(readFileSync(join(reportsDir, 'latest', file), 'utf8')) as T;
}

/** waitFor: polls `condition` every 50 ms until it is true or `timeoutMs` passed; returns the elapsed ms. */
export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** processStateOf: the state letter of a pid (R, S, T, Z ...) or null when it is gone. */
export function processStateOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim().charAt(0);
  } catch {
    return null;
  }
}

/** labClusterLog: every line of the monitor's cluster log file of a lab running Ceph (all of it, not `ceph log last`). */
export function labClusterLog(env: Environment): ClusterLogEvent[] {
  return parseClusterLogFile(readFileSync(join(env.lab?.runDir ?? '/run/scs-chaos-lab', 'ceph', 'log', 'ceph.log'), 'utf8'));
}

/** clusterLogLineOf: the log's line of the map an event was stamped by ("osdmap e15" → its osdmap line, "pgmap v455" → its pgmap line). */
export function clusterLogLineOf(log: readonly ClusterLogEvent[], event: Pick<MeasuredEvent, 'kind' | 'source'>): ClusterLogEvent | undefined {
  const version = Number(/\d+$/.exec(event.source)?.[0]);
  return event.kind === 'active+clean' ? log.find((l) => l.kind === 'pgmap' && l.pgmapVersion === version) : osdmapCommitted(log, version);
}

/**
 * featuresForLab: copies the feature files of `dir` (written for the default lab's names: node-1..node-N and
 * /run/scs-chaos-lab/) into a temporary directory with `env`'s node names and run directory, so a private lab
 * (SCS_CHAOS_LAB_ENV) runs the same scenarios. A no-op rewrite for the default lab. Returns the copies' paths.
 */
export function featuresForLab(env: Environment, dir: string, only?: readonly string[]): string[] {
  const target = mkdtempSync(join(tmpdir(), 'scs-chaos-features-'));
  const runDir = env.lab?.runDir ?? '/run/scs-chaos-lab';
  for (const name of readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.feature') && (!only || only.includes(f)))) {
    const text = readFileSync(join(REPO, dir, name), 'utf8')
      .replace(/\bnode-(\d+)\b/g, (whole, n: string) => env.nodes[Number(n) - 1]?.name ?? whole)
      .replaceAll('/run/scs-chaos-lab/', `${runDir}/`);
    writeFileSync(join(target, name), text);
  }
  return readdirSync(target).sort().map((name) => join(target, name));
}
