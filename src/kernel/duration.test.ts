import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration';
import { BadInput } from './errors';

describe('parseDuration', () => {
  it('reads the units SREs write', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
  });

  it('refuses words, missing units and negative numbers with a fix', () => {
    for (const text of ['fast', '30', '-1s', '1 d', '']) {
      assert.throws(() => parseDuration(text, { file: 'x.feature', line: 4 }), (error: unknown) => {
        assert.ok(error instanceof BadInput);
        assert.match(error.describe(), /^x\.feature:4: ".*" is not a duration\n {2}fix: write a number followed by ms, s, m or h/);
        return true;
      });
    }
  });
});

describe('formatDuration', () => {
  it('picks a unit that reads well', () => {
    assert.equal(formatDuration(850), '850ms');
    assert.equal(formatDuration(1234), '1.23s');
    assert.equal(formatDuration(12_345), '12.3s');
    assert.equal(formatDuration(125_000), '2m05s');
  });

  it('rounds before choosing the unit', () => {
    assert.equal(formatDuration(999.7), '1.00s');
    assert.equal(formatDuration(9999.9), '10.0s');
    assert.equal(formatDuration(59_990), '1m00s');
    assert.equal(formatDuration(119_600), '2m00s');
  });
});
