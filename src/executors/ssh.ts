/**
 * SshExecutor: runs commands on a real host (or a lab node's sshd) with the OpenSSH client binary, never
 * through a shell on the runner side (docs/decisions/0050-ssh-executor.md). Contracts:
 * - Host keys are pinned per environment: only `knownHostsFile` is consulted (not ~/.ssh/known_hosts, not
 *   /etc/ssh/ssh_known_hosts) and it is never written; an unknown or changed key is a NodeUnreachable that
 *   says how to pin the key.
 * - The remote side gets one string for the user's login shell, built from shellQuote()d argv words only.
 * - "Cannot reach the node" (ssh exit 255 without the command's exit status) throws NodeUnreachable; the
 *   remote command's own exit code, 255 included, is returned in the CommandResult like the other executors.
 * - spawnDetached's process is in its own session with stdio on /dev/null, so it outlives the ssh session,
 *   a SIGKILLed ssh client and the runner.
 * - A long run() whose ssh client is killed (timeout) may leave its remote command running until it ends:
 *   without a pty sshd sends no SIGHUP. Give remote commands their own bound (`timeout 10 ...`) when it matters.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ExecutorSpec } from '../model/environment';
import { BadInput } from '../kernel/errors';
import { LineProcess, startLineProcess } from './line-process';
import { CommandOptions, CommandResult, CommandTimeout, runCommand } from './command';
import { NodeUnreachable, UnreachableReason } from './errors';
import { detachedLauncher, Executor, shellQuote } from './executor';
import { checkMaster, closeAllMasters, closeMaster, controlPathFor, ensureMaster, muxOptions } from './ssh-mux';

export { NodeUnreachable } from './errors';
export type { UnreachableReason } from './errors';

/** The ssh variant of ExecutorSpec. */
export type SshSpec = Extract<ExecutorSpec, { kind: 'ssh' }>;

/** Options that are not part of the serialisable spec. */
export interface SshExecutorOptions {
  /** Reuse one connection per node (OpenSSH ControlMaster). Default true: measured 401 → 30 ms median per command (ADR 0050). */
  multiplex?: boolean;
  /** The node's name in the environment, for messages. */
  node?: string;
}

/** Seconds ssh waits for the TCP connection; ServerAlive (5 s × 2) bounds a connection that stops answering. */
export const SSH_CONNECT_TIMEOUT_SECONDS = 5;

/** The remote command reports its exit status on stderr behind this tag, so exit 255 cannot be confused. */
const EXIT_TAG = 'scs-chaos-exit-';

/** Lines ssh prints about connection reuse, not about the command; removed from stderr. */
const MUX_NOISE = /^(ControlSocket .* already exists, disabling multiplexing|Control socket connect\(.*\): .*|mux_client_\w+: .*)\r?\n?/gm;

const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const HOST = /^[A-Za-z0-9_:][A-Za-z0-9._:-]*$/;

export class SshExecutor implements Executor {
  readonly description: string;
  readonly spec: SshSpec;
  private readonly multiplex: boolean;
  private readonly who: string;

