import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from './audit-log';
import { parseAuditLog } from '../../../src/kinds/alerting/audit-entry';

const alert = { name: 'WebBackendDown', fingerprint: 'f1', status: 'firing' as const, labels: { alertname: 'WebBackendDown', node: 'node-2' }, startsAt: '2026-01-01T00:00:00.000Z', endsAt: '0001-01-01T00:00:00Z' };

describe('audit log', () => {
  it('numbers, stamps and writes each entry at once; a restart continues the numbers; a torn last line is left out', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'scs-audit-')), 'audit.jsonl');
    const log = new AuditLog(path);
    log.append({ type: 'notification', alert });
    const action = log.append({ type: 'action', alert, rule: 'restart-backend', action: 'start-service', target: { node: 'node-2', what: 'supervisor program web' }, start: 'a', end: 'b', result: 'ok', output: 'started' });
    assert.equal(action.seq, 2);
    assert.equal(parseAuditLog(readFileSync(path, 'utf8')).length, 2, 'on disk before append returned');
    log.close();
    appendFileSync(path, '{"seq":3,"type":"no-pol');
    const again = new AuditLog(path);
    assert.equal(again.append({ type: 'no-policy', alert }).seq, 3);
    assert.deepEqual(again.since(1).map((e) => e.type), ['action', 'no-policy']);
    assert.deepEqual(parseAuditLog(readFileSync(path, 'utf8')).map((e) => e.seq), [1, 2, 3], 'the entry after a torn line is readable on disk');
    again.close();
  });
});
