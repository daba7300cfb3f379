/**
 * bench:halt — how fast does a halt condition remove a fault? Each repetition probes node-1's web backend at
 * the lab's default rate, declares "halt if availability over 1s drops below 50%", and isolates node-1.
 * The floor's true crossing instant is computed afterwards from all samples (by their start times, as if
 * every answer had been known at once); the halt latency is from that instant to the fault being reverted.
 * It therefore includes the wait for requests that time out (the probe timeout) — the real-world delay.
 *   usage: npm run bench:halt [-- --reps N]   (root; brings the lab up and down if it is not up)
 */
import { probeBackend } from '../src/probes/attach';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sleep } from '../src/kernel/clock';
import { Experiment } from '../src/core/experiment';
import { Journal } from '../src/core/journal';
import type { RunContext } from '../src/core/run-context';
import { isolateNode } from '../src/kinds/hosts/network/isolate';
import type { Sample } from '../src/model/sample';
import { faultTarget } from '../src/kinds/hosts/target';
import { median, percentileOf, withLab } from './lib/lab-session';

const WINDOW_MS = 1000;
const FLOOR = 0.5;

/** crossingInstant: the first sample start time at which availability over the preceding window is below the floor. */
function crossingInstant(samples: readonly Sample[], from: number): number | null {
  const usable = samples.filter((s) => !s.measurementProblem).sort((a, b) => a.t - b.t);
  for (const sample of usable) {
    if (sample.t < from) continue;
    const windowed = usable.filter((s) => s.t > sample.t - WINDOW_MS && s.t <= sample.t);
    if (windowed.length >= 5 && windowed.filter((s) => s.ok).length / windowed.length < FLOOR) return sample.t;
  }
  return null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '7' } } });
  const reps = Number(values.reps);
  const haltMs = await withLab(async (env) => {
    const latencies: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const runDir = mkdtempSync(join(tmpdir(), 'scs-chaos-bench-halt-'));
      const journal = new Journal(join(runDir, 'journal.jsonl'));
      const ctx: RunContext = {
        runId: 'bench-halt', runDir, env, mode: 'execute', journal, interruption: new AbortController(),
        scenarios: [], planned: [], plannedScenarios: [], log: () => undefined, seed: 1,
      };
      const experiment = new Experiment(ctx, { id: `bench:halt:${rep}`, name: 'halt', feature: 'bench', line: rep, tags: [] });
      const probe = probeBackend(experiment.handle, 'web', 'node-1', env.defaults.probeRateHz);
      experiment.haltWhen(probe, `availability >= ${FLOOR * 100}%`, WINDOW_MS);
      await sleep(1500 + Math.random() * 100);
      let ending: unknown;
      try {
        await experiment.injectFor(isolateNode(faultTarget(env, 'node-1')), 30_000);
      } catch (error) {
        ending = error;
      }
      const summary = await experiment.finish(ending);
      journal.close();
      const reverted = experiment.timeline.events.find((e) => e.kind === 'reverted');
      const injected = experiment.timeline.events.find((e) => e.kind === 'injected');
      const crossed = injected ? crossingInstant(experiment.timeline.samples, injected.t) : null;
      if (!summary || summary.verdict !== 'aborted' || !reverted || crossed === null) {
        throw new Error(`repetition ${rep}: expected a halt (verdict ${summary?.verdict}, reason ${summary?.reason})`);
      }
      const latency = reverted.t - crossed;
      latencies.push(latency);
      process.stdout.write(`repetition ${rep + 1}: floor crossed ${((crossed - (injected?.t ?? 0)) / 1000).toFixed(3)}s after injection, fault reverted ${latency.toFixed(0)}ms later (the revert itself took ${Math.round((summary.halt?.haltSeconds ?? NaN) * 1000)}ms after detection)\n`);
      await sleep(1500); // let haproxy and the node settle before the next repetition
    }
    return latencies;
  });
  const figures = {
    benchmark: 'halt',
    repetitions: haltMs.length,
    medianHaltMs: Math.round(median(haltMs)),
    p95HaltMs: Math.round(percentileOf(haltMs, 95)),
    maxHaltMs: Math.round(Math.max(...haltMs)),
    targetMedianHaltMs: 1000,
  };
  process.stdout.write(`halt latency: median ${figures.medianHaltMs}ms, p95 ${figures.p95HaltMs}ms, max ${figures.maxHaltMs}ms over ${figures.repetitions} halts; target median <= 1000ms\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:halt failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
