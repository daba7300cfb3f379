/**
 * Run directories: reports/<run-id>/ holds everything one run wrote; reports/latest points at the newest.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** newRunId: sortable by time, unique: "2026-11-27T18-34-10Z-3fa2". */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function createRunDirectory(reportsDir: string, runId: string): string {
  const dir = join(reportsDir, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** pointLatestAt: reports/latest → <run-id> (a relative symlink, so the reports folder can be moved). */
export function pointLatestAt(reportsDir: string, runId: string): void {
  const latest = join(reportsDir, 'latest');
  rmSync(latest, { force: true });
  symlinkSync(runId, latest);
}
