import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureScenario, ISOLATE } from './fixture-run';
import { buildPlotModel } from './plot-model';
import { scenarioPlotSpec } from './render';
import { eventLabels, logTicks, PLOT_HEIGHT, PLOT_WIDTH } from './vega-spec';

/** values: the inline values of the spec's data set `name`. */
function values(spec: ReturnType<typeof scenarioPlotSpec>, name: string): Record<string, unknown>[] {
  const data = spec.data?.find((d) => d.name === name);
  assert.ok(data && 'values' in data, `spec has inline data "${name}"`);
  return data.values as Record<string, unknown>[];
}

describe('Vega specification of the isolation fixture', () => {
  const { scenario, timeline, samples } = fixtureScenario(ISOLATE);
  const spec = scenarioPlotSpec(scenario, timeline, samples);

  it('holds the latency threshold, the fault band and the markers at the scenario\'s times', () => {
    assert.ok(values(spec, 'thresholds').some((t) => t.axis === 'latency' && t.value === 800 && t.from === 3.575 && t.to === 9.675));
    assert.deepEqual(values(spec, 'faults').map((f) => [f.from, f.to, f.oneShot]), [[3.575, 9.675, false]]);
    assert.deepEqual(values(spec, 'markers').map((m) => [m.kind, m.t]), [['detected', 3.62], ['recovered', 9.675], ['recovered', 9.675]]);
    assert.equal(values(spec, 'latency').length, samples.filter((s) => s.latencyMs !== undefined).length);
  });

  it('puts a threshold label below its line near the top of the axis, above it elsewhere', () => {
    const below = Object.fromEntries(values(spec, 'thresholds').map((t) => [t.label, t.labelBelow]));
    assert.deepEqual(below, {
      'web availability >= 99% (before)': true,
      'web, load:web availability >= 95% (during)': true,
      'web p(95) < 800ms (during)': true,
      'web@node-1 availability <= 10% (during)': false,
    });
  });

  it('has a fixed size, a title with the verdict, and seconds on the x axis from 0 to the scenario end', () => {
    assert.deepEqual([spec.width, spec.height], [PLOT_WIDTH, PLOT_HEIGHT]);
    assert.deepEqual(spec.title && typeof spec.title === 'object' && 'text' in spec.title ? spec.title.text : null, 'web stays available while one node is cut off from the network — passed');
    const x = spec.scales?.find((s) => s.name === 'x');
    assert.deepEqual(x && 'domain' in x ? x.domain : null, [0, 12.402]);
    assert.equal(JSON.stringify(spec).includes('seconds since scenario start'), true);
  });
});

describe('event labels', () => {
  it('labels that would overlap go to different rows; one near the right edge is right-aligned', () => {
    const { scenario, timeline, samples } = fixtureScenario(ISOLATE);
    const labels = eventLabels(buildPlotModel(scenario, timeline, samples));
    assert.deepEqual(labels.map((l) => [l.text, l.row, l.align]), [
      ['network-isolate node-1', 0, 'left'],
      ['web@node-1 first failure +0.045s', 1, 'left'],
      ['web@node-1 recovered +0s after revert (bound 5s)', 2, 'right'],
      ['web recovered +0s after revert (bound 5s)', 3, 'right'],
    ]);
  });
});

describe('log axis ticks', () => {
  it('1-2-5 within four decades, powers of ten beyond', () => {
    assert.deepEqual(logTicks([1.2, 501]), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    assert.deepEqual(logTicks([0.001, 303]), [0.001, 0.01, 0.1, 1, 10, 100, 1000]);
  });
});
