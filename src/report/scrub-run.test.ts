import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetSecretsForTests, registerSecret } from '../kernel/secrets';
import { scrubRunDirectory } from './scrub-run';

describe('scrubRunDirectory', () => {
  afterEach(() => forgetSecretsForTests());

  it('rewrites every text file that holds a secret, in subdirectories too, and leaves binary files alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-scrub-'));
    try {
      mkdirSync(join(dir, 'allure-results'));
      writeFileSync(join(dir, 'summary.json'), '{"reason":"GET http://u:tok-en-123@h/ failed"}');
      writeFileSync(join(dir, 'allure-results', 'a-attachment.csv'), 'x,tok-en-123\n');
      writeFileSync(join(dir, 'junit.xml'), '<testsuites/>');
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, ...Buffer.from('tok-en-123')]);
      writeFileSync(join(dir, 'plot.png'), png);
      registerSecret('tok-en-123');
      assert.deepEqual(scrubRunDirectory(dir).sort(), ['allure-results/a-attachment.csv', 'summary.json']);
      assert.equal(readFileSync(join(dir, 'summary.json'), 'utf8'), '{"reason":"GET http://u:***@h/ failed"}');
      assert.equal(readFileSync(join(dir, 'allure-results', 'a-attachment.csv'), 'utf8'), 'x,***\n');
      assert.deepEqual(readFileSync(join(dir, 'plot.png')), png);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does nothing when no secret is registered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-scrub-'));
    writeFileSync(join(dir, 'summary.json'), 'http://u:pass-word@h/');
    assert.deepEqual(scrubRunDirectory(dir), []);
    rmSync(dir, { recursive: true, force: true });
  });
});
