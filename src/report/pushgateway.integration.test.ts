/**
 * pushRunMetrics against Debian's real prometheus-pushgateway (lab/install-packages.sh installs it), started by
 * this test on 127.0.0.1 at a free port chosen now, with its persistence file in a temporary folder. The pushed
 * metrics are read back through the gateway's own API. The gateway is stopped and the folder removed in `after`,
 * also when a step fails (and killed on process exit as a last resort). Skipped, saying why, where the binary is
 * missing — except in CI, where a missing install step must fail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../model/summary';
import { PushFailed, pushRunMetrics } from './pushgateway';
import { recoveryOf, runSummary, scenarioSummary } from '../../test/support/run-summaries';
import { pushgatewaySkipReason, RunningPushgateway, startPushgateway } from '../../test/support/pushgateway';
import { freePort } from '../../test/support/free-port';

/** One series as the Pushgateway's /api/v1/metrics returns it. */
interface ApiFamily {
  type: string;
  metrics: Array<{ labels: Record<string, string>; value: string }>;
}
type ApiGroup = { labels: Record<string, string> } & Record<string, ApiFamily | unknown>;

describe('pushRunMetrics against a real Pushgateway', { skip: pushgatewaySkipReason() }, () => {
  let dir: string;
  let gateway: RunningPushgateway | undefined;
  let url = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-chaos-pushgateway-'));
    gateway = await startPushgateway(dir);
    url = gateway.url;
  });

  after(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The group with exactly these grouping labels, read back from the gateway. */
  async function group(labels: Record<string, string>): Promise<ApiGroup | undefined> {
    const response = await fetch(`${url}/api/v1/metrics`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; data: ApiGroup[] };
    assert.equal(body.status, 'success');
    return body.data.find((g) => sameLabels(g.labels, labels));
  }

  function sameLabels(actual: Record<string, string>, expected: Record<string, string>): boolean {
    const a = Object.entries(actual);
    return a.length === Object.keys(expected).length && a.every(([k, v]) => expected[k] === v);
  }

  /** The value of `name`{labels ⊇ `match`} in `g`, as a number. */
  function value(g: ApiGroup | undefined, name: string, match: Record<string, string> = {}): number | undefined {
    const family = g?.[name] as ApiFamily | undefined;
    const series = family?.metrics.find((m) => Object.entries(match).every(([k, v]) => m.labels[k] === v));
    return series === undefined ? undefined : Number(series.value);
  }

  it('pushes a real run so that its score, verdicts and recovery times are queryable per job and cloud', async () => {
    const sample = JSON.parse(readFileSync('test/fixtures/sample-run/summary.json', 'utf8')) as RunSummary;
    await pushRunMetrics(url, sample, { job: 'scs-chaos-test', cloud: 'lab' });
    const g = await group({ job: 'scs-chaos-test', cloud: 'lab' });
    assert.ok(g, 'group job=scs-chaos-test, cloud=lab exists');
    assert.deepEqual(g.labels, { job: 'scs-chaos-test', cloud: 'lab' });
    assert.equal(value(g, 'scs_chaos_resilience_score'), 1);
    assert.equal(value(g, 'scs_chaos_run_timestamp_seconds'), 1795814689.046);
    const isolate = 'features/lab/isolate-node.feature:7';
    assert.equal(value(g, 'scs_chaos_recovery_seconds', { scenario: isolate, probe: 'web@node-1' }), 0);
    assert.equal(value(g, 'scs_chaos_scenario_verdict', { scenario: isolate, verdict: 'passed' }), 1);
    assert.equal(value(g, 'scs_chaos_scenario_verdict', { scenario: 'features/lab/halt-on-floor.feature:7', verdict: 'aborted' }), 1);
    assert.equal(value(g, 'scs_chaos_scenarios', { verdict: 'failed' }), 1);
    const series = (g['scs_chaos_scenario_verdict'] as ApiFamily).metrics[0];
    assert.equal(series?.labels.job, 'scs-chaos-test', 'the gateway adds the grouping labels to every series');
    assert.equal(series?.labels.cloud, 'lab');
    assert.equal((g['scs_chaos_resilience_score'] as ApiFamily).type, 'GAUGE');
  });

  it('replaces the whole group on the next push, and keeps label values with quotes, backslashes, newlines and slashes intact', async () => {
    const odd = 'features/odd "name"\\x\nline.feature:3';
    const first = runSummary([scenarioSummary('passed', { id: 'features/lab/gone.feature:1', recovery: [recoveryOf('web', 1)] })], 'first');
    const second = runSummary([scenarioSummary('failed', { id: odd, recovery: [recoveryOf('web/tcp', 2.25)] })], 'second');
    const labels = { job: 'scs-chaos-test', cloud: 'region/a "b"' };
    await pushRunMetrics(url, first, labels);
    await pushRunMetrics(url, second, labels);
    const g = await group(labels);
    assert.ok(g, 'group with a slash and quotes in the cloud label exists');
    assert.equal(value(g, 'scs_chaos_recovery_seconds', { scenario: odd, probe: 'web/tcp' }), 2.25);
    assert.equal(value(g, 'scs_chaos_scenario_verdict', { scenario: odd, verdict: 'failed' }), 1);
    assert.equal(value(g, 'scs_chaos_scenario_as_expected', { scenario: 'features/lab/gone.feature:1' }), undefined, 'PUT replaced the first run');
    assert.equal(value(g, 'scs_chaos_resilience_score'), 0);
    assert.ok(await group({ job: 'scs-chaos-test', cloud: 'lab' }), 'other groups stay');
  });

  it('fails with PushFailed, naming the URL, when nothing listens', async () => {
    const port = await freePort();
    await assert.rejects(pushRunMetrics(`http://127.0.0.1:${port}`, runSummary([]), { job: 'j', cloud: 'c' }, 2000), (e: unknown) => e instanceof PushFailed && e.message.includes(`127.0.0.1:${port}/metrics/job/j/cloud/c`) && /ECONNREFUSED/.test(e.message));
  });
});
