/**
 * Stopping and starting one OSD daemon, the way its deployment does it, so the deployment does not restart
 * it behind the fault's back. The backend is chosen in the environment (`ceph.backend`):
 *   lab      supervisord on the OSD's node: `supervisorctl -c <config> stop <program>` (the lab's own daemons)
 *   systemd  ceph-ansible / package installs: `systemctl stop ceph-osd@<id>` on the OSD's node
 *   cephadm  the orchestrator: `ceph orch daemon stop osd.<id>`, run where the ceph CLI runs
 *   rook     the OSD deployment rook-ceph-osd-<id> scaled to 0 and back (rook.ts, Kubernetes API)
 * This file holds the three shell backends (command lines, state parsing) and the common interface; the
 * fault that uses them (journal, expiry timer, verification) is built on top.
 */
import { parseSupervisorState } from '../../../executors/service-manager';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { CephClient } from './client';

export type OsdBackendKind = 'lab' | 'systemd' | 'cephadm' | 'rook';

/** OsdDaemonState: what the backend reports; "other" keeps the backend's own word (e.g. "activating", "error"). */
export type OsdDaemonState = { state: 'running' } | { state: 'stopped' } | { state: 'other'; word: string };

/** OsdHost: the environment node that runs an OSD (its CRUSH host), and how to reach it. */
export interface OsdHost {
  node: string;
  executor: Executor;
}

/** OsdDaemonControl: one backend; every method acts on one OSD. */
export interface OsdDaemonControl {
  readonly kind: OsdBackendKind;
  /** describe: the unit as operators know it, e.g. "systemd unit ceph-osd@3 on node-2". */
  describe(osd: number): Promise<string>;
  stop(osd: number): Promise<void>;
  start(osd: number): Promise<void>;
  state(osd: number): Promise<OsdDaemonState>;
  /**
   * startScript: a POSIX shell script that starts the daemon again, for the on-node expiry timer and
   * `scs-chaos rollback`, with the node it must run on; null when starting is an API call (rook).
   */
  startScript(osd: number): Promise<{ node: string; script: string } | null>;
}

/** LabOsdSettings: the lab's supervisor program per OSD; `{node}` and `{id}` are replaced. */
export interface LabOsdSettings {
  supervisorConfig: string;
  program: string;
}

/** OsdCommands: the argv of each action for one OSD, and how to read the state command's output. */
export interface OsdCommands {
  unit: string;
  stop: string[];
  start: string[];
  state: string[];
  parseState(stdout: string): OsdDaemonState;
}

/** labOsdCommands: supervisorctl on the OSD's node (states: RUNNING, STOPPED, STARTING, BACKOFF, ...). */
export function labOsdCommands(settings: LabOsdSettings, node: string, osd: number): OsdCommands {
  const fill = (template: string): string => template.replaceAll('{node}', node).replaceAll('{id}', String(osd));
  return supervisorCommands(fill(settings.supervisorConfig), fill(settings.program));
}

/** supervisorCommands: stop/start/status of one supervisor program (any Ceph daemon of the lab). */
export function supervisorCommands(config: string, program: string): OsdCommands {
  const ctl = ['supervisorctl', '-c', config];
  return {
    unit: `supervisor program ${program} (${config})`,
    stop: [...ctl, 'stop', program],
    start: [...ctl, 'start', program],
    state: [...ctl, 'status', program],
    parseState: (stdout) => {
      const word = parseSupervisorState(stdout, program);
      if (word === 'RUNNING') return { state: 'running' };
      if (word === 'STOPPED' || word === 'EXITED') return { state: 'stopped' };
      return { state: 'other', word: word ?? stdout.trim().slice(0, 80) };
    },
  };
}

/** systemdOsdCommands: the ceph-osd@<id> template unit of the Ceph packages (ceph-ansible, non-containerised). */
export function systemdOsdCommands(osd: number): OsdCommands {
  return systemdCommands(`ceph-osd@${osd}`);
}

/** systemdCommands: stop/start/is-active of one unit (ceph-osd@N, ceph-mon@HOST, ceph-mgr@HOST). */
export function systemdCommands(unit: string): OsdCommands {
  return {
    unit: `systemd unit ${unit}`,
    stop: ['systemctl', 'stop', unit],
    start: ['systemctl', 'start', unit],
    state: ['systemctl', 'is-active', unit],
    parseState: (stdout) => {
      const word = stdout.trim();
      if (word === 'active') return { state: 'running' };
      // A ceph-osd killed by SIGTERM exits 0 (inactive); one that crashed on the way down ends "failed".
      if (word === 'inactive' || word === 'failed') return { state: 'stopped' };
      return { state: 'other', word };
    },
  };
}

/**
 * cephadmOsdCommands: the orchestrator's daemon actions (ceph CLI args, without `ceph` and access options).
 * `orch ps --refresh` makes cephadm look at the host now instead of answering from its cache (up to 10 min old).
 */
export function cephadmOsdCommands(osd: number): CephadmCommands {
  return cephadmCommands('osd', String(osd));
}

export interface CephadmCommands {
  unit: string;
  stop: string[];
  start: string[];
  state: string[];
}

