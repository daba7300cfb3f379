import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary, ScenarioSummary, Verdict } from '../model/summary';
import { EXIT_CODE_MEANINGS, formatConsoleSummary, scenarioEvidence, verdictHeadline } from './console-summary';

function scenario(overrides: Partial<ScenarioSummary> = {}): ScenarioSummary {
  return {
    id: 'features/lab/isolate-node.feature:9',
    name: 'Isolating one web node keeps the site available',
    feature: 'features/lab/isolate-node.feature',
    line: 9,
    tags: ['@lab'],
    verdict: 'passed',
    asExpected: true,
    faults: [
      {
        injectionId: 'inj-1',
        kind: 'network-isolate',
        target: 'node-1',
        reversible: true,
        ttlSeconds: 120,
        injectedAt: '2025-01-01T00:00:10.000Z',
        observedAt: '2025-01-01T00:00:10.500Z',
        revertedAt: '2025-01-01T00:00:40.000Z',
      },
    ],
    slos: [
      { probe: 'web', expression: 'p(95) < 300ms', phase: 'after', observed: 41, observedText: '41ms', met: true, samples: 300 },
      { probe: 'web', expression: 'availability >= 99.5%', phase: 'before', observed: 1, observedText: '100%', met: true, samples: 300 },
      { probe: 'web', expression: 'availability >= 99%', phase: 'during', observed: 0.995, observedText: '99.5%', met: true, samples: 1200 },
    ],
    recovery: [{ probe: 'web', detectSeconds: 1.2, recoverSeconds: 4.8, boundSeconds: 30, met: true, from: 'revert' }],
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:05.000Z',
    durationSeconds: 65,
    ...overrides,
  };
}

function run(scenarios: ScenarioSummary[], overrides: Partial<RunSummary> = {}): RunSummary {
  const counts: Record<Verdict, number> = { passed: 0, failed: 0, 'not-steady': 0, aborted: 0, compromised: 0 };
  for (const s of scenarios) counts[s.verdict] += 1;
  return {
    runId: '20250101-000000',
    environment: 'lab',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:02:00.000Z',
    scenarios,
    counts,
    resilienceScore: scenarios.length === 0 ? null : scenarios.filter((s) => s.asExpected).length / scenarios.length,
    exitCode: 0,
    ...overrides,
  };
}

const refuted = scenario({
  id: 'features/lab/kill-backend.feature:4',
  name: 'Killing a backend is healed within 30s',
  feature: 'features/lab/kill-backend.feature',
  verdict: 'failed',
  asExpected: false,
  reason: 'availability during the fault was 97.3%, below the SLO availability >= 99%',
  faults: [
    {
      injectionId: 'inj-2',
      kind: 'process-kill',
      target: 'web on node-2',
      reversible: false,
      ttlSeconds: null,
      injectedAt: '2025-01-01T00:00:10.000Z',
      observedAt: '2025-01-01T00:00:10.200Z',
    },
  ],
  slos: [
    { probe: 'web', expression: 'availability >= 99%', phase: 'during', observed: 0.973, observedText: '97.3%', met: false, samples: 1200 },
    { probe: 'web', expression: 'p(95) < 300ms', phase: 'after', observed: null, observedText: 'no samples', met: false, samples: 0 },
  ],
  recovery: [{ probe: 'web', detectSeconds: null, recoverSeconds: null, boundSeconds: 30, met: false, from: 'injection' }],
});

