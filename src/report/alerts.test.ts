import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRecord } from '../model/summary';
import { runSummary, scenarioSummary } from '../../test/support/run-summaries';
import { alertLine, alertSamples } from './alerts';
import { toExpositionText } from './pushgateway';
import { toJunitXml } from './junit';
import { verdictMarkdown } from './allure/description';
import { alertsTable } from './html/alerts-table';
import { evaluateGate } from '../gate/evaluate';
import { DEFAULT_POLICY, parseGatePolicy } from '../gate/policy';

const remediated: AlertRecord = {
  alert: 'WebBackendDown',
  node: 'node-2',
  firedAt: '2026-01-01T00:00:03.000Z',
  alertSeconds: 2.5,
  alertBoundSeconds: 5,
  resolvedAt: '2026-01-01T00:00:06.000Z',
  resolveSeconds: -9,
  resolveBoundSeconds: 5,
  remediation: { name: 'restart-backend', configured: true, action: 'start-service', node: 'node-2', expectedNode: 'node-2', startedAt: '2026-01-01T00:00:03.100Z', finishedAt: '2026-01-01T00:00:04.000Z', result: 'ok', output: 'started', auditSeq: 7, remediateSeconds: 3.5, boundSeconds: 12, met: true },
  met: true,
};
const unanswered: AlertRecord = { alert: 'NodeFilesystemAlmostOutOfSpace', node: 'node-1', firedAt: '2026-01-01T00:00:03.000Z', alertSeconds: 3.2, resolveSeconds: 1.1, remediation: { configured: false, met: true }, met: true };
const falseAlarm: AlertRecord = { alert: 'NodeDown', node: 'node-3', falseAlarm: true, firedAt: '2026-01-01T00:00:00.000Z', alertSeconds: null, met: false };
const run = runSummary([scenarioSummary('passed', { alerts: [remediated] }), scenarioSummary('passed', { line: 9, alerts: [unanswered] }), scenarioSummary('failed', { line: 12, alerts: [falseAlarm], reason: 'false alarm' })]);

describe('alert figures in the reports', () => {
  it('one line per alert: times, bounds, remediation or none configured, false alarms', () => {
    assert.equal(alertLine(remediated), 'ok WebBackendDown for node-2: fired after 2.50s (bound 5.00s, startsAt 2026-01-01T00:00:03.000Z); resolved -9.00s after the fault (bound 5.00s); restart-backend on node-2: ok after 3.50s (audit #7)');
    assert.match(alertLine(unanswered), /; no remediation configured$/);
    assert.equal(alertLine(falseAlarm), 'FALSE ALARM NodeDown for node-3: firing since 2026-01-01T00:00:00.000Z during the steady state');
  });

  it('Pushgateway: time to alert, resolve and remediate per scenario and alert, false alarms per scenario', () => {
    const text = toExpositionText(run);
    assert.match(text, /^scs_chaos_alert_seconds\{scenario="[^"]+",alert="WebBackendDown",node="node-2"\} 2\.5$/m);
    assert.match(text, /^scs_chaos_alert_resolve_seconds\{[^}]*alert="WebBackendDown"[^}]*\} -9$/m);
    assert.match(text, /^scs_chaos_remediation_seconds\{[^}]*remediation="restart-backend"\} 3\.5$/m);
    assert.match(text, /^scs_chaos_false_alarms\{scenario="[^"]+:12"\} 1$/m);
    assert.equal(alertSamples(runSummary([scenarioSummary('passed')])).length, 0, 'no alert series for scenarios without alerts');
  });

  it('JUnit, Allure and the run page carry them', () => {
    assert.match(toJunitXml(run), /alert +ok WebBackendDown for node-2: fired after 2\.50s/);
    assert.match(verdictMarkdown(run.scenarios[1] as NonNullable<(typeof run.scenarios)[1]>), /\| NodeFilesystemAlmostOutOfSpace \| node-1 \| 3\.2 \| 1\.1 \| no remediation configured \| yes \|/);
    const html = alertsTable([remediated, falseAlarm]);
    assert.match(html, /restart-backend on node-2: ok after 3\.50s \(audit #7\)/);
    assert.match(html, /false alarm: firing since/);
  });

  it('the gate bounds time to alert, resolve and remediate, and fails a run that judged no alert', () => {
    const checks = (policy: object, summary = run) => evaluateGate({ run: summary, policy: { ...DEFAULT_POLICY, ...policy }, policyPath: 'p.yaml' }).checks.filter((c) => c.rule.startsWith('alert') || c.rule.startsWith('remediation'));
    assert.deepEqual(checks({ maxAlertSeconds: 5, maxResolveSeconds: 5, maxRemediationSeconds: 5 }).map((c) => c.passed), [true, true, true]);
    const slow = checks({ maxRemediationSeconds: 3 });
    assert.equal(slow[0]?.passed, false);
    assert.match(slow[0]?.reason ?? '', /time to remediate above 3s: .* WebBackendDown for node-2 3\.5/);
    assert.match(checks({ maxAlertSeconds: 5 }, runSummary([scenarioSummary('passed')]))[0]?.reason ?? '', /the run judged none/);
    assert.deepEqual(checks({}), [], 'not asked, not checked');
    assert.equal(parseGatePolicy('maxAlertSeconds: 30\nmaxRemediationSeconds: 20\n', 'p.yaml').maxAlertSeconds, 30);
    assert.throws(() => parseGatePolicy('maxResolveSeconds: -1\n', 'p.yaml'), /maxResolveSeconds -1 is negative/);
  });
});
