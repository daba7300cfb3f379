/**
 * The alert figures of a scenario (issue 15) for every report: time to alert, time to resolve and time to
 * remediate per alert, the remediation's node and result, false alarms. One place decides their names and words,
 * so summary page, JUnit, Allure and the Pushgateway say the same.
 */
import type { AlertRecord, RunSummary, ScenarioSummary } from '../model/summary';

/** AlertFigure: one series of the Pushgateway's alert families. */
export interface AlertSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** ALERT_FAMILIES: the Pushgateway families of alerts, with their help text. */
export const ALERT_FAMILIES: Record<string, string> = {
  scs_chaos_alert_seconds: 'Seconds from the injection until the alert fired (Alertmanager startsAt).',
  scs_chaos_alert_resolve_seconds: 'Seconds from the end of the fault until the alert resolved (negative: it resolved while the fault lasted, e.g. remediated).',
  scs_chaos_remediation_seconds: 'Seconds from the injection until the remediation action ended (audit log).',
  scs_chaos_alert_met: '1 when the alert fired, resolved and was remediated within its bounds.',
  scs_chaos_false_alarms: 'Alerts that were active during the steady state of the scenario.',
};

/** alertSamples: the alert series of a run, by family name. */
export function alertSamples(summary: RunSummary): AlertSample[] {
  const samples: AlertSample[] = [];
  for (const scenario of summary.scenarios) {
    const alerts = scenario.alerts ?? [];
    if (alerts.length === 0) continue;
    samples.push({ name: 'scs_chaos_false_alarms', labels: { scenario: scenario.id }, value: alerts.filter((a) => a.falseAlarm).length });
    for (const a of alerts.filter((x) => !x.falseAlarm)) {
      const labels = { scenario: scenario.id, alert: a.alert, node: a.node ?? '' };
      if (a.alertSeconds !== null) samples.push({ name: 'scs_chaos_alert_seconds', labels, value: a.alertSeconds });
      if (a.resolveSeconds !== undefined && a.resolveSeconds !== null) samples.push({ name: 'scs_chaos_alert_resolve_seconds', labels, value: a.resolveSeconds });
      const r = a.remediation;
      if (r?.remediateSeconds !== undefined && r.remediateSeconds !== null) samples.push({ name: 'scs_chaos_remediation_seconds', labels: { ...labels, remediation: r.name ?? '' }, value: r.remediateSeconds });
      samples.push({ name: 'scs_chaos_alert_met', labels, value: a.met ? 1 : 0 });
    }
  }
  return samples;
}

const s = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : `${value.toFixed(2)}s`);

/** remediationText: the remediation of an alert in words ("restart-backend on node-2: ok after 3.43s"). */
export function remediationText(a: AlertRecord): string {
  const r = a.remediation;
  if (!r) return '';
  if (!r.configured) return 'no remediation configured';
  if (!r.node) return `${r.name ?? 'remediation'} did not act`;
  return `${r.name} on ${r.node}${r.expectedNode && r.expectedNode !== r.node ? ` (expected ${r.expectedNode})` : ''}: ${r.result} after ${s(r.remediateSeconds)} (audit #${r.auditSeq})`;
}

/** alertLine: one alert record in one line, for JUnit, Allure and the console. */
export function alertLine(a: AlertRecord): string {
  if (a.falseAlarm) return `FALSE ALARM ${a.alert}${a.node ? ` for ${a.node}` : ''}: firing since ${a.firedAt} during the steady state`;
  const fired = a.firedAt === null ? `did not fire within ${s(a.alertBoundSeconds)}` : `fired after ${s(a.alertSeconds)} (bound ${s(a.alertBoundSeconds)}, startsAt ${a.firedAt})`;
  const resolved = a.resolveSeconds === undefined ? '' : a.resolveSeconds === null ? '; did not resolve' : `; resolved ${s(a.resolveSeconds)} after the fault (bound ${s(a.resolveBoundSeconds)})`;
  const remediation = remediationText(a);
  return `${a.met ? 'ok' : 'NOT MET'} ${a.alert}${a.node ? ` for ${a.node}` : ''}: ${fired}${resolved}${remediation ? `; ${remediation}` : ''}${a.silencedBy?.length ? `; silenced by ${a.silencedBy.join(', ')}` : ''}`;
}

/** alertLines: every alert line of a scenario (empty when it watched no alerts). */
export function alertLines(scenario: ScenarioSummary): string[] {
  return (scenario.alerts ?? []).map(alertLine);
}