/** cephadmCommands: the orchestrator's actions on any daemon, e.g. ("mon", "b") → `orch daemon stop mon.b`. */
export function cephadmCommands(type: 'osd' | 'mon' | 'mgr', id: string): CephadmCommands {
  return {
    unit: `cephadm daemon ${type}.${id}`,
    stop: ['orch', 'daemon', 'stop', `${type}.${id}`],
    start: ['orch', 'daemon', 'start', `${type}.${id}`],
    state: ['orch', 'ps', '--daemon_type', type, '--daemon_id', id, '--refresh'],
  };
}

/** parseCephadmState: `ceph orch ps ... -f json`: a list with one daemon whose status_desc is "running", "stopped", "error", ... */
export function parseCephadmState(stdout: string, osd: number): OsdDaemonState {
  return parseCephadmDaemonState(stdout, 'osd', String(osd));
}

/** parseCephadmDaemonState: parseCephadmState for any daemon type. */
export function parseCephadmDaemonState(stdout: string, type: 'osd' | 'mon' | 'mgr', id: string): OsdDaemonState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { state: 'other', word: stdout.trim().slice(0, 80) };
  }
  const daemon = Array.isArray(parsed) ? (parsed as Array<Record<string, unknown>>).find((d) => (d.daemon_id === id && (d.daemon_type ?? type) === type) || d.daemon_name === `${type}.${id}`) : undefined;
  if (!daemon) return { state: 'other', word: `${type}.${id} not listed by ceph orch ps` };
  const word = typeof daemon.status_desc === 'string' ? daemon.status_desc : String(daemon.status);
  if (word === 'running') return { state: 'running' };
  if (word === 'stopped') return { state: 'stopped' };
  return { state: 'other', word };
}

/**
 * actOnHost: stops or starts a daemon with its backend's shell commands on its host; throws naming the unit and
 * the host with the output when the command fails. Daemons stop cleanly by telling the monitors first, which
 * can take seconds: hence the long timeout.
 */
export async function actOnHost(host: OsdHost, commands: OsdCommands, action: 'stop' | 'start'): Promise<void> {
  const result = await host.executor.run(commands[action], { timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new Error(`${action} of ${commands.unit} on ${host.node} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`);
  }
}

/**
 * stateOnHost: the daemon's state as its backend reports it on its host. Exit codes say little here
 * (supervisorctl exits 3 for STOPPED, systemctl is-active 3 for inactive): the output decides.
 */
export async function stateOnHost(host: OsdHost, commands: OsdCommands): Promise<OsdDaemonState> {
  const result = await host.executor.run(commands.state, { timeoutMs: 15_000 });
  return commands.parseState(result.stdout);
}

/** HostShellOsdControl: the lab and systemd backends, which act on the OSD's own node. */
export class HostShellOsdControl implements OsdDaemonControl {
  constructor(
    readonly kind: 'lab' | 'systemd',
    private readonly hostOf: (osd: number) => Promise<OsdHost>,
    private readonly lab?: LabOsdSettings,
  ) {
    if (kind === 'lab' && !lab) throw new Error('HostShellOsdControl: the lab backend needs its supervisor settings');
  }

  private async commands(osd: number): Promise<{ host: OsdHost; commands: OsdCommands }> {
    const host = await this.hostOf(osd);
    const commands = this.kind === 'lab' ? labOsdCommands(this.lab as LabOsdSettings, host.node, osd) : systemdOsdCommands(osd);
    return { host, commands };
  }

  async describe(osd: number): Promise<string> {
    const { host, commands } = await this.commands(osd);
    return `${commands.unit} on ${host.node}`;
  }

  async stop(osd: number): Promise<void> {
    await this.act(osd, 'stop');
  }

  async start(osd: number): Promise<void> {
    await this.act(osd, 'start');
  }

  async state(osd: number): Promise<OsdDaemonState> {
    const { host, commands } = await this.commands(osd);
    return stateOnHost(host, commands);
  }

  async startScript(osd: number): Promise<{ node: string; script: string }> {
    const { host, commands } = await this.commands(osd);
    return { node: host.node, script: commands.start.map(shellQuote).join(' ') };
  }

  private async act(osd: number, action: 'stop' | 'start'): Promise<void> {
    const { host, commands } = await this.commands(osd);
    await actOnHost(host, commands, action);
  }
}

/** CephadmOsdControl: `ceph orch daemon stop|start osd.N` through the environment's ceph CLI. */
export class CephadmOsdControl implements OsdDaemonControl {
  readonly kind = 'cephadm';

  constructor(
    private readonly ceph: CephClient,
    /** The environment node the ceph CLI runs on ("local" for the runner's host). */
    private readonly cephNode: string,
  ) {}

  async describe(osd: number): Promise<string> {
    return cephadmOsdCommands(osd).unit;
  }

  async stop(osd: number): Promise<void> {
    await this.ceph.text(cephadmOsdCommands(osd).stop);
  }

  async start(osd: number): Promise<void> {
    await this.ceph.text(cephadmOsdCommands(osd).start);
  }

  async state(osd: number): Promise<OsdDaemonState> {
    return parseCephadmState(await this.ceph.json(cephadmOsdCommands(osd).state), osd);
  }

  async startScript(osd: number): Promise<{ node: string; script: string }> {
    return { node: this.cephNode, script: this.ceph.textArgv(cephadmOsdCommands(osd).start).map(shellQuote).join(' ') };
  }
}
