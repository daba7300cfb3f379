/**
 * The remediation actions, run through the framework's own executors (netns in the lab, ssh on real hosts), so a
 * remediation reaches a node exactly as a fault does:
 *   start-service  start the environment's service on the node through its supervisor (or systemd unit) and wait
 *                  until it runs; a service that already runs is left alone ("skipped")
 *   ceph-osd-in    `ceph osd in <id>` through the environment's ceph: access (its executor node, conf, keyring)
 */
import type { Environment } from '../../../src/model/environment';
import { executorFor } from '../../../src/executors';
import { resolveNode, resolveService } from '../../../src/environment/inventory';
import { describeManager, parseSupervisorState, ServiceManager, serviceRevertScript, statusCommand } from '../../../src/executors/service-manager';
import type { PolicyRule } from './policy';

/** ActionOutcome: what the audit log records of one action. */
export interface ActionOutcome {
  what: string;
  result: 'ok' | 'failed' | 'skipped';
  output: string;
}

/** managerOf: the supervisor program (or systemd unit) of `serviceName` on `node`. */
export function managerOf(env: Environment, serviceName: string, node: string): ServiceManager {
  const service = resolveService(env, serviceName);
  if (service.supervisor) return { kind: 'supervisor', program: service.supervisor.program.replaceAll('{node}', node), config: service.supervisor.config.replaceAll('{node}', node) };
  if (service.systemdUnit) return { kind: 'systemd', unit: service.systemdUnit };
  throw new Error(`service ${serviceName} has neither supervisor nor systemdUnit in ${env.sourcePath}`);
}

/** osdIdOf: the number in "osd.3" (or "3"); undefined otherwise. */
export function osdIdOf(text: string | undefined): number | undefined {
  const match = /^(?:osd\.)?(\d+)$/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** cephOsdInArgv: the ceph CLI call that marks an OSD in, with the environment's access. */
export function cephOsdInArgv(env: Environment, id: number): string[] {
  const ceph = env.sections.ceph as { conf?: string; keyring?: string; user?: string } | undefined;
  return ['ceph', ...(ceph?.conf ? ['-c', ceph.conf] : []), ...(ceph?.keyring ? ['-k', ceph.keyring] : []), ...(ceph?.user ? ['--id', ceph.user] : []), 'osd', 'in', String(id)];
}

const trimmed = (stdout: string, stderr: string): string => `${stdout}${stderr}`.trim().slice(0, 2000);

/** runAction: runs one rule's action for a node (or OSD); never throws — a failure is an outcome. */
export async function runAction(env: Environment, rule: PolicyRule, node: string, labels: Record<string, string>): Promise<ActionOutcome> {
  try {
    if (rule.action === 'start-service') {
      const manager = managerOf(env, rule.service as string, node);
      const what = describeManager(manager);
      const exec = executorFor(resolveNode(env, node).executor);
      const status = await exec.run(statusCommand(manager), { timeoutMs: 10_000 });
      const state = manager.kind === 'supervisor' ? parseSupervisorState(status.stdout, manager.program) : status.stdout.trim();
      if (state === 'RUNNING' || state === 'active') return { what, result: 'skipped', output: `${what} is already ${state}: nothing to do` };
      const started = await exec.runScript(serviceRevertScript(manager), { timeoutMs: 20_000 });
      return { what, result: started.code === 0 ? 'ok' : 'failed', output: `was ${state ?? 'unknown'}; ${trimmed(started.stdout, started.stderr) || (started.code === 0 ? 'started, RUNNING' : `exit ${started.code}`)}` };
    }
    const id = osdIdOf(labels[rule.osdLabel]);
    if (id === undefined) return { what: 'ceph osd in', result: 'failed', output: `the alert has no OSD in label ${rule.osdLabel} (${labels[rule.osdLabel] ?? 'absent'})` };
    const ceph = env.sections.ceph as { executorNode?: string } | undefined;
    const exec = executorFor(ceph?.executorNode && ceph.executorNode !== 'local' ? resolveNode(env, ceph.executorNode).executor : { kind: 'local' });
    const result = await exec.run(cephOsdInArgv(env, id), { timeoutMs: 30_000 });
    return { what: `osd.${id}`, result: result.code === 0 ? 'ok' : 'failed', output: trimmed(result.stdout, result.stderr) };
  } catch (error) {
    return { what: rule.action, result: 'failed', output: error instanceof Error ? error.message : String(error) };
  }
}
