/**
 * The remediation service's audit log: append-only JSON lines, each written and fsynced before the service goes
 * on, so an entry that was served was also on disk. Entries are numbered (`seq`, from 1, continued after a
 * restart) so a reader can ask for what came after the last entry it saw.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

import { AuditEntry, AuditEntryInput, parseAuditLog } from '../../../src/kinds/alerting/audit-entry';

export type { AuditEntry } from '../../../src/kinds/alerting/audit-entry';

export class AuditLog {
  private readonly fd: number;
  private readonly entries: AuditEntry[];

  constructor(readonly path: string) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    this.entries = parseAuditLog(text);
    this.fd = openSync(path, 'a', 0o644);
    // A torn last line (the service died mid-write) is closed, so the next entry starts on a line of its own.
    if (text !== '' && !text.endsWith('\n')) writeSync(this.fd, '\n');
  }

  /** append: numbers, stamps, writes and fsyncs one entry; returns it. */
  append(input: AuditEntryInput): AuditEntry {
    const entry = { seq: (this.entries.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(), ...input } as AuditEntry;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.entries.push(entry);
    return entry;
  }

  /** since: every entry numbered above `seq`. */
  since(seq: number): AuditEntry[] {
    return this.entries.filter((entry) => entry.seq > seq);
  }

  close(): void {
    closeSync(this.fd);
  }
}