  /** Validates the spec (BadInput: plan time, nothing touched) without contacting the node. */
  constructor(spec: SshSpec, options: SshExecutorOptions = {}) {
    const where = `ssh executor ${spec.user}@${spec.host}:${spec.port}`;
    if (!HOST.test(spec.host)) throw new BadInput(`${where}: "${spec.host}" is not a host name or address`, undefined, 'write host: 203.0.113.7 or host: node-1.example.org');
    if (!USER.test(spec.user)) throw new BadInput(`${where}: "${spec.user}" is not a user name`, undefined, 'write user: root or another login name');
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) throw new BadInput(`${where}: port ${spec.port} is out of range`, undefined, 'write port: 22 or the port sshd listens on');
    if (!spec.knownHostsFile) {
      throw new BadInput(
        `${where}: no knownHostsFile; host keys must be pinned per environment`,
        undefined,
        `add knownHostsFile: <file> to the executor and pin the key after verifying its fingerprint: ssh-keyscan -p ${spec.port} ${spec.host} >> <file>`,
      );
    }
    for (const [key, path] of [['knownHostsFile', spec.knownHostsFile], ['identityFile', spec.identityFile]] as const) {
      if (path !== undefined && /[\s"'\\]/.test(path)) throw new BadInput(`${where}: ${key} "${path}" contains a space, quote or backslash, which ssh options cannot carry`, undefined, `move the file to a path without them`);
    }
    this.spec = { ...spec };
    this.multiplex = options.multiplex ?? true;
    this.who = options.node ? `node ${options.node} (${spec.user}@${spec.host}:${spec.port})` : `${spec.user}@${spec.host}:${spec.port}`;
    this.description = `ssh ${spec.user}@${spec.host}:${spec.port}`;
  }

  /**
   * sshOptions: every ssh option before the destination, without connection reuse. Options given here win
   * over ~/.ssh/config (ssh takes the first value it sees), so the pinning cannot be configured away;
   * anything not set here (ProxyJump, ciphers) still comes from the operator's ssh config.
   */
  sshOptions(): string[] {
    const { port, identityFile, knownHostsFile } = this.spec;
    return [
      '-p', String(port),
      ...(identityFile ? ['-i', sshPath(identityFile), '-o', 'IdentitiesOnly=yes'] : []),
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${sshPath(knownHostsFile ?? '/dev/null')}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'UpdateHostKeys=no',
      '-o', `ConnectTimeout=${SSH_CONNECT_TIMEOUT_SECONDS}`,
      '-o', 'ServerAliveInterval=5',
      '-o', 'ServerAliveCountMax=2',
      '-o', 'LogLevel=ERROR',
      // A node under chaos gets no agent, X11 or port forwardings of the operator's, and no pty.
      '-o', 'ForwardAgent=no',
      '-o', 'ForwardX11=no',
      '-o', 'ClearAllForwardings=yes',
      '-T',
    ];
  }

  /** sshArgv: the whole ssh command line that runs `remoteCommand` (one string for the remote shell). */
  sshArgv(remoteCommand: string): string[] {
    const controlPath = this.controlPath();
    return ['ssh', ...this.sshOptions(), ...(controlPath ? muxOptions(controlPath) : []), this.destination(), '--', remoteCommand];
  }

  /** run: runs one program with arguments on the node; its exit code (255 too) is returned, not thrown. */
  async run(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    if (argv.length === 0) throw new Error(`${this.description}: run() needs a program`);
    const nonce = randomBytes(6).toString('hex');
    const remote = `${argv.map(shellQuote).join(' ')}; s=$?; printf '\\n%s%d\\n' '${EXIT_TAG}${nonce}:' "$s" >&2; exit "$s"`;
    await this.connect();
    let result: CommandResult;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await runCommand(this.sshArgv(remote), options);
      } catch (error) {
        throw this.spawnError(error, argv, options);
      }
      if (!(result.code === 255 && droppedBeforeSession(result.stderr) && attempt < PRE_SESSION_ATTEMPTS)) break;
      await pause(attempt);
    }
    const tagged = new RegExp(`\\n${EXIT_TAG}${nonce}:(\\d+)\\n$`).exec(result.stderr);
    if (tagged) {
      // The command finished and said how: trust that even if the connection broke right after.
      return { code: Number(tagged[1]), stdout: result.stdout, stderr: result.stderr.slice(0, tagged.index).replace(MUX_NOISE, '') };
    }
    if (result.code === 255) throw this.unreachable(result.stderr);
    return { code: result.code, stdout: result.stdout, stderr: result.stderr.replace(MUX_NOISE, '') };
  }

  /** runScript: runs a POSIX shell script on the node with `sh -c`. */
  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.run(['sh', '-c', script], options);
  }

  /** spawnDetached: starts `script` on the node in its own session (setsid -f, stdio on /dev/null); returns once started. */
  async spawnDetached(script: string, name: string): Promise<void> {
    const result = await this.run(['sh', '-c', detachedLauncher(script, name)], { timeoutMs: 10_000 });
    if (result.code !== 0) {
      throw new Error(`${this.description}: could not start ${name} (exit ${result.code}): ${result.stderr.trim() || 'no message'}`);
    }
  }

  /**
   * startLineProcess: the program runs under ssh without a pty; when the runner closes the connection its
   * standard input ends and its next write fails, so it cannot outlive the runner by more than one answer.
   * The shared connection must be up already (any earlier run() on this node brings it up).
   */
  startLineProcess(argv: readonly string[]): LineProcess {
    return startLineProcess(this.sshArgv(argv.map(shellQuote).join(' ')), `${argv.join(' ')} on ${this.description}`);
  }

  /** sharedConnectionPid: the pid of this node's shared connection (ssh master process), or null when none runs. */
  async sharedConnectionPid(): Promise<number | null> {
    const controlPath = this.controlPath(false);
    return controlPath ? checkMaster(controlPath, this.destination()) : null;
  }

  /** close: ends this node's shared connection (no ssh process stays behind); later commands reconnect. */
  async close(): Promise<void> {
    const controlPath = this.controlPath(false);
    if (controlPath) await closeMaster(controlPath);
  }

  private destination(): string {
    return `${this.spec.user}@${this.spec.host}`;
  }

  /** The control socket for this spec, or null without reuse. Derived lazily: closeSshMasters() removes the directory. */
  private controlPath(create = true): string | null {
    return this.multiplex ? controlPathFor(JSON.stringify(this.sshOptions().concat(this.destination())), create) : null;
  }

  /** connect: with reuse, opens the shared connection first, so an unreachable node fails here with ssh's own words. */
  private async connect(): Promise<void> {
    const controlPath = this.controlPath();
    if (!controlPath) return;
    for (let attempt = 1; ; attempt++) {
      let result: CommandResult | null;
      try {
        result = await ensureMaster(controlPath, this.sshOptions(), this.destination());
      } catch (error) {
        throw this.spawnError(error, ['(connect)'], { timeoutMs: 20_000 });
      }
      if (!result || result.code === 0) return;
      if (!(droppedBeforeSession(result.stderr) && attempt < PRE_SESSION_ATTEMPTS)) throw this.unreachable(result.stderr);
      await pause(attempt);
    }
  }

  private spawnError(error: unknown, argv: readonly string[], options: CommandOptions): Error {
    if (error instanceof CommandTimeout) {
      return new CommandTimeout(`${this.description}: ${argv.join(' ')} did not finish within ${options.timeoutMs ?? 30_000}ms`);
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return new BadInput('the OpenSSH client `ssh` is not installed on this machine', undefined, 'apt-get install openssh-client');
    }
    return error as Error;
  }

  private unreachable(stderr: string): NodeUnreachable {
    const { reason, problem, check } = diagnose(stderr.replace(MUX_NOISE, ''), this.spec);
    const said = sshSaid(stderr);
    return new NodeUnreachable(
      `cannot reach ${this.who} over ssh: ${problem}\n  ssh said: ${said || '(nothing)'}\n  check: ${check}`,
      this.who,
      reason,
      said,
    );
  }
}

