/**
 * service-stop: stops a service through the process manager that keeps it running — supervisord in the lab
 * (`supervisorctl -c <config> stop <program>`), systemd on real hosts (`systemctl stop <unit>`) — so the manager
 * itself does not restart it: what is tested is failover around a service that stays down, not a restart.
 * Undo: start it again. The manager is chosen from the ServiceSpec: `supervisor` if present, else `systemdUnit`.
 * A service that is not running before the fault is refused: the revert would start something that was down.
 */
import { sleep } from '../../../kernel/clock';
import { formatDuration } from '../../../kernel/duration';
import { expiryTimerScript } from '../../../revert/shell-channel';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { ServiceSpec } from '../../../model/environment';

import { shellQuote } from '../../../executors/executor';
import type { FaultTarget } from '../target';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { NODE_RUN_DIR, PlanCheckedFault } from '../node/node-fault';
import { describeManager, parseSupervisorState, ServiceManager, serviceRevertScript, statusCommand, stopCommand } from '../../../executors/service-manager';


/** SERVICE_STOP_KIND: the kind of the service-stop fault, as journal and reports name it. */
export const SERVICE_STOP_KIND = 'service-stop';

/** serviceManagerOf: supervisor if the service has one, else its systemd unit, else BadInput naming the fix. */
export function serviceManagerOf(service: ServiceSpec | undefined, nodeName: string): ServiceManager {
  if (!service) {
    throw new BadInput(`stopping a service on ${nodeName} needs a service, and none was given`, undefined, 'name the service in the step, e.g. "the web service on node-2 is stopped for 10s"');
  }
  if (service.supervisor) {
    return { kind: 'supervisor', program: service.supervisor.program.replaceAll('{node}', nodeName), config: service.supervisor.config.replaceAll('{node}', nodeName) };
  }
  if (service.systemdUnit) return { kind: 'systemd', unit: service.systemdUnit };
  throw new BadInput(
    `service ${service.name} has neither supervisor nor systemdUnit in the environment, so it cannot be stopped and started again`,
    undefined,
    `add systemdUnit: <unit> (e.g. systemdUnit: ${service.name}.service) or supervisor: { program, config } to service ${service.name}`,
  );
}

/**
 * serviceStopMarker: a file on the node naming the stopped unit (`key=value` lines), written before the stop and
 * removed by the revert once the unit runs again. A stopped service is a state, not an object with a name, so
 * this file is what lets `sweep` find it without a journal (DESIGN.md section 5, layer 3).
 */
export function serviceStopMarker(injectionId: string): string {
  return `${NODE_RUN_DIR}/${injectionId}.service-stop`;
}

/** serviceStopMarkerText: the marker's content; the revert can be rebuilt from it alone. */
export function serviceStopMarkerText(injectionId: string, nodeName: string, manager: ServiceManager): string {
  const fields = manager.kind === 'supervisor' ? [`program=${manager.program}`, `config=${manager.config}`] : [`unit=${manager.unit}`];
  return [`id=${injectionId}`, `node=${nodeName}`, 'kind=service-stop', `manager=${manager.kind}`, ...fields, ''].join('\n');
}

/** isRunning / isStopped: the states that count as "up" and as "stopped by the fault". */
function isRunning(manager: ServiceManager, state: string | null): boolean {
  return state === (manager.kind === 'supervisor' ? 'RUNNING' : 'active');
}
function isStopped(manager: ServiceManager, state: string | null): boolean {
  // A unit whose main process exits non-zero on SIGTERM ends "failed": stopped all the same.
  return manager.kind === 'supervisor' ? state === 'STOPPED' : state === 'inactive' || state === 'failed';
}

/**
 * cutsOwnPath: stopping this service cuts the way the executor reaches the node — the kubelet of a kube-node
 * executor (its port is the executor's kubeletPort), through which every command is exec'd (decision 0158).
 */
export function cutsOwnPath(target: FaultTarget): boolean {
  const spec = target.executor.spec;
  return spec.kind === 'kube-node' && target.service?.port === spec.kubeletPort;
}

