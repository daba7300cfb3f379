import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScenarioSummary } from '../../model/summary';
import { fixtureScenario, HALT, ISOLATE, UNATTAINABLE } from './fixture-run';
import { buildPlotModel, NO_SAMPLES_NOTE, rollingAvailability } from './plot-model';
import type { SampleRow, TimelineFile } from './scenario-files-read';

describe('plot model of the fixture run', () => {
  it('isolation: fault band from injection to revert, thresholds over their phases, detect and recover markers', () => {
    const { scenario, timeline, samples } = fixtureScenario(ISOLATE);
    const model = buildPlotModel(scenario, timeline, samples);
    assert.equal(model.title, 'web stays available while one node is cut off from the network — passed');
    assert.deepEqual(model.faults, [{ label: 'network-isolate node-1', from: 3.575, to: 9.675, oneShot: false, open: false }]);
    const byLabel = Object.fromEntries(model.thresholds.map((t) => [t.label, t]));
    assert.deepEqual(byLabel['web p(95) < 800ms (during)'], { axis: 'latency', value: 800, from: 3.575, to: 9.675, label: 'web p(95) < 800ms (during)', met: true, kind: 'slo' });
    // Steady state: from the "before" phase event to the injection.
    assert.deepEqual([byLabel['web availability >= 99% (before)']?.from, byLabel['web availability >= 99% (before)']?.to, byLabel['web availability >= 99% (before)']?.value], [0.016, 3.575, 0.99]);
    // The same SLO of two probes over the same phase is one line.
    assert.equal(byLabel['web, load:web availability >= 95% (during)']?.value, 0.95);
    assert.equal(byLabel['web@node-1 availability <= 10% (during)']?.value, 0.1);
    assert.equal(model.thresholds.length, 4);
    assert.match(model.notes.join('\n'), /not drawn .*promql\(sum/);
    assert.deepEqual(model.markers.map((m) => [m.kind, m.t, m.label]), [
      ['detected', 3.62, 'web@node-1 first failure +0.045s'],
      ['recovered', 9.675, 'web@node-1 recovered +0s after revert (bound 5s)'],
      ['recovered', 9.675, 'web recovered +0s after revert (bound 5s)'],
    ]);
    assert.equal(model.xMax, 12.402);
  });

  it('isolation: the cut-off backend\'s rolling availability falls to 0 during the fault and is back at 1 at the end', () => {
    const { scenario, timeline, samples } = fixtureScenario(ISOLATE);
    const node1 = buildPlotModel(scenario, timeline, samples).availability.filter((p) => p.probe === 'web@node-1');
    assert.equal(node1.length, 124);
    assert.equal(Math.min(...node1.filter((p) => p.t > 5 && p.t < 9.5).map((p) => p.availability)), 0);
    assert.equal(Math.max(...node1.filter((p) => p.t > 5 && p.t < 9.5).map((p) => p.availability)), 0);
    assert.equal(node1.at(-1)?.availability, 1);
  });

  it('failed latency SLO: the threshold is on the latency axis, marked not met, inside the axis domain', () => {
    const { scenario, timeline, samples } = fixtureScenario(UNATTAINABLE);
    const model = buildPlotModel(scenario, timeline, samples);
    assert.equal(model.title, 'a sub-microsecond p99 latency is demanded while a node is isolated — failed (as expected)');
    const latency = model.thresholds.filter((t) => t.axis === 'latency');
    assert.deepEqual(latency, [{ axis: 'latency', value: 0.001, from: 2.551, to: 5.658, label: 'web p(99) < 0.001ms (during, NOT MET)', met: false, kind: 'slo' }]);
    assert.equal(model.latencyDomain[0], 0.001);
    assert.ok(model.latencyDomain[1] > 300);
    assert.deepEqual(model.markers, []);
  });

  it('halt: a halt marker at the crossing and the floor on the availability axis', () => {
    const { scenario, timeline, samples } = fixtureScenario(HALT);
    const model = buildPlotModel(scenario, timeline, samples);
    assert.deepEqual(model.markers, [{ kind: 'halt', t: 0.724, label: 'halt: web@node-1 availability >= 50% over 1s' }]);
    assert.deepEqual(model.thresholds.map((t) => [t.kind, t.axis, t.value, t.from]), [['halt-floor', 'availability', 0.5, 0.028]]);
    assert.deepEqual(model.faults.map((f) => [f.from, f.to]), [[0.028, 0.787]]);
  });
});

describe('plot model edge cases', () => {
  const base: ScenarioSummary = {
    id: 'features/x.feature:3', name: 'kill', feature: 'features/x.feature', line: 3, tags: [], verdict: 'failed', asExpected: false,
    faults: [], slos: [], recovery: [], startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:20.000Z', durationSeconds: 20,
  };
  const emptyTimeline: TimelineFile = { scenario: base.id, startedAt: base.startedAt, events: [] };

  it('a one-shot fault is an instant; recovery counts from the injection; times come from wall clocks without events', () => {
    const scenario: ScenarioSummary = {
      ...base,
      faults: [{ injectionId: 'k1', kind: 'process-kill', target: 'web on node-2', reversible: false, ttlSeconds: null, injectedAt: '2026-01-01T00:00:05.000Z' }],
      recovery: [{ probe: 'web@node-2', detectSeconds: 0.1, recoverSeconds: null, boundSeconds: 3, met: false, from: 'injection' }],
      slos: [{ probe: 'web', expression: 'rate(errors) < 1%', phase: 'after', observed: 0.2, observedText: '20%', met: false, samples: 10 }],
    };
    const model = buildPlotModel(scenario, emptyTimeline, []);
    assert.deepEqual(model.faults, [{ label: 'process-kill web on node-2', from: 5, to: 5, oneShot: true, open: false }]);
    assert.deepEqual(model.markers.map((m) => [m.kind, m.t]), [['detected', 5.1], ['not-recovered', 8]]);
    // An error-rate limit is drawn as the availability it allows.
    assert.deepEqual(model.thresholds.map((t) => [t.axis, t.value]), [['availability', 0.99]]);
    assert.deepEqual(model.notes, [NO_SAMPLES_NOTE]);
    assert.deepEqual([model.availability, model.latency, model.xMax], [[], [], 20]);
  });

  it('a reversible fault without a recorded revert runs to the end of the plot', () => {
    const scenario: ScenarioSummary = { ...base, faults: [{ injectionId: 'i1', kind: 'network-isolate', target: 'node-1', reversible: true, ttlSeconds: 10, injectedAt: '2026-01-01T00:00:02.000Z', revertError: 'nft: busy' }] };
    assert.deepEqual(buildPlotModel(scenario, emptyTimeline, []).faults, [{ label: 'network-isolate node-1 (no revert recorded)', from: 2, to: 20, oneShot: false, open: true }]);
  });

  it('rolling availability counts the samples in (t − window, t] and leaves out measurement problems', () => {
    const row = (t: number, ok: boolean, measurementProblem = false): SampleRow => ({ probe: 'p', t, ok, measurementProblem });
    const points = rollingAvailability([row(0, true), row(0.5, false), row(0.9, false, true), row(1.0, true), row(1.6, true)], ['p'], 1);
    assert.deepEqual(points.map((p) => [p.t, p.availability]), [[0, 1], [0.5, 0.5], [1.0, 0.5], [1.6, 1]]);
  });
});
