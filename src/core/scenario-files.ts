/**
 * The files one scenario leaves in its run directory: scenarios/<slug>/timeline.json (every event, with
 * seconds since the scenario started and wall-clock times) and samples.csv (every probe sample).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wallClockAt } from '../kernel/clock';
import type { Timeline } from './timeline';
import type { Sample } from '../model/sample';

/** scenarioSlug: a file-system-safe name for a scenario id ("features/lab/a.feature:9" → "lab-a-9"). */
export function scenarioSlug(id: string): string {
  return id.replace(/^features\//, '').replace(/\.feature:/, '-').replace(/[^A-Za-z0-9_-]+/g, '-');
}

export function writeScenarioFiles(runDir: string, scenarioId: string, startedAtWall: string, origin: number, timeline: Timeline): void {
  const dir = join(runDir, 'scenarios', scenarioSlug(scenarioId));
  mkdirSync(dir, { recursive: true });
  const events = timeline.events.map((e) => ({ ...e, t: round3((e.t - origin) / 1000), at: wallClockAt(e.t) }));
  writeFileSync(join(dir, 'timeline.json'), `${JSON.stringify({ scenario: scenarioId, startedAt: startedAtWall, events }, null, 2)}\n`);
  writeFileSync(join(dir, 'samples.csv'), samplesCsv(timeline.samples, origin));
}

/** samplesCsv: probe samples with time relative to `origin`, for plots and spreadsheets. */
export function samplesCsv(samples: readonly Sample[], origin: number): string {
  const rows = ['probe,t_seconds,ok,latency_ms,status,error'];
  for (const s of [...samples].sort((a, b) => a.t - b.t)) {
    const error = s.measurementProblem ? `${s.error ?? ''}(measurement)` : (s.error ?? '');
    rows.push([s.probe, round3((s.t - origin) / 1000), s.ok ? 1 : 0, s.latencyMs === undefined ? '' : s.latencyMs.toFixed(1), s.status ?? '', error].join(','));
  }
  return `${rows.join('\n')}\n`;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