export interface StopServiceOptions {
  /**
   * The fault's duration. Needed when the stop cuts the executor's own path (cutsOwnPath): the service is then
   * started again on the node by a timer armed before the stop, at this time — no command reaches the node while
   * it is down — and the revert only confirms it runs (its script, idempotent, runs once the path is back).
   */
  restartAfterMs?: number;
}

/** stopService: the fault; the manager is resolved here (plan time), its state read in planCheck and prepare. */
export function stopService(target: FaultTarget, options: StopServiceOptions = {}): PlanCheckedFault {
  const nodeName = target.node.name;
  const manager = serviceManagerOf(target.service, nodeName);
  const serviceName = target.service?.name ?? 'service';
  const exec = target.executor;
  const selfCutting = cutsOwnPath(target);
  if (selfCutting && options.restartAfterMs === undefined) {
    throw new BadInput(
      `stopping ${serviceName} on ${nodeName} would cut the kube-node executor's own way to the node (port ${target.service?.port}), so nothing could start it again`,
      undefined,
      `use the step "the Kubernetes node ${nodeName} loses its kubelet for <duration>", which arms the restart on the node first`,
    );
  }
  const unit = describeManager(manager);
  const tool = manager.kind === 'supervisor' ? 'supervisorctl' : 'systemctl';

  /** state: the unit's state word, or throws when the manager cannot say (missing tool, unknown unit, dead daemon). */
  const state = async (): Promise<string> => {
    // Through a path the fault cuts, a short deadline: "the path is refused" is then the answer, not a wait.
    const result = await exec.run(statusCommand(manager), { timeoutMs: selfCutting ? 2000 : 10_000 });
    const output = `${result.stdout}${result.stderr}`.trim();
    if (manager.kind === 'supervisor') {
      const word = parseSupervisorState(result.stdout, manager.program);
      if (word) return word;
      if (/no such process/i.test(output)) {
        throw new BadInput(`${unit} does not exist on ${nodeName}: supervisorctl says "${output}"`, undefined, `check supervisor.program of service ${serviceName} against supervisorctl -c ${manager.config} status`);
      }
      throw new ExperimentCompromised(`cannot read the state of ${unit} on ${nodeName}: supervisorctl exited ${result.code}: "${output}". Is supervisord running there?`);
    }
    const word = result.stdout.trim().split('\n')[0] ?? '';
    if (!/^[a-z-]+$/.test(word)) throw new ExperimentCompromised(`cannot read the state of ${unit} on ${nodeName}: systemctl exited ${result.code}: "${output}". Is systemd running there?`);
    return word;
  };

  /** inspect: read-only — the tool exists, the unit exists, and it runs now. */
  const inspect = async (): Promise<{ before: string; detail: string }> => {
    const found = await exec.run(['sh', '-c', `command -v ${tool}`], { timeoutMs: 5000 });
    if (found.code !== 0) {
      throw new BadInput(`${tool} not found on node ${nodeName} (${exec.description}), so ${unit} cannot be stopped`, undefined, manager.kind === 'supervisor' ? 'install supervisor on the node, or give the service a systemdUnit instead' : 'give the service a supervisor instead, or run it on a node with systemd');
    }
    let detail = '';
    if (manager.kind === 'systemd') {
      // is-active says "inactive" for units that do not exist; LoadState tells them apart.
      const load = await exec.run(['systemctl', 'show', '-p', 'LoadState', '--value', manager.unit], { timeoutMs: 10_000 });
      const loadState = load.stdout.trim();
      if (loadState !== 'loaded') {
        throw new BadInput(`${unit} is ${loadState || 'unknown'} on ${nodeName} (${load.stderr.trim() || 'systemctl show LoadState'})`, undefined, `check systemdUnit of service ${serviceName}: systemctl list-units --all on the node lists the units`);
      }
      detail = `LoadState ${loadState}`;
    }
    const before = await state();
    if (!isRunning(manager, before)) {
      throw new ExperimentCompromised(`${unit} on ${nodeName} is ${before} before the fault (expected ${manager.kind === 'supervisor' ? 'RUNNING' : 'active'}); nothing was touched — a revert would start what was down`);
    }
    return { before, detail };
  };

  const waitFor = async (wanted: (s: string | null) => boolean, timeoutMs: number): Promise<string | null> => {
    let last: string | null = null;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        last = await state();
      } catch {
        last = null;
      }
      if (wanted(last) || Date.now() >= deadline) return last;
      await sleep(100);
    }
  };

  return shellFault({
    kind: SERVICE_STOP_KIND,
    reversible: true,
    target,
    describe: () => `stop ${serviceName} on ${nodeName} (${manager.kind === 'supervisor' ? `supervisorctl stop ${manager.program}` : `systemctl stop ${manager.unit}`}, revert: start)`,
    async planCheck() {
      const { before } = await inspect();
      return `${nodeName}: ${unit} is ${before}`;
    },
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const { before, detail } = await inspect();
      const marker = serviceStopMarker(injectionId);
      return {
        kind: SERVICE_STOP_KIND,
        target: `${serviceName} on ${nodeName}`,
        reversible: true,
        preState: { manager: manager.kind, ...(manager.kind === 'supervisor' ? { program: manager.program, config: manager.config } : { unit: manager.unit }), stateBefore: before, marker, ...(detail ? { detail } : {}) },
        revertScript: serviceRevertScript(manager, marker),
        async apply() {
          // The marker first: a crash between it and the stop leaves a marker the revert removes, never a stopped unit without one.
          const written = await exec.run(['sh', '-c', `mkdir -p ${NODE_RUN_DIR} && cat > ${shellQuote(marker)}`], { input: serviceStopMarkerText(injectionId, nodeName, manager), timeoutMs: 5000 });
          if (written.code !== 0) throw new ExperimentCompromised(`cannot write ${marker} on ${nodeName}: ${written.stderr.trim()}`);
          // The restart comes first where the stop cuts the executor's path: it is armed on the node while the path works.
          if (selfCutting) await exec.spawnDetached(expiryTimerScript(options.restartAfterMs ?? 0, `${serviceRevertScript(manager, marker)}`), `scs-chaos-restart-${injectionId}`);
          // stop waits until the process has exited (supervisor: up to stopwaitsecs; systemd: TimeoutStopSec).
          const result = await exec.run(stopCommand(manager), { timeoutMs: 120_000 });
          if (result.code !== 0) {
            throw new ExperimentCompromised(`could not stop ${unit} on ${nodeName}: ${tool} exited ${result.code}: "${`${result.stdout}${result.stderr}`.trim()}"`);
          }
        },
        async verifyActive() {
          if (selfCutting) {
            // The stopped service was the executor's path: that the path now refuses is what can be seen of it.
            const now = await waitFor((s) => s === null || isStopped(manager, s), 5000);
            if (now !== null && !isStopped(manager, now)) throw new ExperimentCompromised(`${unit} on ${nodeName} is ${now} after stop, not STOPPED. Is something else restarting it?`);
            return `${unit} on ${nodeName} is ${now ?? 'down: the node no longer answers through it'}; the node restarts it after ${formatDuration(options.restartAfterMs ?? 0)}`;
          }
          const now = await waitFor((s) => isStopped(manager, s), 5000);
          if (!isStopped(manager, now)) {
            const hint = manager.kind === 'systemd' ? ` Is it socket-activated (stop ${manager.unit.replace(/\.service$/, '')}.socket too) or pulled in by another unit?` : ' Is something else restarting it?';
            throw new ExperimentCompromised(`${unit} on ${nodeName} is ${now ?? 'unreadable'} after stop, not ${manager.kind === 'supervisor' ? 'STOPPED' : 'inactive'}.${hint}`);
          }
          return `${unit} on ${nodeName} is ${now}`;
        },
        async verifyReverted() {
          const now = await waitFor((s) => isRunning(manager, s), selfCutting ? 20_000 : 5000);
          if (!isRunning(manager, now)) throw new ExperimentCompromised(`${unit} on ${nodeName} is ${now ?? 'unreadable'} after revert, not ${manager.kind === 'supervisor' ? 'RUNNING' : 'active'}`);
        },
      };
    },
  });
}
