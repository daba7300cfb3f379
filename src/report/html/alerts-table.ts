/**
 * The alerts of one scenario on the run page (issue 15): per alert the time to alert (Alertmanager's startsAt
 * after the injection), the time to resolve (after the fault), the remediation from the audit log — or "no
 * remediation configured" — and false alarms in the steady state.
 */
import type { AlertRecord } from '../../model/summary';
import { remediationText } from '../alerts';
import { text } from './escape';
import { seconds } from './format';

const within = (value: number | null | undefined, bound: number | undefined): string =>
  value === null || value === undefined ? '<span class="missed">never</span>' : `${text(seconds(value))}${bound !== undefined ? ` <span class="muted">(bound ${text(seconds(bound))})</span>` : ''}`;

/** alertsTable: the scenario's alert records as a table. */
export function alertsTable(alerts: readonly AlertRecord[]): string {
  const rows = alerts.map((a) => {
    const fired = a.falseAlarm ? `<span class="missed">false alarm: firing since ${text(a.firedAt ?? '?')} in the steady state</span>` : within(a.alertSeconds, a.alertBoundSeconds);
    const resolved = a.resolveSeconds === undefined ? '<span class="muted">—</span>' : within(a.resolveSeconds, a.resolveBoundSeconds);
    const remediation = remediationText(a);
    return (
      '<tr>' +
      `<td class="mono">${text(a.alert)}</td>` +
      `<td>${text(a.node ?? '—')}</td>` +
      `<td>${fired}</td>` +
      `<td>${resolved}</td>` +
      `<td>${remediation ? text(remediation) : '<span class="muted">—</span>'}${a.silencedBy?.length ? ` <span class="muted">(silenced by ${text(a.silencedBy.join(', '))})</span>` : ''}</td>` +
      `<td>${a.met ? '<span class="met">✓ met</span>' : '<span class="missed">✗ missed</span>'}</td>` +
      '</tr>'
    );
  });
  return (
    '<table class="alerts"><thead><tr><th>alert</th><th>node</th><th title="Alertmanager startsAt after the injection">time to alert</th>' +
    '<th title="resolution after the end of the fault">time to resolve</th><th title="from the remediation service\'s audit log">remediation</th><th>met</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}
