/**
 * Service managers on a host: the supervisor program or systemd unit that keeps a service (or a Ceph daemon)
 * running, how to stop it, read its state, and start it again in a revert script. Shared by the host and Ceph
 * kinds' faults, which act on hosts through executors.
 */
import { shellQuote } from './executor';

/** ServiceManager: the process manager unit of one service on one node ({node} already replaced). */
export type ServiceManager = { kind: 'supervisor'; program: string; config: string } | { kind: 'systemd'; unit: string };

/** describeManager: the unit as people know it, e.g. "supervisor program web (/run/…/supervisord.conf)". */
export function describeManager(manager: ServiceManager): string {
  return manager.kind === 'supervisor' ? `supervisor program ${manager.program} (${manager.config})` : `systemd unit ${manager.unit}`;
}

/** stopCommand: the argv that stops the unit. */
export function stopCommand(manager: ServiceManager): string[] {
  return manager.kind === 'supervisor' ? ['supervisorctl', '-c', manager.config, 'stop', manager.program] : ['systemctl', 'stop', manager.unit];
}

/** statusCommand: the argv whose output stateOf() reads; its exit code is not used (supervisorctl exits 3 for STOPPED). */
export function statusCommand(manager: ServiceManager): string[] {
  return manager.kind === 'supervisor' ? ['supervisorctl', '-c', manager.config, 'status', manager.program] : ['systemctl', 'is-active', manager.unit];
}

/**
 * parseSupervisorState: the state word of `supervisorctl status <program>` ("web  RUNNING  pid 12, uptime …"
 * → RUNNING), or null when the output is an error ("ERROR (no such process)", a refused socket).
 */
export function parseSupervisorState(output: string, program: string): string | null {
  for (const line of output.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === program && /^[A-Z]+$/.test(words[1] ?? '')) return words[1] as string;
  }
  return null;
}

/**
 * serviceRevertScript: starts the unit and waits up to 10 s until it runs; idempotent. "Already started"
 * exits 0 or 1 depending on the supervisor version, so only the status afterwards decides. A unit that is
 * still starting is waited for; one that fell back to stopped (a crash during start) is started again every
 * ~3 s; one the manager does not know fails at once (it cannot come back). Once it runs, the marker file
 * (serviceStopMarker) is removed.
 */
export function serviceRevertScript(manager: ServiceManager, markerFile?: string): string {
  const done = markerFile ? `{ rm -f ${shellQuote(markerFile)}; exit 0; }` : 'exit 0';
  const quoted = (text: string): string => text.replace(/["$`\\]/g, '\\$&');
  const loop = (status: string, up: string, retryStates: string, unknown: string, name: string): string[] => [
    'end=$(( $(date +%s) + 10 )); n=0',
    'while :; do',
    `  ${status}`,
    `  [ "$s" = ${up} ] && ${done}`,
    `  case "$o" in ${unknown}) echo "${name} does not exist: $o" >&2; exit 1 ;; esac`,
    `  [ "$(date +%s)" -ge "$end" ] && { echo "${name} is \${s:-unknown}, not ${up}, 10s after start: $o" >&2; exit 1; }`,
    `  case "$s" in ${retryStates}) n=$((n + 1)); [ $((n % 10)) -eq 0 ] && start ;; esac`,
    '  sleep 0.1',
    'done',
  ];
  if (manager.kind === 'supervisor') {
    const ctl = `supervisorctl -c ${shellQuote(manager.config)}`;
    const p = shellQuote(manager.program);
    return [
      `start() { ${ctl} start ${p} >/dev/null 2>&1; }`,
      'start',
      ...loop(
        `o=$(${ctl} status ${p} 2>&1); s=$(printf '%s\\n' "$o" | awk -v p=${p} '$1 == p { print $2; exit }')`,
        'RUNNING',
        'STOPPED|EXITED|FATAL|BACKOFF',
        '*"no such process"*|*"no such group"*',
        `supervisor program ${quoted(manager.program)}`,
      ),
    ].join('\n');
  }
  const u = shellQuote(manager.unit);
  return [
    `start() { systemctl start ${u} >/dev/null 2>&1; }`,
    'start',
    ...loop(`s=$(systemctl is-active ${u} 2>/dev/null); o=$(systemctl show -p LoadState --value ${u} 2>&1)`, 'active', 'inactive|failed', 'not-found*', `systemd unit ${quoted(manager.unit)}`),
  ].join('\n');
}