/**
 * sshd drops connections before the key exchange when too many are unauthenticated at once (MaxStartups);
 * nothing ran on the node then, so trying again is safe.
 */
const PRE_SESSION_ATTEMPTS = 3;

function droppedBeforeSession(stderr: string): boolean {
  return /kex_exchange_identification|banner exchange/.test(stderr);
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 150 * attempt + Math.random() * 200));
}

/** closeSshMasters: ends every shared ssh connection of this process; call it when a run ends. */
export function closeSshMasters(): Promise<void> {
  return closeAllMasters();
}

/** diagnose: turns ssh's stderr after an exit 255 into a reason, what went wrong and what to check. */
export function diagnose(stderr: string, spec: SshSpec): { reason: UnreachableReason; problem: string; check: string } {
  const { host, port, user } = spec;
  const file = spec.knownHostsFile ?? '(none)';
  const hostPort = `${host}:${port}`;
  const verify =
    `verify the node's key fingerprint out of band (on the node: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub; ` +
    `from here: ssh-keyscan -p ${port} ${host} | ssh-keygen -lf -)`;
  const has = (pattern: RegExp): boolean => pattern.test(stderr);
  if (has(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i)) {
    return {
      reason: 'host-key-changed',
      problem: `the host key of ${hostPort} differs from the one pinned in ${file} (node reinstalled, or someone in between)`,
      check: `if the change is expected, ${verify}, then replace the pin: ssh-keygen -R '${knownHostsName(host, port)}' -f ${file} && ssh-keyscan -p ${port} ${host} >> ${file}`,
    };
  }
  if (has(/host key is known for|Host key verification failed/i)) {
    const missing = existsSync(expandHome(file)) ? '' : ' (the file does not exist)';
    return {
      reason: 'host-key-unknown',
      problem: `the host key of ${hostPort} is not pinned in ${file}${missing}`,
      check: `${verify}, then pin it: ssh-keyscan -p ${port} ${host} >> ${file}`,
    };
  }
  if (has(/Permission denied|Too many authentication failures|No more authentication methods/i)) {
    const unreadable = /Identity file (.*) not accessible: (.*?)\.?$/m.exec(stderr);
    return {
      reason: 'auth',
      problem: `${user}@${host} did not accept our key`,
      check: unreadable
        ? `the identity file ${unreadable[1]} cannot be read (${unreadable[2]}); fix identityFile`
        : `that the public key of ${spec.identityFile ?? 'your default ssh key'} is in ~${user}/.ssh/authorized_keys on the node` +
          (user === 'root' ? ' and that its sshd allows root by key (PermitRootLogin prohibit-password)' : ''),
    };
  }
  if (has(/Connection refused/i)) {
    return { reason: 'refused', problem: `nothing accepts connections on ${hostPort}`, check: `that sshd runs on the node and listens on port ${port}` };
  }
  if (droppedBeforeSession(stderr)) {
    return {
      reason: 'connection-lost',
      problem: `sshd on ${hostPort} closed the connection before the key exchange`,
      check: 'whether too many connections start at once (sshd MaxStartups; use connection reuse) or sshd refuses this address (firewall, tcp wrappers)',
    };
  }
  if (has(/not responding|Connection to .* closed|closed by remote host|Connection reset|Connection closed|Broken pipe/i)) {
    return {
      reason: 'connection-lost',
      problem: `the connection to ${hostPort} broke`,
      check: `that the node is up and its sshd healthy (journalctl -u ssh on the node); a network fault on the node may cut its management traffic too`,
    };
  }
  if (has(/timed out/i)) {
    return {
      reason: 'timeout',
      problem: `${hostPort} did not answer within ${SSH_CONNECT_TIMEOUT_SECONDS} s`,
      check: 'the address, routes and firewalls between this machine and the node, and that the node is up',
    };
  }
  if (has(/No route to host|Network is unreachable/i)) {
    return { reason: 'no-route', problem: `there is no route to ${host}`, check: 'the address and the routes of this machine (ip route get ' + host + ')' };
  }
  if (has(/Could not resolve hostname|Name or service not known|name resolution/i)) {
    return { reason: 'dns', problem: `the name ${host} does not resolve`, check: 'the host name, or write the address' };
  }
  if (stderr.trim() === '') {
    return {
      reason: 'connection-lost',
      problem: 'the session ended before the command reported its exit status (its shell was killed, or the connection dropped)',
      check: `that the node is up and reachable: ssh -p ${port} ${user}@${host} true`,
    };
  }
  return { reason: 'other', problem: 'ssh could not run the command', check: `by hand: ssh -p ${port} ${user}@${host} true` };
}

/** sshPath: a path as an ssh option value; ssh expands %-tokens in IdentityFile and UserKnownHostsFile. */
function sshPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** knownHostsName: how known_hosts names a host: "host" on port 22, "[host]:port" otherwise. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function expandHome(path: string): string {
  return path.replace(/^~(?=\/|$)/, homedir());
}

/** sshSaid: ssh's meaningful last lines, without the @@@ banner, for one-line messages. */
function sshSaid(stderr: string): string {
  const lines = stderr
    .replace(MUX_NOISE, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^@/.test(line));
  return lines.slice(-3).join(' / ').slice(0, 600);
}
