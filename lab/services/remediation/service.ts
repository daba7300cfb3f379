/**
 * The remediation service: an Alertmanager webhook receiver that answers alerts with actions from its policy and
 * records everything in its audit log (issue 15: "traceable actions"). HTTP on one address:
 *   POST /alerts   Alertmanager's webhook (payload version 4); answered at once, the actions run after
 *   GET  /audit    the audit log as JSON lines; ?since=N gives the entries numbered above N
 *   GET  /healthz  200 "ok"
 * One firing alert (fingerprint + startsAt) is remediated once, however often Alertmanager repeats it; every
 * notification (firing or resolved, with Alertmanager's own startsAt and endsAt) is recorded once.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Environment } from '../../../src/model/environment';
import type { AuditAlert } from '../../../src/kinds/alerting/audit-entry';
import { AuditLog } from './audit-log';
import { parsePolicy, Policy, PolicyError, rulesFor, targetNode } from './policy';
import { ActionOutcome, runAction } from './actions';

/** WebhookAlert: one alert of Alertmanager's webhook payload. */
interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface RemediationOptions {
  env: Environment;
  policyPath: string;
  audit: AuditLog;
  log: (line: string) => void;
  /** Runs an action; the real one by default (tests may count calls). */
  act?: typeof runAction;
}

export class RemediationService {
  private readonly seen = new Set<string>();
  private policy: Policy = { rules: [] };
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: RemediationOptions) {}

  /** loadPolicy: reads the policy file again; a broken file keeps the previous policy (and says so). */
  private loadPolicy(): Policy {
    try {
      this.policy = parsePolicy(readFileSync(this.options.policyPath, 'utf8'), this.options.policyPath);
    } catch (error) {
      this.options.log(`policy not reloaded, the previous one stays: ${error instanceof PolicyError || error instanceof Error ? error.message : String(error)}`);
    }
    return this.policy;
  }

  /** receive: records the payload's alerts and queues their remediations; resolves once they are queued. */
  receive(payload: { alerts?: WebhookAlert[] }): void {
    const alerts = Array.isArray(payload.alerts) ? payload.alerts : [];
    for (const raw of alerts) {
      const alert: AuditAlert = { name: raw.labels.alertname ?? '', fingerprint: raw.fingerprint, status: raw.status, labels: raw.labels, startsAt: raw.startsAt, endsAt: raw.endsAt };
      const noticeKey = `${alert.fingerprint}|${alert.startsAt}|${alert.status}`;
      if (this.seen.has(noticeKey)) continue;
      this.seen.add(noticeKey);
      this.options.audit.append({ type: 'notification', alert });
      if (alert.status === 'firing') this.queue = this.queue.then(() => this.remediate(alert));
    }
  }

  /** idle: resolves when every queued remediation has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async remediate(alert: AuditAlert): Promise<void> {
    const rules = rulesFor(this.loadPolicy(), alert.name);
    if (rules.length === 0) {
      this.options.audit.append({ type: 'no-policy', alert });
      return;
    }
    for (const rule of rules) {
      const node = targetNode(rule, alert.labels);
      const start = new Date().toISOString();
      const outcome: ActionOutcome = node === undefined
        ? { what: rule.action, result: 'failed', output: `the alert has no label ${rule.nodeLabel} naming a node` }
        : await (this.options.act ?? runAction)(this.options.env, rule, node, alert.labels);
      const end = new Date().toISOString();
      this.options.audit.append({ type: 'action', alert, rule: rule.name, action: rule.action, target: { node: node ?? '', what: outcome.what }, start, end, result: outcome.result, output: outcome.output });
      this.options.log(`${rule.name} on ${node ?? '?'} for ${alert.name} (${alert.fingerprint}): ${outcome.result}: ${outcome.output}`);
    }
  }

  /** listen: serves the webhook, the audit log and the health check on `host:port`. */
  listen(host: string, port: number): Promise<Server> {
    const server = createServer((request, response) => void this.handle(request, response));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://service');
    const reply = (status: number, body: string, type = 'text/plain'): void => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    if (request.method === 'GET' && url.pathname === '/healthz') return reply(200, 'ok\n');
    if (request.method === 'GET' && url.pathname === '/audit') {
      const since = Number(url.searchParams.get('since') ?? '0');
      return reply(200, this.options.audit.since(Number.isFinite(since) ? since : 0).map((e) => `${JSON.stringify(e)}\n`).join(''), 'application/x-ndjson');
    }
    if (request.method === 'POST' && url.pathname === '/alerts') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      try {
        this.receive(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: WebhookAlert[] });
      } catch (error) {
        return reply(400, `not an Alertmanager webhook payload: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      return reply(200, 'ok\n');
    }
    return reply(404, 'GET /audit, GET /healthz, POST /alerts\n');
  }
}
