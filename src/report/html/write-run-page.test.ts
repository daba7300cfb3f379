import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../kernel/errors';
import { timelinePlotPath, writeRunPage } from './write-run-page';

const FIXTURES = join(__dirname, 'fixtures');

/** withRunDir: a temporary copy of the sample run directory, removed afterwards. */
function withRunDir(body: (runDir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-html-'));
  try {
    cpSync(join(FIXTURES, 'sample-run'), dir, { recursive: true });
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('writeRunPage', () => {
  it('writes index.html into the run directory, with the plot the run directory holds', () => {
    withRunDir((runDir) => {
      const path = writeRunPage(runDir);
      assert.equal(path, join(runDir, 'index.html'));
      const html = readFileSync(path, 'utf8');
      assert.match(html, /<title>scs-chaos run 2026-11-27T21-24-29Z-0fcf<\/title>/);
      assert.equal((html.match(/<figure class="plot"><!--[\s\S]*?<svg /g) ?? []).length, 1);
      assert.equal((html.match(/<p class="no-plot">no plot<\/p>/g) ?? []).length, 2);
      assert.doesNotMatch(html, /vs baseline/);
    });
  });

  it('reads the plot from scenarios/<slug>/timeline.svg, the slug of scenario-files.ts', () => {
    withRunDir((runDir) => {
      assert.equal(timelinePlotPath(runDir, { id: 'features/lab/halt-on-floor.feature:7' }), join(runDir, 'scenarios', 'lab-halt-on-floor-7', 'timeline.svg'));
      mkdirSync(join(runDir, 'scenarios', 'lab-halt-on-floor-7'));
      writeFileSync(timelinePlotPath(runDir, { id: 'features/lab/halt-on-floor.feature:7' }), '<svg><text>halt plot</text></svg>');
      const html = readFileSync(writeRunPage(runDir), 'utf8');
      assert.match(html, /<figure class="plot"><svg><text>halt plot<\/text><\/svg><\/figure>/);
    });
  });

  it('compares with a baseline run directory', () => {
    withRunDir((runDir) => {
      const html = readFileSync(writeRunPage(runDir, join(FIXTURES, 'baseline-run')), 'utf8');
      assert.match(html, /compared with baseline run <span class="mono">2026-11-26T21-10-02Z-a1b2<\/span>/);
      assert.match(html, /<span class="delta faster"[^>]*>-0\.35 s \(-100 %\)<\/span>/);
    });
  });

  it('refuses a directory without summary.json, or with one that is broken, naming the file', () => {
    withRunDir((runDir) => {
      const missing = join(runDir, 'scenarios');
      assert.throws(() => writeRunPage(missing), (error: unknown) => error instanceof BadInput && error.message.includes(join(missing, 'summary.json')));
      assert.throws(() => writeRunPage(runDir, missing), (error: unknown) => error instanceof BadInput && /cannot read .*summary\.json/.test(error.message));
      writeFileSync(join(runDir, 'summary.json'), '{"runId": "x", ');
      assert.throws(() => writeRunPage(runDir), (error: unknown) => error instanceof BadInput && /summary\.json is not valid JSON/.test(error.message));
      writeFileSync(join(runDir, 'summary.json'), '{"passed": true}');
      assert.throws(() => writeRunPage(runDir), (error: unknown) => error instanceof BadInput && /is not a run summary/.test(error.message));
    });
  });
});
