/**
 * The Kubernetes supervisords: one per namespace that runs Kubernetes daemons (the control namespace, every node),
 * beside the lab's own supervisord there, with the same config format and stop behaviour (lab/supervisor.ts).
 * The difference is how it starts: `nsenter --net` (the namespace's network only) instead of `ip netns exec`,
 * whose private mount namespace remounts /sys (no /sys/fs/cgroup for the kubelet, containerd and runc) and would
 * hide every mount containerd and the kubelet make from each other's restarts and from `lab down`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runChecked } from '../../src/executors/command';
import { findSupervisord, signal, waitForExit } from '../processes';
import { programRunning, startProgram, stopSupervisord, SUPERVISOR_ENV, supervisorConfigText, supervisordPid, wakeSupervisord } from '../supervisor';
import { toolPath } from '../tools';
import type { GeneratedFile, KubernetesSupervisor } from './plan';
import { kubernetesDaemons } from './processes';
import { kubernetesToolPath } from './tools';

/** writeSupervisorFiles writes the supervisor's files and its supervisord.conf where they differ; true when any changed. */
export async function writeSupervisorFiles(supervisor: KubernetesSupervisor): Promise<boolean> {
  const files: GeneratedFile[] = [...supervisor.files, { path: supervisor.target.supervisorConfig, text: supervisorConfigText(supervisor.target, supervisor.programs) }];
  let changed = false;
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
    const old = existsSync(file.path) ? await readFile(file.path, 'utf8') : undefined;
    if (old === file.text) continue;
    await writeFile(file.path, file.text, { mode: file.mode ?? 0o644 });
    changed = true;
  }
  return changed;
}

/**
 * ensureKubernetesSupervisor makes the supervisord run in its namespace with every program running; returns what
 * it did. Changed files restart it (and so its programs). Before a fresh start, daemons of an earlier run that
 * lost their supervisord are killed (they would hold the ports); containerd's shims and the pods are left alone:
 * containerd finds them again.
 */
export async function ensureKubernetesSupervisor(supervisor: KubernetesSupervisor, changed: boolean): Promise<string> {
  const { target, programs } = supervisor;
  let pid = await supervisordPid(target);
  let reason = 'started';
  if (pid !== undefined && changed) {
    await stopSupervisord(target);
    pid = undefined;
    reason = 'restarted (its configuration changed)';
  }
  if (pid === undefined) {
    const stray = findSupervisord(target.supervisorConfig);
    if (stray && (await stopSupervisord(target)) === 'still-alive') signal([stray.pid], 'SIGKILL');
    const orphans = kubernetesDaemons(target.dir).map((p) => p.pid);
    signal(orphans, 'SIGKILL');
    await waitForExit(orphans, 3000);
    await runChecked([kubernetesToolPath('nsenter'), `--net=/run/netns/${target.namespace}`, toolPath('supervisord'), '-c', target.supervisorConfig], { env: SUPERVISOR_ENV, timeoutMs: 15_000 });
    await wakeSupervisord(target);
    return `${reason} ${programs.map((p) => p.name).join(', ')} in ${target.namespace}`;
  }
  const started: string[] = [];
  for (const program of programs) {
    if (programRunning(pid, program)) continue;
    await startProgram(target, program.name);
    started.push(program.name);
  }
  return started.length ? `started ${started.join(', ')} in ${target.namespace}` : `${programs.map((p) => p.name).join(', ')} already running in ${target.namespace}`;
}
