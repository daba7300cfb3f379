/**
 * `lab status` for the lab's OpenStack: which of its supervisord programs run (judged from /proc, like the rest of
 * lab/status.ts) and whether each API answers its version document. Read-only.
 */
import { existsSync } from 'node:fs';
import type { LabLayout } from '../layout';
import { findSupervisord, parentPid, ProcessInfo } from '../processes';
import { request } from './api';
import { labOpenstackPlan, SERVICE_TYPES, ServiceType } from './config';
import { programPid } from './control-plane';

/** LabOpenstackStatus: the lab's OpenStack (only while it runs one). */
export interface LabOpenstackStatus {
  /** Every program of the control namespace's supervisord that belongs to OpenStack, with its pid (null: not running). */
  programs: Array<{ program: string; pid: number | null }>;
  /** Every API's root URL and the status it answered (null: no answer within 2 s). */
  apis: Array<{ service: ServiceType; url: string; status: number | null }>;
  /** clouds.yaml, once the bootstrap wrote it. */
  cloudsYaml: string | null;
  /** Whether every program runs and every API answers. */
  healthy: boolean;
}

/** openstackStatus reports the lab's OpenStack, adding one line per problem to `problems`. */
export async function openstackStatus(layout: LabLayout, cloudName: string, sourcePath: string, processes: ProcessInfo[], problems: string[]): Promise<LabOpenstackStatus> {
  const plan = labOpenstackPlan(layout, cloudName, sourcePath);
  const supervisord = findSupervisord(plan.control.supervisorConfig, processes);
  const children = supervisord ? processes.filter((p) => parentPid(p.pid) === supervisord.pid) : [];
  const programs = plan.programs.map((program) => ({ program: program.name, pid: programPid(program, children) }));
  for (const p of programs) if (p.pid === null) problems.push(`openstack: ${p.program} is not running (namespace ${plan.control.namespace})`);
  const apis = await Promise.all(
    SERVICE_TYPES.map(async (service) => {
      const url = plan.endpoints[service];
      const reply = await request('GET', url, { timeoutMs: 2000 }).catch(() => undefined);
      return { service, url, status: reply?.status ?? null };
    }),
  );
  for (const api of apis) if (api.status !== 200 && api.status !== 300) problems.push(`openstack: the ${api.service} API at ${api.url} ${api.status === null ? 'does not answer' : `answered ${api.status}`}`);
  const healthy = programs.every((p) => p.pid !== null) && apis.every((a) => a.status === 200 || a.status === 300);
  return { programs, apis, cloudsYaml: existsSync(plan.cloudsYamlPath) ? plan.cloudsYamlPath : null, healthy };
}
