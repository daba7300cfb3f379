/**
 * summary.json against schemas/summary.schema.json (JSON Schema 2020-12, validated by Ajv): a real run's summary,
 * summaries written by the real writer with every optional part, and broken ones that must be rejected.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { BuiltinLoadReport } from '../model/load';
import type { RunSummary } from '../model/summary';
import { writeRunReports } from './write-run';
import { evaluateGate } from '../gate/evaluate';
import { DEFAULT_POLICY } from '../gate/policy';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'summary.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function problems(data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const builtinLoad: BuiltinLoadReport = {
  name: 'load:web', engine: 'builtin', ratePerSecond: 50, offered: 10, sent: 10, completed: 10, ok: 9, failed: 1, dropped: 0, errorClasses: { status: 1 },
  achievedRatePerSecond: 49.9, latencyMs: { p50: 2, p90: 3, p95: 4, p99: 5, max: 6, mean: 2.5 }, durationMs: 200, scheduleLagMs: { mean: 1, max: 2 },
};

/** A run with every optional part of the contract filled in. */
function fullRun(): RunSummary {
  const run = runSummary([
    scenarioSummary('passed', {
      tags: ['@lab', '@failsafe-L1'],
      faults: [{ injectionId: 'ab12cd34', kind: 'network-isolate', target: 'node-1', reversible: true, ttlSeconds: 16, injectedAt: '2026-01-01T00:00:02.000Z', observedAt: '2026-01-01T00:00:02.020Z', revertedAt: '2026-01-01T00:00:08.000Z' }],
      slos: [
        { probe: 'web', expression: 'availability >= 99%', phase: 'before', observed: 1, observedText: '100%', met: true, samples: 50 },
        { probe: 'web', expression: 'p(95) < 300ms', phase: 'during', observed: 12.5, observedText: '13ms', met: true, samples: 60, baseline: { observed: 5, observedText: '5ms', change: 7.5, changePercent: 150 } },
        { probe: 'load:web', expression: 'p(95) < 1s', phase: 'run', observed: null, observedText: 'no data', met: false, samples: 0 },
      ],
      recovery: [recoveryOf('web', 1.25), recoveryOf('web@node-1', null)],
      load: [
        builtinLoad,
        { name: 'load:k6', engine: 'k6', ratePerSecond: null, offered: 0, sent: 0, completed: 0, ok: 0, failed: 0, dropped: 0, errorClasses: {}, achievedRatePerSecond: 0, latencyMs: { p50: null, p90: null, p95: null, p99: null, max: null, mean: null }, durationMs: 0 },
      ],
    }),
    scenarioSummary('failed', { tags: ['@expect-failed'], expectedVerdict: 'failed', asExpected: true, reason: 'p(99) 303ms', evidence: { observed: 303, nested: { a: [1] } } }),
    scenarioSummary('aborted', {
      reason: 'halt',
      halt: { probe: 'web', expression: 'availability >= 50%', windowSeconds: 1, crossedAt: '2026-01-01T00:00:05.000Z', revertedAt: null, haltSeconds: null },
      faults: [{ injectionId: 'ef56', kind: 'process-kill', target: 'web on node-2', reversible: false, ttlSeconds: null, injectedAt: '2026-01-01T00:00:03.000Z', revertError: 'timeout' }],
    }),
  ]);
  return { ...run, gate: evaluateGate({ run, policy: { ...DEFAULT_POLICY, requiredTags: ['@failsafe-L1'], minScore: 0.5 }, policyPath: 'ci/gate.yaml', baseline: { summary: run, path: 'reports/x' } }) };
}

describe('schemas/summary.schema.json', () => {
  it('accepts the summary.json of a real run', () => {
    assert.deepEqual(problems(JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8'))), []);
  });

  it('accepts what writeRunReports writes, with every optional part and a gate result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-schema-test-'));
    try {
      writeRunReports(dir, fullRun());
      assert.deepEqual(problems(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))), []);
      writeRunReports(dir, runSummary([]));
      assert.deepEqual(problems(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects broken summaries, saying where', () => {
    const good = (): RunSummary => JSON.parse(JSON.stringify(fullRun())) as RunSummary;
    const cases: Array<[string, (s: Record<string, unknown> & RunSummary) => void, RegExp]> = [
      ['a missing verdict', (s) => delete (s.scenarios[0] as Partial<RunSummary['scenarios'][0]>).verdict, /^\/scenarios\/0 must have required property 'verdict'/],
      ['an unknown verdict', (s) => ((s.scenarios[1] as { verdict: string }).verdict = 'flaky'), /^\/scenarios\/1\/verdict must be equal to one of the allowed values/],
      ['a score above 1', (s) => (s.resilienceScore = 1.5), /^\/resilienceScore must be <= 1/],
      ['a field the contract does not know', (s) => (s.extra = true), /^\/ must NOT have additional properties/],
      ['a local time without zone', (s) => (s.startedAt = '2026-01-01 00:00:00'), /^\/startedAt must match pattern/],
      ['a negative recovery time', (s) => (s.scenarios[0]!.recovery[0]!.recoverSeconds = -1), /^\/scenarios\/0\/recovery\/0\/recoverSeconds must be >= 0/],
      ['counts without not-steady', (s) => delete (s.counts as Partial<RunSummary['counts']>)['not-steady'], /^\/counts must have required property 'not-steady'/],
      ['a gate check without reason', (s) => delete (s.gate!.checks[0] as { reason?: string }).reason, /^\/gate\/checks\/0 must have required property 'reason'/],
    ];
    for (const [what, breakIt, expected] of cases) {
      const summary = good() as Record<string, unknown> & RunSummary;
      breakIt(summary);
      const found = problems(summary);
      assert.ok(found.some((p) => expected.test(p)), `${what}: ${found.join('; ') || 'accepted'}`);
    }
  });
});
