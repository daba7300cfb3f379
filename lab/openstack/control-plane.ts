/**
 * The lab's OpenStack as `lab up`, `lab down`, `lab status` and the leftover check see it: whether the lab runs
 * it, its plan (after checking the packages), and its processes wherever they run.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LabLayout } from '../layout';
import { findSupervisord, listProcesses, ProcessInfo, signal, waitForExit } from '../processes';
import type { SupervisedProgram } from '../supervisor';
import { labOpenstackPlan, LabOpenstackPlan, openstackDirOf } from './config';
import { requireOpenstackTools } from './tools';

/** labOpenstack: the plan, after checking every package it needs (throws before anything is touched). */
export function labOpenstack(layout: LabLayout, cloudName: string, sourcePath: string): LabOpenstackPlan {
  requireOpenstackTools();
  return labOpenstackPlan(layout, cloudName, sourcePath);
}

/** labOpenstackPresent: whether the lab runs (or ran, and `lab down` has not cleaned up) OpenStack. */
export function labOpenstackPresent(layout: LabLayout): boolean {
  return existsSync(openstackDirOf(layout));
}

/** How long `lab down` gives the OpenStack services after TERM before it KILLs them (the health manager ignores TERM). */
const STOP_GRACE_MS = 2000;

/**
 * labOpenstackProcesses: the lab's OpenStack processes, wherever they run (its namespace may already be gone):
 * every process whose command line names a path under `<runDir>/openstack/` (the services, uwsgi's workers, the
 * bootstrap's commands, RabbitMQ's Erlang VM), or whose environment holds SCS_CHAOS_LAB=<runDir>/openstack (what
 * RabbitMQ starts, among them its detached epmd, and the workers that rename themselves: launch.py and the
 * RabbitMQ program put the marker into their environment).
 */
export function labOpenstackProcesses(layout: LabLayout, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const dir = openstackDirOf(layout);
  const prefix = `${dir}/`;
  const marker = `\0SCS_CHAOS_LAB=${dir}\0`;
  return processes.filter((p) => {
    if (p.pid === process.pid) return false;
    // A renamed process (setproctitle) has one argument holding the whole title, so look inside each argument.
    if (p.argv.some((arg) => arg.includes(prefix) || arg === dir)) return true;
    return environmentOf(p.pid).includes(marker);
  });
}

/**
 * stopLabOpenstack stops the lab's OpenStack quickly, for `lab down`: supervisord stops its programs one after
 * another, each with its stop timeout, which takes longer than `lab down` waits for 13 programs. So the control
 * namespace's supervisord is told to shut down first (it restarts nothing from then on), every OpenStack process
 * gets TERM at once, and what still runs after STOP_GRACE_MS gets KILL (nothing of it is kept). Returns how many
 * processes it signalled.
 */
export async function stopLabOpenstack(layout: LabLayout): Promise<number> {
  const control = layout.control;
  const supervisord = control ? findSupervisord(control.supervisorConfig) : undefined;
  if (supervisord) signal([supervisord.pid], 'SIGTERM');
  const pids = labOpenstackProcesses(layout).map((p) => p.pid);
  signal(pids, 'SIGCONT');
  signal(pids, 'SIGTERM');
  const left = await waitForExit(pids, STOP_GRACE_MS);
  signal(left, 'SIGKILL');
  await waitForExit(left, 3000);
  return pids.length;
}

/**
 * programPid: the pid of a supervised program among `processes` (children of its supervisord), or null. Every
 * OpenStack program keeps the command line supervisord started (no exec into another program, no renaming).
 */
export function programPid(program: SupervisedProgram, processes: ProcessInfo[]): number | null {
  const found = processes.find((p) => p.argv.length === program.argv.length && program.argv.every((arg, i) => p.argv[i] === arg));
  return found?.pid ?? null;
}

/** The environment of `pid`, NUL-separated with a leading and trailing NUL (empty when unreadable). */
function environmentOf(pid: number): string {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
  } catch {
    return '';
  }
}
