import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropHistoryOf, withoutAnalytics } from './render';
import { journalExcerpt } from './attachments';

describe('withoutAnalytics', () => {
  it('cuts the Google Analytics loader and its configuration out of the Awesome page, nothing else', () => {
    const page = [
      '<script src="app-1.js"></script>',
      '    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>',
      '    <script>',
      '        window.dataLayer = window.dataLayer || [];',
      '        function gtag(){dataLayer.push(arguments);}',
      "        gtag('config', 'G-LNDJ3J7WT0', {});",
      '    </script>',
      '<script async>window.allureReportDataReady = true;</script>',
    ].join('\n');
    assert.equal(withoutAnalytics(page), '<script src="app-1.js"></script>\n\n<script async>window.allureReportDataReady = true;</script>');
  });

  it('refuses a page it cannot clean, naming what to update', () => {
    assert.throws(() => withoutAnalytics('<script src="https://www.googletagmanager.com/gtm.js"></script>'), /update ANALYTICS in src\/report\/allure\/render\.ts/);
  });
});

describe('dropHistoryOf', () => {
  it('removes the lines of an earlier render of the same report and keeps the rest byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-history-'));
    try {
      const path = join(dir, 'history.jsonl');
      const lines = ['{"name":"scs-chaos r1 (lab)","uuid":"a"}', '{"name":"scs-chaos r2 (lab)","uuid":"b"}', 'not json', '{"name":"scs-chaos r2 (lab)","uuid":"c"}'];
      writeFileSync(path, `${lines.join('\n')}\n`);
      dropHistoryOf(path, 'scs-chaos r2 (lab)');
      assert.equal(readFileSync(path, 'utf8'), '{"name":"scs-chaos r1 (lab)","uuid":"a"}\nnot json\n');
      dropHistoryOf(join(dir, 'missing.jsonl'), 'x'); // no file: nothing to do
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('journalExcerpt', () => {
  it('keeps the lines of the scenario and of its injections, verbatim', () => {
    const lines = [
      '{"type":"inject-intent","injectionId":"aa","scenario":"f.feature:3"}',
      '{"type":"inject-intent","injectionId":"bb","scenario":"f.feature:9"}',
      '{"type":"injected","injectionId":"aa"}',
      '{"type":"revert-intent", "injectionId":"aa","reason":"x"}',
      '{"type":"reverted","injectionId":"bb"}',
      '{"type":"injected","injectionId":"a',
    ];
    assert.deepEqual(journalExcerpt(lines, { id: 'f.feature:3', faults: [] }), [lines[0], lines[2], lines[3]]);
  });
});
