/**
 * The remediation service behind a real Alertmanager (Debian's prometheus-alertmanager on 127.0.0.1): alerts
 * posted to Alertmanager reach the service through its webhook; each firing alert is remediated once however
 * often Alertmanager repeats it, an alert no rule answers is recorded as such, and a resolved one carries
 * Alertmanager's own endsAt — all served back at GET /audit. The action itself is the RecordingActionDouble (the
 * real actions act on lab nodes, which test/lab/alerts.test.ts covers). Skips where Alertmanager is not installed.
 */
import '../../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvironment } from '../../../src/environment/load';
import { parseAuditLog, AuditEntry } from '../../../src/kinds/alerting/audit-entry';
import { freePort } from '../../../test/support/free-port';
import { waitUntil } from '../../../test/support/wait-until';
import { alertmanagerConfigYaml } from '../../alerting/config';
import { AuditLog } from './audit-log';
import type { runAction } from './actions';
import { RemediationService } from './service';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const skip = existsSync(ALERTMANAGER) ? false : 'Alertmanager is not installed (bash lab/install-packages.sh --with-alerting)';

/** RecordingActionDouble: stands in for the node actions; records each call and answers "ok". */
function recordingActionDouble(calls: string[]): typeof runAction {
  return async (_env, rule, node) => {
    calls.push(`${rule.name}@${node}`);
    return { what: `double for ${rule.action}`, result: 'ok', output: 'recorded' };
  };
}

describe('remediation service behind a real Alertmanager', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'scs-remediation-'));
  const calls: string[] = [];
  let am: ChildProcess;
  let server: Server;
  let amUrl = '';
  let serviceUrl = '';
  let audit: AuditLog;

  before(async () => {
    const [amPort, servicePort] = [await freePort(), await freePort()];
    amUrl = `http://127.0.0.1:${amPort}`;
    serviceUrl = `http://127.0.0.1:${servicePort}`;
    writeFileSync(join(dir, 'am.yml'), alertmanagerConfigYaml({ webhookUrl: `${serviceUrl}/alerts` }));
    writeFileSync(join(dir, 'policy.yaml'), 'rules:\n  - { name: restart-backend, alert: WebBackendDown, action: start-service, service: web }\n');
    const env = parseEnvironment('name: t\nnodes:\n  - { name: node-2, address: 198.18.0.12, roles: [web], executor: { kind: local } }\nservices:\n  web: { roles: [web], port: 8080 }\nscope: { nodes: [node-2] }\n', join(dir, 'env.yaml'));
    audit = new AuditLog(join(dir, 'audit.jsonl'));
    const service = new RemediationService({ env, policyPath: join(dir, 'policy.yaml'), audit, log: () => undefined, act: recordingActionDouble(calls) });
    server = await service.listen('127.0.0.1', servicePort);
    am = spawn(ALERTMANAGER, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: 'ignore' });
    assert.ok(await waitUntil(async () => (await fetch(`${amUrl}/-/ready`).catch(() => undefined))?.ok === true, 15_000), 'waited for Alertmanager to be ready');
  });
  after(() => {
    am?.kill('SIGTERM');
    server?.close();
    audit?.close();
  });

  const post = async (alerts: object[]): Promise<void> => {
    const response = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    assert.equal(response.status, 200, await response.text());
  };
  const served = async (): Promise<AuditEntry[]> => parseAuditLog(await (await fetch(`${serviceUrl}/audit`)).text());

  it('remediates a firing alert once, records an unanswered one, and keeps Alertmanager\'s startsAt and endsAt', async () => {
    const startsAt = new Date(Date.now() - 1000).toISOString();
    const web = { labels: { alertname: 'WebBackendDown', node: 'node-2' }, startsAt };
    const disk = { labels: { alertname: 'NodeFilesystemAlmostOutOfSpace', node: 'node-1' }, startsAt };
    await post([web, disk]);
    assert.ok(await waitUntil(async () => (await served()).some((e) => e.type === 'action') && (await served()).some((e) => e.type === 'no-policy'), 10_000), 'waited for the action and the no-policy entry');
    await post([web]); // Alertmanager repeats a firing alert; the service must not act twice
    const endsAt = new Date().toISOString();
    await post([{ ...web, endsAt }]);
    assert.ok(await waitUntil(async () => (await served()).some((e) => e.type === 'notification' && e.alert.status === 'resolved'), 10_000), 'waited for the resolved notification');
    const entries = await served();
    assert.deepEqual(calls, ['restart-backend@node-2']);
    const action = entries.find((e) => e.type === 'action');
    assert.equal(action?.type === 'action' ? action.target.node : undefined, 'node-2');
    assert.equal(entries.find((e) => e.type === 'no-policy')?.alert.name, 'NodeFilesystemAlmostOutOfSpace');
    const resolved = entries.find((e) => e.type === 'notification' && e.alert.status === 'resolved');
    // The same instants (Alertmanager writes 12.45Z where JavaScript writes 12.450Z).
    assert.equal(Date.parse(resolved?.alert.startsAt ?? ''), Date.parse(startsAt), "Alertmanager's startsAt");
    assert.equal(Date.parse(resolved?.alert.endsAt ?? ''), Date.parse(endsAt), "Alertmanager's endsAt");
    const since = parseAuditLog(await (await fetch(`${serviceUrl}/audit?since=${entries.length - 1}`)).text());
    assert.deepEqual(since.map((e) => e.seq), [entries.length]);
  });

  it('refuses what is not a webhook payload and unknown paths', async () => {
    assert.equal((await fetch(`${serviceUrl}/alerts`, { method: 'POST', body: 'not json' })).status, 400);
    assert.equal((await fetch(`${serviceUrl}/nope`)).status, 404);
    assert.equal(await (await fetch(`${serviceUrl}/healthz`)).text(), 'ok\n');
  });
});
