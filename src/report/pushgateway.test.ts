import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../model/summary';
import { BadInput } from '../kernel/errors';
import { escapeLabelValue, groupingPath, pushRunMetrics, toExpositionText } from './pushgateway';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';

const sample = JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8')) as RunSummary;

describe('toExpositionText', () => {
  const text = toExpositionText(sample);
  const lines = text.split('\n');

  it('writes run-level gauges with HELP and TYPE', () => {
    assert.ok(lines.includes('# TYPE scs_chaos_resilience_score gauge'));
    assert.ok(lines.includes('scs_chaos_resilience_score 1'));
    assert.ok(lines.includes('scs_chaos_run_timestamp_seconds 1795814689.046'), 'finishedAt 2026-11-27T21:24:49.046Z');
    assert.ok(lines.includes('scs_chaos_run_exit_code 0'));
    assert.ok(lines.includes('scs_chaos_run_info{run_id="2026-11-27T21-24-29Z-0fcf",environment="lab"} 1'));
    assert.ok(lines.includes('scs_chaos_scenarios{verdict="aborted"} 1'));
    assert.ok(lines.includes('scs_chaos_scenarios{verdict="compromised"} 0'));
    assert.ok(text.endsWith('\n'));
  });

  it('writes every verdict of every scenario as a 0/1 state set, and recovery per scenario and probe', () => {
    const id = 'features/lab/isolate-node.feature:7';
    assert.ok(lines.includes(`scs_chaos_scenario_verdict{scenario="${id}",verdict="passed"} 1`));
    assert.ok(lines.includes(`scs_chaos_scenario_verdict{scenario="${id}",verdict="failed"} 0`));
    assert.equal(lines.filter((l) => l.startsWith('scs_chaos_scenario_verdict{')).length, 15);
    assert.ok(lines.includes(`scs_chaos_recovery_seconds{scenario="${id}",probe="web@node-1"} 0`));
    assert.ok(lines.includes(`scs_chaos_recovery_bound_seconds{scenario="${id}",probe="web"} 5`));
    assert.ok(lines.includes(`scs_chaos_recovery_met{scenario="${id}",probe="web"} 1`));
  });

  it('reports the slowest of two recoveries of one probe, and no recovery time for a probe that never recovered', () => {
    const run = runSummary([scenarioSummary('failed', { id: 's:1', recovery: [recoveryOf('web', 2), recoveryOf('web', 7.5, 5), recoveryOf('tcp', null)] })]);
    const out = toExpositionText(run).split('\n');
    assert.deepEqual(out.filter((l) => l.startsWith('scs_chaos_recovery')), [
      'scs_chaos_recovery_seconds{scenario="s:1",probe="web"} 7.5',
      'scs_chaos_recovery_bound_seconds{scenario="s:1",probe="web"} 5',
      'scs_chaos_recovery_bound_seconds{scenario="s:1",probe="tcp"} 30',
      'scs_chaos_recovery_met{scenario="s:1",probe="web"} 0',
      'scs_chaos_recovery_met{scenario="s:1",probe="tcp"} 0',
    ]);
    assert.ok(!toExpositionText(runSummary([])).includes('scs_chaos_resilience_score'), 'no score without scenarios');
  });

  it('escapes backslash, double quote and newline in label values', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    const out = toExpositionText(runSummary([scenarioSummary('passed', { id: 'x"y\\z\nw:1' })]));
    assert.ok(out.includes('scs_chaos_scenario_as_expected{scenario="x\\"y\\\\z\\nw:1"} 1'));
  });
});

describe('groupingPath', () => {
  it('percent-encodes plain values and base64url-encodes values with a slash or empty ones', () => {
    assert.equal(groupingPath({ job: 'scs-chaos', cloud: 'gx scs' }), '/metrics/job/scs-chaos/cloud/gx%20scs');
    assert.equal(groupingPath({ job: 'nightly', cloud: 'region/a?' }), `/metrics/job/nightly/cloud@base64/${Buffer.from('region/a?').toString('base64url')}`);
    assert.equal(groupingPath({ job: 'nightly', cloud: '' }), '/metrics/job/nightly/cloud@base64/=');
    assert.throws(() => groupingPath({ job: '', cloud: 'x' }), BadInput);
  });

  it('refuses a URL that is not http(s) before sending anything', async () => {
    await assert.rejects(pushRunMetrics('pushgateway:9091', sample, { job: 'j', cloud: 'c' }), BadInput);
  });
});
