/**
 * The APIs alert state is read from, as an environment's `alerting:` section names them:
 *   - Alertmanager API v2: GET /api/v2/alerts (active alerts with Alertmanager's startsAt, state, silencedBy),
 *     /api/v2/silences (GET, POST) and DELETE /api/v2/silence/{id};
 *   - Prometheus: the raw samples of `ALERTS{alertstate="firing"}` (each stamped with the rule evaluation that
 *     wrote it) and /api/v1/rules (which alerts exist, and each group's evaluation interval);
 *   - the remediation service's audit log: GET /audit?since=N (JSON lines, src/kinds/alerting/audit-entry.ts).
 * A failure to reach any of them is AlertingUnavailable: a broken measurement, never an alert.
 */
import { parseMatrixData } from '../../prometheus/client';
import type { AlertingSpec } from './environment';
import { AuditEntry, parseAuditLog } from './audit-entry';

/** AlertingUnavailable: an alerting API could not answer (`reason`). */
export class AlertingUnavailable extends Error {
  override readonly name = 'AlertingUnavailable';
}

const TIMEOUT_MS = 3000;

async function call(spec: AlertingSpec, url: string, init: { method?: string; body?: unknown } = {}): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (spec.bearerToken) headers.authorization = `Bearer ${spec.bearerToken}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const target = new URL(url);
  if (target.username) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let response: Response;
  try {
    response = await fetch(target, { method: init.method ?? 'GET', headers, signal: AbortSignal.timeout(TIMEOUT_MS), ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  } catch (error) {
    throw new AlertingUnavailable(`${init.method ?? 'GET'} ${target.origin}${target.pathname}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) throw new AlertingUnavailable(`${init.method ?? 'GET'} ${target.origin}${target.pathname}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return text;
}

/** AmAlert: one active alert as Alertmanager's API v2 lists it. */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

/** alertmanagerAlerts: every alert Alertmanager holds as not resolved (active, silenced or inhibited). */
export async function alertmanagerAlerts(spec: AlertingSpec): Promise<AmAlert[]> {
  return JSON.parse(await call(spec, `${spec.alertmanagerUrl}/api/v2/alerts`)) as AmAlert[];
}

/** Matcher: one matcher of a silence (Alertmanager API v2). */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** Silence: a silence as Alertmanager's API v2 lists it. */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

export async function listSilences(spec: AlertingSpec): Promise<Silence[]> {
  return JSON.parse(await call(spec, `${spec.alertmanagerUrl}/api/v2/silences`)) as Silence[];
}

/** createSilence: posts a silence; resolves with its id. */
export async function createSilence(spec: AlertingSpec, silence: Omit<Silence, 'id' | 'status'>): Promise<string> {
  const answer = JSON.parse(await call(spec, `${spec.alertmanagerUrl}/api/v2/silences`, { method: 'POST', body: silence })) as { silenceID?: string };
  if (!answer.silenceID) throw new AlertingUnavailable(`Alertmanager ${spec.alertmanagerUrl} created a silence but named no silenceID`);
  return answer.silenceID;
}

/** expireSilence: ends a silence now; one that is gone or already expired counts as ended. */
export async function expireSilence(spec: AlertingSpec, id: string): Promise<void> {
  try {
    await call(spec, `${spec.alertmanagerUrl}/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
  } catch (error) {
    const silences = await listSilences(spec);
    const found = silences.find((s) => s.id === id);
    if (found && found.status.state !== 'expired') throw error;
  }
}

/** FiringSeries: the raw samples of one ALERTS{alertstate="firing"} series (t in Unix seconds). */
export interface FiringSeries {
  labels: Record<string, string>;
  times: number[];
}

/** firingSamples: the raw ALERTS firing samples of `alertname` over the last `windowSeconds`. */
export async function firingSamples(spec: AlertingSpec, alertname: string, windowSeconds: number): Promise<FiringSeries[]> {
  const promql = `ALERTS{alertname="${alertname.replace(/["\\]/g, '\\$&')}",alertstate="firing"}[${Math.max(1, Math.ceil(windowSeconds))}s]`;
  const text = await call(spec, `${spec.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = JSON.parse(text) as { data?: unknown };
  return parseMatrixData(body.data, promql).map((series) => ({ labels: series.metric, times: series.values.map((v) => v.t) }));
}

/** AlertRule: an alerting rule Prometheus evaluates, with its group's evaluation interval in seconds. */
export interface AlertRule {
  name: string;
  group: string;
  intervalSeconds: number;
  health: string;
}

export async function alertRules(spec: AlertingSpec): Promise<AlertRule[]> {
  const body = JSON.parse(await call(spec, `${spec.prometheusUrl}/api/v1/rules?type=alert`)) as {
    data?: { groups?: Array<{ name: string; interval: number; rules: Array<{ name: string; health: string; type: string }> }> };
  };
  return (body.data?.groups ?? []).flatMap((group) => group.rules.filter((r) => r.type === 'alerting').map((rule) => ({ name: rule.name, group: group.name, intervalSeconds: group.interval, health: rule.health })));
}

/** auditEntries: the remediation service's audit log entries numbered above `since`. */
export async function auditEntries(spec: AlertingSpec, since = 0): Promise<AuditEntry[]> {
  if (!spec.remediation) return [];
  return parseAuditLog(await call(spec, `${spec.remediation.url}/audit?since=${since}`));
}
