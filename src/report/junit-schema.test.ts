/**
 * junit.xml against schemas/junit.xsd with xmllint (Debian's libxml2-utils, installed by lab/install-packages.sh):
 * a real run's junit.xml and what toJunitXml writes for every verdict are valid; broken documents are not.
 * Skipped, saying why, where xmllint is missing — except in CI, where a missing install step must fail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJunitXml } from './junit';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';

const XSD = join(__dirname, '..', '..', 'schemas', 'junit.xsd');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const skip = hasXmllint || process.env.CI === 'true' ? false : 'xmllint is missing: run lab/install-packages.sh as root (Debian libxml2-utils)';

describe('schemas/junit.xsd checked by xmllint', { skip }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scs-chaos-junit-xsd-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** xmllint's verdict on `xml`: exit code and its messages. */
  function check(xml: string, name: string): { code: number | null; output: string } {
    const file = join(dir, `${name}.xml`);
    writeFileSync(file, xml);
    const result = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', timeout: 30_000 });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('validates the junit.xml of a real run', () => {
    const result = check(readFileSync('test/fixtures/sample-run/junit.xml', 'utf8'), 'sample');
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /validates/);
  });

  it('validates what toJunitXml writes for every verdict, expected ones, odd characters and an empty run', () => {
    const run = runSummary([
      scenarioSummary('passed', { recovery: [recoveryOf('web', 1)] }),
      scenarioSummary('failed', { reason: 'availability <95% & "low"' }),
      scenarioSummary('failed', { feature: 'features/lab/other.feature', tags: ['@expect-failed'], expectedVerdict: 'failed', asExpected: true, reason: 'as declared' }),
      scenarioSummary('not-steady', { reason: 'not steady\x1b[31m' }),
      scenarioSummary('aborted', { reason: 'halt' }),
      scenarioSummary('compromised', { name: 'ünïcödé 😀 <x>', reason: 'could not inject' }),
    ]);
    for (const [name, xml] of [
      ['all-verdicts', toJunitXml(run)],
      ['empty', toJunitXml(runSummary([]))],
    ] as const) {
      const result = check(xml, name);
      assert.equal(result.code, 0, `${name}: ${result.output}`);
    }
  });

  it('rejects broken documents, naming the problem', () => {
    const good = toJunitXml(runSummary([scenarioSummary('failed', { reason: 'refuted' })]));
    const broken: Array<[string, string, RegExp]> = [
      ['no-time', good.replace(/(<testcase[^>]*?) time="[^"]*"/, '$1'), /attribute 'time' is required/],
      ['bad-count', good.replace(/tests="1"/, 'tests="one"'), /'one' is not a valid value/],
      ['failure-without-type', good.replace(/ type="failed"/, ''), /attribute 'type' is required/],
      ['two-problems', good.replace(/(<failure[\s\S]*?<\/failure>)/, '$1$1'), /failure.*not expected/],
      ['not-well-formed', good.replace('</testsuites>', ''), /Premature end of data|EndTag|parser error/i],
      ['wrong-root', good.replace(/testsuites/g, 'results'), /No matching global declaration|not expected/i],
    ];
    for (const [name, xml, why] of broken) {
      assert.notEqual(xml, good, `${name}: the fixture was changed`);
      const result = check(xml, name);
      assert.notEqual(result.code, 0, `${name} was accepted`);
      assert.match(result.output, why, name);
    }
  });
});
