/**
 * bench:plots — how long does a scenario's timeline plot take to draw (Vega → SVG, resvg → PNG), and how big
 * is the PNG? Renders each scenario of the fixture run (src/report/plot/fixtures) and one generated scenario
 * with 10 000 samples (two probes over 333 s, a 60 s isolation of one node), REPS times each, one at a time.
 * No lab, no root. Last line: {"renderMsMedian": …, "pngBytesMedian": …} for the 10 000-sample scenario.
 *   usage: npm run bench:plots [-- --reps N]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fixtureScenario, fixtureSummary } from '../src/report/plot/fixture-run';
import { renderScenarioPlot } from '../src/report/plot/render';
import type { SampleRow, TimelineFile } from '../src/report/plot/scenario-files-read';
import type { ScenarioSummary } from '../src/model/summary';

interface Figures {
  renderMsMedian: number;
  pngBytesMedian: number;
  svgBytesMedian: number;
}

async function measure(scenario: ScenarioSummary, timeline: TimelineFile, samples: readonly SampleRow[], reps: number): Promise<Figures> {
  const ms: number[] = [];
  const png: number[] = [];
  const svg: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const plot = await renderScenarioPlot(scenario, timeline, samples);
    ms.push(performance.now() - started);
    png.push(plot.png.length);
    svg.push(Buffer.byteLength(plot.svg));
  }
  return { renderMsMedian: round1(median(ms)), pngBytesMedian: median(png), svgBytesMedian: median(svg) };
}

/** generatedScenario: 10 000 samples — web at 20 Hz and web@node-1 at 10 Hz for 333.3 s, node-1 cut off at 120–180 s. */
function generatedScenario(): { scenario: ScenarioSummary; timeline: TimelineFile; samples: SampleRow[] } {
  const random = seeded(42);
  const samples: SampleRow[] = [];
  const [inject, revert] = [120, 180];
  for (let k = 0; samples.length < 10_000; k++) {
    const t = round3(k * 0.05);
    samples.push({ probe: 'web', t, ok: true, latencyMs: round1(1.5 + random() * 3 + (t > inject && t < inject + 2 ? 300 : 0)), status: 200, measurementProblem: false });
    if (k % 2 === 0 && samples.length < 10_000) {
      const down = t >= inject + 0.05 && t < revert + 0.2;
      samples.push(down
        ? { probe: 'web@node-1', t, ok: false, latencyMs: 500 + random(), error: 'timeout', measurementProblem: false }
        : { probe: 'web@node-1', t, ok: true, latencyMs: round1(1 + random() * 2), status: 200, measurementProblem: false });
    }
  }
  const startedAt = '2026-01-01T00:00:00.000Z';
  const wall = (s: number) => new Date(Date.parse(startedAt) + s * 1000).toISOString();
  const scenario: ScenarioSummary = {
    id: 'features/bench/generated.feature:1', name: 'generated: 10 000 samples, one node cut off for 60 s', feature: 'features/bench/generated.feature', line: 1,
    tags: [], verdict: 'passed', asExpected: true, startedAt, finishedAt: wall(334), durationSeconds: 334,
    faults: [{ injectionId: 'g1', kind: 'network-isolate', target: 'node-1', reversible: true, ttlSeconds: 80, injectedAt: wall(inject), revertedAt: wall(revert) }],
    slos: [
      { probe: 'web', expression: 'availability >= 99%', phase: 'before', observed: 1, observedText: '100%', met: true, samples: 2400 },
      { probe: 'web', expression: 'p(95) < 300ms', phase: 'during', observed: 4, observedText: '4ms', met: true, samples: 1200 },
    ],
    recovery: [{ probe: 'web@node-1', detectSeconds: 0.05, recoverSeconds: 0.2, boundSeconds: 5, met: true, from: 'revert' }],
  };
  const timeline: TimelineFile = {
    scenario: scenario.id, startedAt,
    events: [
      { t: 0, at: wall(0), kind: 'phase', message: 'steady state', data: { phase: 'before' } },
      { t: inject, at: wall(inject), kind: 'injected', message: 'isolate node-1', data: { injectionId: 'g1' } },
      { t: revert, at: wall(revert), kind: 'reverted', message: 'isolate node-1', data: { injectionId: 'g1' } },
    ],
  };
  return { scenario, timeline, samples };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps ${values.reps}: expected a whole number ≥ 1`);
  // One untimed render first: loading Vega and resvg is paid once per process, not per plot.
  const warm = fixtureScenario(fixtureSummary().scenarios[0]?.id ?? '');
  await renderScenarioPlot(warm.scenario, warm.timeline, warm.samples);
  console.log(`timeline plots, median of ${reps} renders each (SVG + PNG):`);
  for (const { id } of fixtureSummary().scenarios) {
    const { scenario, timeline, samples } = fixtureScenario(id);
    const figures = await measure(scenario, timeline, samples, reps);
    console.log(`  ${id.padEnd(42)} ${String(samples.length).padStart(6)} samples  ${String(figures.renderMsMedian).padStart(7)} ms  PNG ${figures.pngBytesMedian} B  SVG ${figures.svgBytesMedian} B`);
  }
  const generated = generatedScenario();
  const figures = await measure(generated.scenario, generated.timeline, generated.samples, reps);
  console.log(`  ${'generated (10 000 samples)'.padEnd(42)} ${String(generated.samples.length).padStart(6)} samples  ${String(figures.renderMsMedian).padStart(7)} ms  PNG ${figures.pngBytesMedian} B  SVG ${figures.svgBytesMedian} B`);
  console.log(JSON.stringify({ renderMsMedian: figures.renderMsMedian, pngBytesMedian: figures.pngBytesMedian }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** seeded: a small deterministic generator (LCG), so every run draws the same picture. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) % 4_294_967_296;
    return state / 4_294_967_296;
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:plots: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
