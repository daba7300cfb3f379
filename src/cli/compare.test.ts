import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../kernel/errors';
import { compareRuns } from './compare';

function summary(environment: string): string {
  const counts = { passed: 1, failed: 0, 'not-steady': 0, aborted: 0, compromised: 0 };
  const scenario = { id: 'f.feature:3', name: 's', feature: 'f.feature', line: 3, tags: [], verdict: 'passed', asExpected: true, faults: [], slos: [],
    recovery: [{ probe: 'web', detectSeconds: null, recoverSeconds: 0, boundSeconds: 5, met: true, from: 'revert' }], startedAt: '2026-12-06T03:00:00Z', finishedAt: '2026-12-06T03:00:09Z', durationSeconds: 9 };
  return JSON.stringify({ runId: `r-${environment}`, environment, startedAt: '2026-12-06T03:00:00Z', finishedAt: '2026-12-06T03:01:00Z', scenarios: [scenario], counts, resilienceScore: 1, exitCode: 0 });
}

test('compare writes the page and the JSON beside the runs, and refuses one run, the same run twice and a directory without a summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-cli-'));
  try {
    for (const name of ['a', 'b']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'summary.json'), summary(`cloud-${name}`));
    }
    mkdirSync(join(dir, 'empty'));
    const written = compareRuns([join(dir, 'a'), join(dir, 'b')]);
    assert.ok(written.html.startsWith(join(dir, 'compare-')), written.html);
    assert.equal(written.differing, 0);
    assert.match(readFileSync(written.html, 'utf8'), /cloud-a[\s\S]*cloud-b/);
    const refused = (dirs: string[], message: RegExp): void => assert.throws(() => compareRuns(dirs), (e: unknown) => e instanceof BadInput && message.test(e.message));
    refused([join(dir, 'a')], /at least two run directories, got 1/);
    refused([join(dir, 'a'), join(dir, 'a')], /are the same run directory/);
    refused([join(dir, 'a'), join(dir, 'empty')], /no readable summary\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
