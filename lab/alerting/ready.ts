/**
 * waitLabAlertingReady: `lab up --with alerting` is done when Alertmanager answers /-/ready, Prometheus has loaded
 * every rule file (its /api/v1/rules lists each group) and knows the Alertmanager as active, and the remediation
 * service (when the lab runs one) answers /healthz. Each missing piece is named when the wait times out.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { now, sleep } from '../../src/kernel/clock';
import { httpGet } from '../http-get';
import type { LabLayout } from '../layout';
import type { LabAlertingPlan } from './config';

/** labAlertingPresent: the lab runs alerting (an earlier lab up --with alerting wrote its config). */
export function labAlertingPresent(layout: LabLayout): boolean {
  return existsSync(join(layout.edge.dir, 'alertmanager.yml'));
}

async function problems(plan: LabAlertingPlan, prometheusUrl: string): Promise<string[]> {
  const found: string[] = [];
  const ready = await httpGet(`${plan.alertmanagerUrl}/-/ready`, 500).catch((error: Error) => error);
  if (ready instanceof Error || ready.status !== 200) found.push(`Alertmanager ${plan.alertmanagerUrl}/-/ready: ${ready instanceof Error ? ready.message : `HTTP ${ready.status}`}`);
  const rules = await httpGet(`${prometheusUrl}/api/v1/rules?type=alert`, 1000).catch((error: Error) => error);
  const groups = rules instanceof Error ? [] : ((JSON.parse(rules.body) as { data?: { groups?: Array<{ file: string }> } }).data?.groups ?? []);
  const files = new Set(groups.map((g) => g.file.split('/').pop()));
  for (const file of plan.files.filter((f) => f.path.endsWith('.rules.yml'))) {
    if (!files.has(file.path.split('/').pop())) found.push(`Prometheus has not loaded ${file.path}`);
  }
  const managers = await httpGet(`${prometheusUrl}/api/v1/alertmanagers`, 1000).catch((error: Error) => error);
  const active = managers instanceof Error ? [] : ((JSON.parse(managers.body) as { data?: { activeAlertmanagers?: Array<{ url: string }> } }).data?.activeAlertmanagers ?? []);
  if (!active.some((m) => m.url.includes(plan.alertmanagerTarget))) found.push(`Prometheus does not send to Alertmanager ${plan.alertmanagerTarget} yet`);
  if (plan.remediation) {
    const health = await httpGet(`${plan.remediation.url}/healthz`, 500).catch((error: Error) => error);
    if (health instanceof Error || health.status !== 200) found.push(`remediation service ${plan.remediation.url}/healthz: ${health instanceof Error ? health.message : `HTTP ${health.status}`}`);
  }
  return found;
}

/** waitLabAlertingReady resolves with the time it took, or throws naming what is not ready after `timeoutMs`. */
export async function waitLabAlertingReady(plan: LabAlertingPlan, prometheusUrl: string, timeoutMs: number): Promise<number> {
  const started = now();
  let missing: string[] = [];
  while (now() - started < timeoutMs) {
    missing = await problems(plan, prometheusUrl);
    if (missing.length === 0) return now() - started;
    await sleep(200);
  }
  throw new Error(`alerting in the lab is not ready after ${timeoutMs} ms:\n  ${missing.join('\n  ')}\n  see alertmanager.log, remediation.log and prometheus.log under the edge's run directory`);
}
