import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary, ScenarioSummary, Verdict } from '../model/summary';
import { escapeXml, toJunitXml } from './junit';

// ---- a strict little XML reader: fails on anything not well-formed, decodes what it reads ----

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids are control characters
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

function decode(raw: string, where: number): string {
  if (FORBIDDEN.test(raw)) throw new Error(`character not allowed in XML 1.0 near offset ${where}`);
  return raw.replace(/&([^;]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated entity near offset ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[name] !== undefined) return named[name];
    const numeric = /^#(\d+)$|^#x([0-9a-fA-F]+)$/.exec(name);
    if (!numeric) throw new Error(`unknown entity &${name}; near offset ${where}`);
    const code = numeric[1] !== undefined ? Number(numeric[1]) : parseInt(numeric[2] as string, 16);
    const c = String.fromCodePoint(code);
    if (FORBIDDEN.test(c)) throw new Error(`reference to a forbidden character near offset ${where}`);
    return c;
  });
}

function parseXml(xml: string): XmlElement {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  assert.ok(xml.startsWith(prolog), 'starts with the XML declaration');
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  let pos = prolog.length;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at offset ${pos}: ${JSON.stringify(xml.slice(pos, pos + 30))}`);
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1] !== undefined) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}> at offset ${pos}`);
      stack.pop();
    } else if (m[2] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if ((a[1] as string) in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1] as string] = decode(a[2] as string, pos);
      }
      const element: XmlElement = { name: m[2], attrs, children: [], text: '' };
      top.children.push(element);
      if (m[4] !== '/') stack.push(element);
    } else {
      const text = decode(m[5] as string, pos);
      if (top === root && text.trim() !== '') throw new Error('text outside the root element');
      top.text += text;
    }
    pos = token.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${(stack[stack.length - 1] as XmlElement).name}>`);
  assert.equal(root.children.length, 1, 'exactly one root element');
  return root.children[0] as XmlElement;
}

function all(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => (c.name === name ? [c, ...all(c, name)] : all(c, name)));
}

// ---- fixtures ----

let line = 1;
function scenario(feature: string, name: string, verdict: Verdict, overrides: Partial<ScenarioSummary> = {}): ScenarioSummary {
  line += 5;
  return {
    id: `${feature}:${line}`,
    name,
    feature,
    line,
    tags: [],
    verdict,
    asExpected: verdict === 'passed',
    faults: [],
    slos: [],
    recovery: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:10.000Z',
    durationSeconds: 10,
    ...overrides,
  };
}

function run(scenarios: ScenarioSummary[]): RunSummary {
  const counts: Record<Verdict, number> = { passed: 0, failed: 0, 'not-steady': 0, aborted: 0, compromised: 0 };
  for (const s of scenarios) counts[s.verdict] += 1;
  return {
    runId: '20250101-000000',
    environment: 'lab',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:05:00.000Z',
    scenarios,
    counts,
    resilienceScore: 0.5,
    exitCode: 1,
  };
}

const A = 'features/lab/isolate-node.feature';
const B = 'features/lab/kill-backend.feature';

const refuted = scenario(A, 'Isolating a node keeps the site up', 'failed', {
  reason: 'availability during the fault was 97.3%, below availability >= 99%',
  durationSeconds: 61.25,
  slos: [
    { probe: 'web', expression: 'availability >= 99%', phase: 'during', observed: 0.973, observedText: '97.3%', met: false, samples: 1200 },
  ],
  recovery: [{ probe: 'web', detectSeconds: 1.5, recoverSeconds: 12, boundSeconds: 30, met: true, from: 'revert' }],
  evidence: { window: 'during', observed: 0.973 },
});
const summary = run([
  scenario(A, 'Steady web service', 'passed', { durationSeconds: 5.5 }),
  refuted,
  scenario(B, 'Killing a backend is healed', 'compromised', { reason: 'could not kill: no process matched' }),
  scenario(B, 'Healing under load', 'not-steady', { reason: 'availability before the fault was 90%' }),
  scenario(B, 'Halted by the floor', 'aborted', { reason: 'halt: availability fell below 50%' }),
  scenario(B, 'Only backend down breaks the site', 'failed', {
    tags: ['@lab', '@expect-failed'],
    expectedVerdict: 'failed',
    asExpected: true,
    reason: 'availability during the fault was 0%',
  }),
]);

describe('toJunitXml', () => {
  const doc = parseXml(toJunitXml(summary));
  const cases = all(doc, 'testcase');
  const byName = (name: string): XmlElement => {
    const found = cases.find((c) => c.attrs.name === name);
    assert.ok(found, `test case "${name}"`);
    return found;
  };

  it('writes one testsuite per feature file, in order, with one testcase per scenario', () => {
    assert.equal(doc.name, 'testsuites');
    const suites = all(doc, 'testsuite');
    assert.deepEqual(
      suites.map((s) => [s.attrs.name, all(s, 'testcase').length]),
      [
        [A, 2],
        [B, 4],
      ],
    );
    assert.deepEqual(byName('Isolating a node keeps the site up').attrs, {
      classname: A,
      name: 'Isolating a node keeps the site up',
      time: '61.250',
      file: A,
    });
  });

  it('reports a refuted hypothesis as <failure type="failed"> with reason and SLO evidence', () => {
    const [failure, ...rest] = byName('Isolating a node keeps the site up').children;
    assert.equal(rest.length, 0);
    assert.equal(failure?.name, 'failure');
    assert.deepEqual(failure?.attrs, { message: refuted.reason, type: 'failed' });
    assert.match(failure?.text ?? '', /^availability during the fault was 97\.3%/);
    assert.match(failure?.text ?? '', /during +✗ web {2}availability >= 99% +observed 97\.3% \(1200 samples\)/);
    assert.match(failure?.text ?? '', /recovery +✓ web: detect 1\.50s, recover 12\.0s \(bound 30\.0s, from revert\)/);
    assert.match(failure?.text ?? '', /^ {2}observed: 0\.973$/m);
  });

  it('reports not-steady as a failure, compromised and aborted as errors', () => {
    const kinds = ['Healing under load', 'Killing a backend is healed', 'Halted by the floor'].map((name) => {
      const child = byName(name).children[0];
      return [child?.name, child?.attrs.type];
    });
    assert.deepEqual(kinds, [
      ['failure', 'not-steady'],
      ['error', 'compromised'],
      ['error', 'aborted'],
    ]);
    assert.equal(byName('Killing a backend is healed').children[0]?.attrs.message, 'could not kill: no process matched');
  });

  it('passes a scenario that failed as expected and explains it in <system-out>', () => {
    const expected = byName('Only backend down breaks the site');
    assert.deepEqual(
      expected.children.map((c) => c.name),
      ['system-out'],
    );
    assert.match(expected.children[0]?.text ?? '', /^failed as expected \(@expect-failed\)\navailability during the fault was 0%/);
  });

  it('passes a passed scenario without failure or error', () => {
    const passed = byName('Steady web service');
    assert.ok(passed.children.every((c) => c.name === 'system-out'));
  });

  it('totals tests, failures, errors, skipped and time on every suite and on testsuites', () => {
    const totals = (e: XmlElement): string[] =>
      [e.attrs.tests, e.attrs.failures, e.attrs.errors, e.attrs.skipped, e.attrs.time] as string[];
    const [suiteA, suiteB] = all(doc, 'testsuite') as [XmlElement, XmlElement];
    assert.deepEqual(totals(suiteA), ['2', '1', '0', '0', '66.750']);
    assert.deepEqual(totals(suiteB), ['4', '1', '2', '0', '40.000']);
    assert.deepEqual(totals(doc), ['6', '2', '2', '0', '106.750']);
  });

  it('names the environment and run id as suite properties', () => {
    const properties = all(all(doc, 'testsuite')[0] as XmlElement, 'property').map((p) => [p.attrs.name, p.attrs.value]);
    assert.deepEqual(properties, [
      ['environment', 'lab'],
      ['runId', '20250101-000000'],
    ]);
  });

  it('escapes markup, quotes, newlines and control characters so the document stays well-formed', () => {
    const nasty = 'a <b> & "c" \'d\'\n\tline2\r\x1b[31mred\x00 ]]> \ud800 end';
    const xml = toJunitXml(
      run([scenario('features/<odd>&"x".feature', nasty, 'failed', { reason: nasty, evidence: { note: nasty } })]),
    );
    // eslint-disable-next-line no-control-regex -- checks that raw control characters are absent
    assert.ok(!/[\x00\x1b]/.test(xml), 'no raw forbidden character');
    const parsed = parseXml(xml);
    const testcase = all(parsed, 'testcase')[0] as XmlElement;
    const visible = 'a <b> & "c" \'d\'\n\tline2\r\\u001b[31mred\\u0000 ]]> \\ud800 end';
    assert.equal(testcase.attrs.name, visible);
    assert.equal(testcase.attrs.classname, 'features/<odd>&"x".feature');
    assert.equal(testcase.children[0]?.attrs.message, visible);
    assert.ok(testcase.children[0]?.text.startsWith(visible));
  });

  it('makes test case names unique within a suite when scenarios share a name (outline examples)', () => {
    const xml = toJunitXml(run([scenario(A, 'Outline', 'passed', { line: 12 }), scenario(A, 'Outline', 'passed', { line: 13 })]));
    assert.deepEqual(
      all(parseXml(xml), 'testcase').map((c) => c.attrs.name),
      ['Outline (line 12)', 'Outline (line 13)'],
    );
  });

  it('writes an empty but valid document for a run without scenarios', () => {
    const empty = parseXml(toJunitXml(run([])));
    assert.equal(empty.attrs.tests, '0');
    assert.equal(empty.children.length, 0);
  });
});

describe('escapeXml', () => {
  it('escapes the five markup characters in attributes and keeps text readable', () => {
    assert.equal(escapeXml('<a href="x">&\'</a>', true), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href="x"&gt;&amp;\'&lt;/a&gt;');
  });

  it('keeps newline and tab as references in attributes and literally in text', () => {
    assert.equal(escapeXml('a\nb\tc\rd', true), 'a&#10;b&#9;c&#13;d');
    assert.equal(escapeXml('a\nb\tc\rd'), 'a\nb\tc&#13;d');
  });

  it('shows forbidden characters as \\uXXXX text and keeps valid astral characters', () => {
    assert.equal(escapeXml('\x00\x07\x1b\x7f\ufffe'), '\\u0000\\u0007\\u001b\\u007f\\ufffe');
    assert.equal(escapeXml('\udc00x\ud800'), '\\udc00x\\ud800');
    assert.equal(escapeXml('ok 😀 ✓'), 'ok 😀 ✓');
  });
});
