/**
 * The entries of the remediation service's audit log (lab/services/remediation/, served at GET /audit as JSON
 * lines): what the runner reads to judge "the remediation acts on node-2" and to time it. Any remediation service
 * that serves these lines can be judged the same way.
 */

/** AuditAlert: the alert an entry is about, as Alertmanager sent it. */
export interface AuditAlert {
  name: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/**
 * AuditEntry: `notification` — an alert as Alertmanager sent it (firing or resolved, with its own startsAt and
 * endsAt); `action` — a remediation ran (rule, action, target, start, end, result, output); `no-policy` — a firing
 * alert no rule answers.
 */
export type AuditEntry =
  | { seq: number; type: 'notification'; at: string; alert: AuditAlert }
  | { seq: number; type: 'no-policy'; at: string; alert: AuditAlert }
  | {
      seq: number;
      type: 'action';
      at: string;
      alert: AuditAlert;
      rule: string;
      action: string;
      target: { node: string; what: string };
      start: string;
      end: string;
      result: 'ok' | 'failed' | 'skipped';
      output: string;
    };

/** AuditEntryInput: an entry before it is numbered and stamped. */
export type AuditEntryInput = AuditEntry extends infer E ? (E extends AuditEntry ? Omit<E, 'seq' | 'at'> : never) : never;

/** parseAuditLog: the entries of an audit log's text; a torn last line (a crash mid-write) is left out. */
export function parseAuditLog(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch {
      // a torn line: the service died while writing it, so it was never served
    }
  }
  return entries;
}
