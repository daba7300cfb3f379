/**
 * CephClient: runs the `ceph` CLI through any Executor (local, netns, ssh) with `--format json` and returns
 * typed values (parse.ts). The CLI rather than librados bindings: it is on every host that can administer
 * the cluster, needs nothing installed next to the runner, and reaches a node exactly as faults do.
 */
import { CommandTimeout } from '../../../executors/command';
import type { Executor } from '../../../executors/executor';
import {
  parseCrushRules,
  parseHealthDetail,
  parseMgrDump,
  parseOkToStop,
  parseOsdDump,
  parseOsdTree,
  parsePgsBrief,
  parsePgStat,
  parsePoolDetails,
  parseQuorumStatus,
  parseStatus,
} from './parse';
import { ClusterLogEvent, parseLogLast } from './cluster-log';
import type { CephStatus, CrushRule, Health, MgrMap, OkToStop, QuorumStatus, OsdDump, OsdTree, PgBrief, PgStat, PoolDetail } from './types';

/** CephAccess: how the CLI finds and authenticates to the cluster (the environment's `ceph:` section). */
export interface CephAccess {
  /** Path of ceph.conf on the executor's node (`--conf`). */
  conf?: string;
  /** Keyring path on the executor's node (`--keyring`). */
  keyring?: string;
  /** Client id ("admin" → `--id admin`) or full name ("client.chaos" → `--name client.chaos`). */
  user?: string;
  /** Cluster name (`--cluster`), for hosts with more than one cluster's config in /etc/ceph. */
  cluster?: string;
}

/** CephCommandFailed: `ceph` ran but answered an error (exit code and stderr kept for the report). */
export class CephCommandFailed extends Error {
  override readonly name = 'CephCommandFailed';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    where: string,
  ) {
    super(
      `${argv.join(' ')} on ${where} exited ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(no output)'}. ` +
        'Check that the ceph CLI is installed there and that conf, keyring and user in the environment\'s ceph: section are right.',
    );
  }
}

/** EBUSY: the exit code of `ceph osd ok-to-stop` when it refuses (its JSON answer is still on stdout). */
export const EXIT_EBUSY = 16;

export interface CephClientOptions {
  /** Per command: the CLI's own `--connect-timeout` is 70 % of this, so it fails before it is killed. */
  timeoutMs?: number;
}

export class CephClient {
  private readonly timeoutMs: number;

  constructor(
    readonly executor: Executor,
    readonly access: CephAccess = {},
    options: CephClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** argv: the full command line for `ceph <args> --format json` with this client's access options. */
  argv(args: readonly string[]): string[] {
    return [...this.textArgv(args), '--format', 'json'];
  }

  /** textArgv: the command line for `ceph <args>` with the access options, for commands that answer in text. */
  textArgv(args: readonly string[]): string[] {
    const argv = ['ceph'];
    if (this.access.conf) argv.push('--conf', this.access.conf);
    if (this.access.cluster) argv.push('--cluster', this.access.cluster);
    if (this.access.user) argv.push(this.access.user.includes('.') ? '--name' : '--id', this.access.user);
    if (this.access.keyring) argv.push('--keyring', this.access.keyring);
    // The CLI must give up by itself (its own words, not a kill): leave it 30 % of the time, at least a second, to
    // start Python on a loaded machine and print why.
    const connectSeconds = Math.max(1, Math.floor((this.timeoutMs * 0.7) / 1000));
    argv.push('--connect-timeout', String(connectSeconds), ...args);
    return argv;
  }

  /** json: runs `ceph <args> --format json` and returns its stdout; exit codes in `accept` count as answers. */
  async json(args: readonly string[], accept: readonly number[] = [0]): Promise<string> {
    const stdout = await this.runArgv(this.argv(args), accept);
    if (stdout.trim() === '') throw new CephCommandFailed(this.argv(args), 0, 'empty output where JSON was expected', this.executor.description);
    return stdout;
  }

  /** text: runs `ceph <args>` (no format) and returns its stdout, e.g. for `orch daemon stop`. */
  async text(args: readonly string[]): Promise<string> {
    return this.runArgv(this.textArgv(args), [0]);
  }

  private async runArgv(argv: string[], accept: readonly number[]): Promise<string> {
    let result;
    try {
      result = await this.executor.run(argv, { timeoutMs: this.timeoutMs });
    } catch (error) {
      if (error instanceof CommandTimeout) {
        throw new CephCommandFailed(argv, -1, `no answer within ${this.timeoutMs}ms (are the monitors reachable from ${this.executor.description}?)`, this.executor.description);
      }
      throw error;
    }
    if (!accept.includes(result.code)) throw new CephCommandFailed(argv, result.code, result.stderr || result.stdout, this.executor.description);
    return result.stdout;
  }

  async status(): Promise<CephStatus> {
    return parseStatus(await this.json(['status']));
  }

  async healthDetail(): Promise<Health> {
    return parseHealthDetail(await this.json(['health', 'detail']));
  }

  async osdTree(): Promise<OsdTree> {
    return parseOsdTree(await this.json(['osd', 'tree']));
  }

  async osdDump(): Promise<OsdDump> {
    return parseOsdDump(await this.json(['osd', 'dump']));
  }

  async poolDetails(): Promise<PoolDetail[]> {
    return parsePoolDetails(await this.json(['osd', 'pool', 'ls', 'detail']));
  }

  async crushRules(): Promise<CrushRule[]> {
    return parseCrushRules(await this.json(['osd', 'crush', 'rule', 'dump']));
  }

  /** okToStop: Ceph's own verdict on stopping these OSDs together; a refusal (exit 16) is an answer, not an error. */
  async okToStop(osdIds: readonly number[]): Promise<OkToStop> {
    return parseOkToStop(await this.json(['osd', 'ok-to-stop', ...osdIds.map(String)], [0, EXIT_EBUSY]));
  }

  /** quorumStatus: the monitors in quorum and the monmap (answered by any monitor of the quorum). */
  async quorumStatus(): Promise<QuorumStatus> {
    return parseQuorumStatus(await this.json(['quorum_status']));
  }

  /** mgrDump: the manager map: which manager is active, which stand by. */
  async mgrDump(): Promise<MgrMap> {
    return parseMgrDump(await this.json(['mgr', 'dump']));
  }

  async pgStat(): Promise<PgStat> {
    return parsePgStat(await this.json(['pg', 'stat']));
  }

  async pgsBrief(): Promise<PgBrief[]> {
    return parsePgsBrief(await this.json(['pg', 'dump', 'pgs_brief']));
  }

  /**
   * clusterLog: the monitor's last `count` cluster-channel entries. The monitor keeps only a short summary
   * (mon_log_max_summary, 50 by default) whatever `count` says; for longer windows read the cluster log file.
   */
  async clusterLog(count = 50, level: 'debug' | 'info' | 'sec' | 'warn' | 'error' = 'info'): Promise<ClusterLogEvent[]> {
    return parseLogLast(await this.json(['log', 'last', String(count), level, 'cluster']));
  }
}