describe('formatConsoleSummary', () => {
  const text = formatConsoleSummary(run([scenario(), refuted], { exitCode: 1 }));

  it('shows one block per scenario with verdict, name and id', () => {
    assert.match(text, /^PASSED {2}Isolating one web node keeps the site available$/m);
    assert.match(text, /^ {2}id {8}features\/lab\/isolate-node\.feature:9 \(1m05s\)$/m);
    assert.match(text, /^FAILED {2}Killing a backend is healed within 30s$/m);
  });

  it('lists faults with kind, target and whether they were observed and reverted', () => {
    assert.match(text, /^ {2}fault {5}network-isolate on node-1: observed, reverted$/m);
    assert.match(text, /^ {2}fault {5}process-kill on web on node-2: observed, one-shot, nothing to revert$/m);
  });

  it('lists SLO results in phase order with ✓/✗, expression and observed value', () => {
    const block = text.slice(0, text.indexOf('FAILED'));
    const phases = [...block.matchAll(/^ {2}(before|during|after) /gm)].map((m) => m[1]);
    assert.deepEqual(phases, ['before', 'during', 'after']);
    assert.match(text, /^ {2}during {4}✗ web {2}availability >= 99% +observed 97\.3% \(1200 samples\)$/m);
    assert.match(text, /^ {2}after {5}✗ web {2}p\(95\) < 300ms +no samples$/m);
    assert.match(text, /^ {2}before {4}✓ web {2}availability >= 99\.5% +observed 100% \(300 samples\)$/m);
  });

  it('shows recovery: detect and recover seconds against the bound', () => {
    assert.match(text, /^ {2}recovery {2}✓ web: detect 1\.20s, recover 4\.80s \(bound 30\.0s, from revert\)$/m);
    assert.match(text, /^ {2}recovery {2}✗ web: no breach seen, did not stabilize \(bound 30\.0s, from injection\)$/m);
  });

  it('ends with counts by verdict, the score and what the exit code means', () => {
    assert.match(text, /^2 scenarios: 1 passed, 1 failed, 0 not-steady, 0 aborted, 0 compromised$/m);
    assert.match(text, /^resilience score: 50%$/m);
    assert.match(text, /^exit code 1: a hypothesis was refuted: an SLO was missed\n$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('marks a scenario that failed as its @expect-failed tag said', () => {
    const expected = scenario({ ...refuted, tags: ['@lab', '@expect-failed'], expectedVerdict: 'failed', asExpected: true });
    assert.equal(verdictHeadline(expected), 'FAILED as expected (@expect-failed)');
    const out = formatConsoleSummary(run([expected]));
    assert.match(out, /^FAILED as expected \(@expect-failed\) {2}Killing a backend/m);
    assert.match(out, /^1 of them ended as expected by an @expect-… tag$/m);
  });

  it('notes a scenario that passed although it was expected to fail', () => {
    const out = formatConsoleSummary(run([scenario({ tags: ['@expect-failed'], expectedVerdict: 'failed' })]));
    assert.match(out, /^ {2}note {6}passed although @expect-failed expected it to end failed$/m);
  });

  it('shows a failed revert loudly', () => {
    const broken = scenario({
      verdict: 'compromised',
      asExpected: false,
      faults: [{ ...scenario().faults[0]!, revertedAt: undefined, revertError: 'nft: table not found' }],
    });
    assert.match(formatConsoleSummary(run([broken])), /network-isolate on node-1: observed, REVERT FAILED: nft: table not found/);
  });

  it('wraps a long reason within 100 characters and keeps every word', () => {
    const reason = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const out = formatConsoleSummary(run([scenario({ verdict: 'failed', asExpected: false, reason })]));
    const reasonLines = out.split('\n').filter((line) => /^ {2}(reason| {6}) {4}word/.test(line));
    assert.ok(reasonLines.length >= 3, 'reason spans several lines');
    for (const line of reasonLines) assert.ok(line.length <= 100, `line too long: ${line.length}`);
    assert.equal(reasonLines.map((l) => l.trim().replace(/^reason\s+/, '')).join(' '), reason);
  });

  it('keeps every line of a typical summary within 100 characters', () => {
    for (const line of text.split('\n')) assert.ok(line.length <= 100, `line too long (${line.length}): ${line}`);
  });

  it('uses ANSI colours only when asked', () => {
    assert.ok(!text.includes('\x1b['));
    const colored = formatConsoleSummary(run([refuted], { exitCode: 1 }), { color: true });
    assert.ok(colored.includes('\x1b[31m✗\x1b[0m'));
    assert.ok(colored.includes('FAILED\x1b[0m'));
  });

  it('shows control characters in names and reasons as visible escapes, never raw', () => {
    const out = formatConsoleSummary(
      run([scenario({ name: 'web\x1b[2J', verdict: 'failed', asExpected: false, reason: 'curl:\r\n\x1b[31mrefused\x00' })]),
    );
    // eslint-disable-next-line no-control-regex -- checks that raw control characters are absent
    assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(out), 'no raw control character in the output');
    assert.match(out, /^FAILED {2}web\\u001b\[2J$/m);
    assert.match(out, /^ {2}reason {4}curl:\n {12}\\u001b\[31mrefused\\u0000$/m);
  });

  it('says so when no scenario ran and the score is undefined', () => {
    const out = formatConsoleSummary(run([]));
    assert.match(out, /^no scenarios ran$/m);
    assert.match(out, /^resilience score: n\/a/m);
    assert.match(out, /^exit code 0: every scenario passed or ended as expected$/m);
  });

  it('names an unknown exit code as such', () => {
    assert.match(formatConsoleSummary(run([], { exitCode: 9 })), /^exit code 9: unknown exit code$/m);
  });
});

describe('scenarioEvidence and EXIT_CODE_MEANINGS', () => {
  it('gives uncoloured evidence lines for other reports', () => {
    const lines = scenarioEvidence(refuted);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((line) => !line.includes('\x1b')));
  });

  it('covers the exit codes of DESIGN.md section 10', () => {
    assert.deepEqual(Object.keys(EXIT_CODE_MEANINGS), ['0', '1', '2', '3', '4']);
  });
});
