/**
 * Stopping and starting one monitor or manager daemon, the way its deployment does it (the same backends as the
 * OSDs, osd-daemon.ts, chosen by `ceph.backend`):
 *   lab      supervisord of the lab's control namespace: `supervisorctl -c <controlSupervisorConfig> stop ceph-mon-b`
 *   systemd  ceph-ansible / package installs: `systemctl stop ceph-mon@<host>` on the node that runs it — these
 *            deployments name a monitor or manager after its host's short name, so the daemon's id is the node
 *   cephadm  the orchestrator: `ceph orch daemon stop mon.<id>`, run where the ceph CLI runs
 *   rook     the Deployment rook-ceph-mon-<id> / rook-ceph-mgr-<id> scaled to 0 and back (rook.ts)
 * Shell backends also give the start command as a script for the expiry timer, with the host it must run on.
 */
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { CephClient } from './client';
import { actOnHost, cephadmCommands, OsdCommands, OsdDaemonState, parseCephadmDaemonState, stateOnHost, supervisorCommands, systemdCommands } from './osd-daemon';
import { rookDeployment, RookDeploymentScaler } from './rook';

export type ControlDaemonType = 'mon' | 'mgr';

/** ControlDaemon: one monitor or manager, by its id ("b" of mon.b). */
export interface ControlDaemon {
  type: ControlDaemonType;
  id: string;
}

export const controlDaemonName = (daemon: ControlDaemon): string => `${daemon.type}.${daemon.id}`;

/** ControlHost: where a shell backend acts on a daemon (an environment node, the lab's control namespace, or local). */
export interface ControlHost {
  node: string;
  executor: Executor;
}

/** ControlDaemonControl: one backend; every method acts on one monitor or manager. */
export interface ControlDaemonControl {
  readonly kind: 'lab' | 'systemd' | 'cephadm' | 'rook';
  /** describe: the unit as operators know it, e.g. "supervisor program ceph-mon-b (...) on scs-lab-ctl". */
  describe(daemon: ControlDaemon): Promise<string>;
  stop(daemon: ControlDaemon): Promise<void>;
  start(daemon: ControlDaemon): Promise<void>;
  state(daemon: ControlDaemon): Promise<OsdDaemonState>;
}

/** LabControlSettings: the control namespace's supervisord and the program templates (`{id}` replaced). */
export interface LabControlSettings {
  controlSupervisorConfig: string;
  monProgram: string;
  mgrProgram: string;
}

/** labControlProgram: the supervisor program of a lab monitor or manager, e.g. ceph-mon-b. */
export function labControlProgram(settings: LabControlSettings, daemon: ControlDaemon): string {
  return (daemon.type === 'mon' ? settings.monProgram : settings.mgrProgram).replaceAll('{id}', daemon.id).replaceAll('{node}', 'control');
}

/** labControlCommands: supervisorctl against the control namespace's supervisord. */
export function labControlCommands(settings: LabControlSettings, daemon: ControlDaemon): OsdCommands {
  return supervisorCommands(settings.controlSupervisorConfig, labControlProgram(settings, daemon));
}

/** systemdControlCommands: the ceph-mon@<id> / ceph-mgr@<id> template units of the Ceph packages. */
export function systemdControlCommands(daemon: ControlDaemon): OsdCommands {
  return systemdCommands(`ceph-${daemon.type}@${daemon.id}`);
}

/** HostShellControl: the lab and systemd backends: shell commands on the daemon's host. */
export class HostShellControl implements ControlDaemonControl {
  constructor(
    readonly kind: 'lab' | 'systemd',
    private readonly hostOf: (daemon: ControlDaemon) => ControlHost,
    private readonly lab?: LabControlSettings,
  ) {
    if (kind === 'lab' && !lab) throw new Error('HostShellControl: the lab backend needs its supervisor settings');
  }

  /** commands: the argv of each action and the host to run them on. */
  commands(daemon: ControlDaemon): { host: ControlHost; commands: OsdCommands } {
    const commands = this.kind === 'lab' ? labControlCommands(this.lab as LabControlSettings, daemon) : systemdControlCommands(daemon);
    return { host: this.hostOf(daemon), commands };
  }

  async describe(daemon: ControlDaemon): Promise<string> {
    const { host, commands } = this.commands(daemon);
    return `${commands.unit} on ${host.node}`;
  }

  async stop(daemon: ControlDaemon): Promise<void> {
    await this.act(daemon, 'stop');
  }

  async start(daemon: ControlDaemon): Promise<void> {
    await this.act(daemon, 'start');
  }

  async state(daemon: ControlDaemon): Promise<OsdDaemonState> {
    const { host, commands } = this.commands(daemon);
    return stateOnHost(host, commands);
  }

  private async act(daemon: ControlDaemon, action: 'stop' | 'start'): Promise<void> {
    const { host, commands } = this.commands(daemon);
    await actOnHost(host, commands, action);
  }
}

/** CephadmControl: `ceph orch daemon stop|start mon.<id>` through the environment's ceph CLI. */
export class CephadmControl implements ControlDaemonControl {
  readonly kind = 'cephadm';

  constructor(private readonly ceph: CephClient) {}

  async describe(daemon: ControlDaemon): Promise<string> {
    return cephadmCommands(daemon.type, daemon.id).unit;
  }

  async stop(daemon: ControlDaemon): Promise<void> {
    await this.ceph.text(cephadmCommands(daemon.type, daemon.id).stop);
  }

  async start(daemon: ControlDaemon): Promise<void> {
    await this.ceph.text(cephadmCommands(daemon.type, daemon.id).start);
  }

  async state(daemon: ControlDaemon): Promise<OsdDaemonState> {
    return parseCephadmDaemonState(await this.ceph.json(cephadmCommands(daemon.type, daemon.id).state), daemon.type, daemon.id);
  }

  /** startCommand: the ceph CLI line that starts the daemon, for the expiry timer. */
  startCommand(daemon: ControlDaemon): string {
    return this.ceph.textArgv(cephadmCommands(daemon.type, daemon.id).start).map(shellQuote).join(' ');
  }
}

/** RookControl: the monitor's or manager's Deployment scaled to 0 and back to 1. */
export class RookControl implements ControlDaemonControl {
  readonly kind = 'rook';

  constructor(private readonly scaler: RookDeploymentScaler) {}

  async describe(daemon: ControlDaemon): Promise<string> {
    return `Deployment ${this.scaler.settings.namespace}/${rookDeployment(daemon.type, daemon.id)}`;
  }

  async stop(daemon: ControlDaemon): Promise<void> {
    await this.scaler.scale(rookDeployment(daemon.type, daemon.id), 0);
  }

  async start(daemon: ControlDaemon): Promise<void> {
    await this.scaler.scale(rookDeployment(daemon.type, daemon.id), 1);
  }

  async state(daemon: ControlDaemon): Promise<OsdDaemonState> {
    return this.scaler.state(rookDeployment(daemon.type, daemon.id));
  }
}
