import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateCheck, RunSummary, ScenarioSummary } from '../../model/summary';
import { renderRunPage } from './run-page';

const FIXTURES = join(__dirname, 'fixtures');
const PLOT = readFileSync(join(FIXTURES, 'sample-run', 'scenarios', 'lab-isolate-node-7', 'timeline.svg'), 'utf8');

/** A fresh copy of a fixture summary (tests change it). */
function fixture(run: 'sample-run' | 'baseline-run'): RunSummary {
  return JSON.parse(readFileSync(join(FIXTURES, run, 'summary.json'), 'utf8')) as RunSummary;
}

/** The rows of the scenarios table, each as its HTML. */
function scenarioRows(html: string): string[] {
  const table = /<table class="scenarios">[\s\S]*?<tbody>([\s\S]*?)<\/tbody><\/table>/.exec(html);
  assert.ok(table, 'the page has a scenarios table');
  return (table[1] as string).split('\n');
}

/** The part of the page that describes one scenario. */
function section(html: string, slug: string): string {
  const match = new RegExp(`<section class="scenario" id="scenario-${slug}">[\\s\\S]*?</section>`).exec(html);
  assert.ok(match, `section of ${slug}`);
  return match[0];
}

describe('renderRunPage', () => {
  it('shows the run header: id, environment, times, seed, counts by verdict, score and exit code', () => {
    const html = renderRunPage(fixture('sample-run'));
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<title>scs-chaos run 2026-11-27T21-24-29Z-0fcf<\/title>/);
    assert.match(html, /<dt>environment<\/dt><dd>lab<\/dd>/);
    assert.match(html, /<dt>started<\/dt><dd>2026-11-27 21:24:29 UTC<\/dd>/);
    assert.match(html, /<dt>finished<\/dt><dd>2026-11-27 21:24:49 UTC<\/dd>/);
    assert.match(html, /<dt>seed<\/dt><dd><span title="scs-chaos run --seed 1606313759[^"]*">1606313759<\/span>/);
    assert.match(html, /<dt>resilience score<\/dt><dd>100 %<\/dd>/);
    assert.match(html, /<dt>exit code<\/dt><dd>0 <span class="muted">every scenario passed or ended as expected<\/span>/);
    assert.match(html, /<dt>gate<\/dt><dd><span class="muted">not gated<\/span>/);
    for (const [verdict, n] of [['passed', 1], ['failed', 1], ['not-steady', 0], ['aborted', 1], ['compromised', 0]] as const) {
      assert.match(html, new RegExp(`<span class="verdict ${verdict}">${verdict}</span>${n}</li>`), verdict);
    }
  });

  it('has one scenarios row per scenario with name, feature:line, tags, coloured verdict, expectation and reason', () => {
    const rows = scenarioRows(renderRunPage(fixture('sample-run')));
    assert.equal(rows.length, 3);
    const [passed, failed, aborted] = rows as [string, string, string];
    assert.match(passed, /<a href="#scenario-lab-isolate-node-7">web stays available while one node is cut off from the network<\/a>/);
    assert.match(passed, /features\/<wbr>lab\/<wbr>isolate-node\.feature:7/);
    assert.match(passed, /<span class="tag">@failsafe-L1<\/span>/);
    assert.match(passed, /<span class="verdict passed">passed<\/span>/);
    assert.match(failed, /<span class="verdict failed">failed<\/span><span class="expectation muted">as expected \(@expect-failed\)<\/span>/);
    assert.match(failed, /<td class="reason">web: SLO &quot;p\(99\) &lt; 0\.001ms&quot; not met during the fault: observed 303ms over 63 samples<\/td>/);
    assert.match(aborted, /<span class="verdict aborted">aborted<\/span>/);
    assert.match(aborted, /<td><span class="verdict aborted">aborted<\/span><\/td>/, 'expected verdict column');
  });

  it('flags a scenario that did not end as expected', () => {
    const summary = fixture('sample-run');
    const failed = summary.scenarios[1] as ScenarioSummary;
    Object.assign(failed, { verdict: 'compromised', asExpected: false });
    const row = scenarioRows(renderRunPage(summary))[1] as string;
    assert.match(row, /<span class="verdict compromised">compromised<\/span><span class="expectation unexpected">not as expected \(expected failed\)<\/span>/);
    Object.assign(failed, { verdict: 'passed', asExpected: true });
    const passed = scenarioRows(renderRunPage(summary))[1] as string;
    assert.match(passed, /<span class="verdict passed">passed<\/span><span class="expectation muted">passed although @expect-failed expected failed<\/span>/);
  });

  it('lists recovery per probe: detect, recover, bound and met; no baseline column without a baseline', () => {
    const html = renderRunPage(fixture('sample-run'));
    const row = scenarioRows(html)[0] as string;
    assert.match(row, /<span class="mono">web@node-1<\/span> <span class="met">✓ met<\/span><br><span class="figures">detect 0\.045 s · recover 0 s · bound 5 s<\/span>/);
    assert.match(row, /<span class="mono">web<\/span> <span class="met">✓ met<\/span><br><span class="figures">detect <span class="muted"[^>]*>none<\/span> · recover 0 s · bound 5 s/);
    assert.doesNotMatch(html, /vs baseline/);
    assert.match(scenarioRows(html)[1] as string, /no recovery measured/);
  });

  it('compares recovery with a baseline run, matching scenarios by id and then by name', () => {
    const summary = fixture('sample-run');
    const current = summary.scenarios[0] as ScenarioSummary;
    (current.recovery[0] as { recoverSeconds: number }).recoverSeconds = 1.55; // baseline: 0.35 s
    const html = renderRunPage(summary, { baseline: fixture('baseline-run') });
    assert.match(html, /compared with baseline run <span class="mono">2026-11-26T21-10-02Z-a1b2<\/span>/);
    const row = scenarioRows(html)[0] as string;
    assert.match(row, /vs baseline <span class="delta slower" title="slower than the baseline run">\+1\.2 s \(\+343 %\)<\/span>/);
    assert.match(row, /vs baseline <span class="delta faster">baseline did not stabilize<\/span>/);
    assert.match(section(html, 'lab-isolate-node-7'), /<th class="num">vs baseline<\/th>/);

    // The @expect-failed scenario sits on another line in the baseline: it is found by name (it has no recovery to
    // compare, so give it one on both sides).
    const moved = summary.scenarios[1] as ScenarioSummary;
    const baseline = fixture('baseline-run');
    moved.recovery = [{ probe: 'web', detectSeconds: 0.1, recoverSeconds: 2, boundSeconds: 5, met: true, from: 'revert' }];
    (baseline.scenarios[1] as ScenarioSummary).recovery = [{ probe: 'web', detectSeconds: 0.1, recoverSeconds: 2.5, boundSeconds: 5, met: true, from: 'revert' }];
    const again = scenarioRows(renderRunPage(summary, { baseline }));
    assert.match(again[1] as string, /<span class="delta faster"[^>]*>-0\.50 s \(-20 %\)<\/span>/);
    // The halt scenario is not in the baseline at all.
    assert.doesNotMatch(again[2] as string, /delta/);
  });

  it('shows faults, SLO results per phase with the steady-state change, and halt information', () => {
    const html = renderRunPage(fixture('sample-run'));
    const isolate = section(html, 'lab-isolate-node-7');
    assert.match(isolate, /<td class="mono">network-isolate<\/td><td>node-1<\/td><td class="mono">8b53f41d<\/td><td><span class="mono">21:24:32\.794<\/span> <span class="muted">\+3\.57 s<\/span><\/td>/);
    assert.match(isolate, /<span class="mono">21:24:38\.894<\/span> <span class="muted">\+9\.67 s<\/span><\/td><td class="num">16 s<\/td>/);
    assert.match(isolate, /<td>before \(steady state\)<\/td><td class="mono">web<\/td><td class="mono">availability &gt;= 99%<\/td><td>100% <span class="muted">\(71 samples\)<\/span><\/td><td><span class="met">✓ met<\/span><\/td>/);
    assert.match(isolate, /<td class="mono">p\(95\) &lt; 800ms<\/td><td>7ms <span class="muted">\(122 samples\)<\/span><\/td><td><span class="met">✓ met<\/span><\/td><td>5ms <span class="muted">→ \+34 %<\/span><\/td>/);
    assert.match(isolate, /promql\(sum\(haproxy_backend_active_servers\{proxy=&#39;web&#39;\}\)\) &gt;= 2/);
    const failed = section(html, 'lab-unattainable-slo-7');
    assert.match(failed, /<span class="missed">✗ missed<\/span><\/td><td>8ms <span class="muted">→ \+3912 %<\/span>/);
    assert.match(failed, /<details><summary>Evidence<\/summary><pre>\{\n {2}&quot;probe&quot;: &quot;web&quot;/);
    const halt = section(html, 'lab-halt-on-floor-7');
    assert.match(halt, /<dt>floor<\/dt><dd><span class="mono">web@node-1 availability &gt;= 50%<\/span> over 1 s<\/dd>/);
    assert.match(halt, /<dt>crossed at<\/dt><dd><span class="mono">21:24:48\.551<\/span> <span class="muted">\+0\.72 s<\/span>/);
    assert.match(halt, /<dt>halt took<\/dt><dd>0\.064 s<\/dd>/);
    assert.match(halt, /no SLO was judged/);
  });

  it('inlines the plot a scenario has and says "no plot" for the others', () => {
    const asked: string[] = [];
    const html = renderRunPage(fixture('sample-run'), {
      plotSvgFor: (scenario) => {
        asked.push(scenario.id);
        return scenario.id === 'features/lab/isolate-node.feature:7' ? PLOT : undefined;
      },
    });
    assert.deepEqual(asked, ['features/lab/isolate-node.feature:7', 'features/lab/unattainable-slo.feature:7', 'features/lab/halt-on-floor.feature:7']);
    assert.match(section(html, 'lab-isolate-node-7'), /<figure class="plot"><!--[\s\S]*?<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*id="p0-plot-area"[\s\S]*<\/svg><\/figure>/);
    assert.match(section(html, 'lab-unattainable-slo-7'), /<p class="no-plot">no plot<\/p>/);
    assert.match(section(html, 'lab-halt-on-floor-7'), /<p class="no-plot">no plot<\/p>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 1);
  });

  it('says why a plot was not embedded', () => {
    const html = renderRunPage(fixture('sample-run'), { plotSvgFor: () => '<svg><script>alert(1)</script></svg>' });
    assert.equal((html.match(/no plot: timeline\.svg not embedded: the plot contains a &lt;script&gt; element/g) ?? []).length, 3);
    assert.doesNotMatch(html, /<script/i);
  });

  it('shows a gate result when summary.json holds one: the failed checks, escaped', () => {
    const summary = fixture('sample-run');
    const check = (rule: string, passed: boolean, reason: string): GateCheck => ({ rule, passed, reason });
    summary.gate = {
      passed: false,
      policy: 'ci/<nightly>.yaml',
      checkedAt: '2026-11-27T21:00:00.000Z',
      checks: [check('min-score', false, 'resilience score 67% < 90%'), check('compromised', true, 'no compromised scenario')],
    };
    const html = renderRunPage(summary);
    assert.match(html, /<dt>gate<\/dt><dd><span class="gate failed">failed<\/span> <span class="muted">\(ci\/&lt;nightly&gt;\.yaml\)<\/span>/);
    assert.match(html, /<li>FAIL min-score: resilience score 67% &lt; 90%<\/li><\/ul>/);
    assert.doesNotMatch(html, /no compromised scenario/, 'a failed gate lists only what failed');
    summary.gate = { ...summary.gate, passed: true, checks: [check('min-score', true, 'resilience score 100% >= 90%')] };
    assert.match(renderRunPage(summary), /<dt>gate<\/dt><dd><span class="gate passed">passed<\/span>/);
  });

  it('escapes every text from the run: no markup from names, reasons, tags, probes, faults or evidence survives', () => {
    const summary = fixture('sample-run');
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;\'';
    const scenario = summary.scenarios[1] as ScenarioSummary;
    Object.assign(scenario, {
      name: `name ${evil}`,
      reason: `reason ${evil}\u001b[31m`,
      tags: [`@tag${evil}`],
      evidence: { note: evil },
    });
    scenario.slos[1] = { ...(scenario.slos[1] as ScenarioSummary['slos'][number]), probe: `probe${evil}`, expression: `expr${evil}`, observedText: `obs${evil}` };
    scenario.recovery = [{ probe: `rec${evil}`, detectSeconds: null, recoverSeconds: null, boundSeconds: 5, met: false, from: 'revert' }];
    Object.assign(scenario.faults[0] as object, { kind: `kind${evil}`, target: `target${evil}`, revertError: `revert${evil}` });
    summary.environment = `env${evil}`;
    summary.runId = `run${evil}`;
    const html = renderRunPage(summary, { baseline: fixture('baseline-run') });
    assert.doesNotMatch(html, /<script/i, 'no script element');
    assert.doesNotMatch(html, /<img/i, 'no image element');
    assert.doesNotMatch(html, /<[^>]*\sonerror=/i, 'no event handler attribute');
    assert.match(html, /name &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;&amp;amp;&#39;/);
    assert.match(html, /reason &lt;script&gt;[^<]*\\u001b\[31m/, 'control characters are shown, not passed through');
    for (const field of ['@tag', 'probe', 'expr', 'obs', 'rec', 'kind', 'target', 'revert', 'env', 'run']) {
      assert.match(html, new RegExp(`${field}&lt;script&gt;`), field);
    }
  });

  it('loads nothing from anywhere and is the same for the same input', () => {
    const summary = fixture('sample-run');
    const options = { baseline: fixture('baseline-run'), plotSvgFor: () => PLOT };
    const html = renderRunPage(summary, options);
    assert.equal(html, renderRunPage(summary, options));
    assert.doesNotMatch(html, /<link|<script|\ssrc=|@import|url\((?!#)/i);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
  });

  it('renders a run without scenarios', () => {
    const summary = { ...fixture('sample-run'), scenarios: [], resilienceScore: null };
    const html = renderRunPage(summary);
    assert.match(html, /no scenarios ran/);
    assert.match(html, /n\/a \(nothing scored\)/);
  });
});
