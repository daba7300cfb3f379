/**
 * writeScenarioPlots: timeline.svg and timeline.png beside every scenario's timeline.json and samples.csv in a
 * run directory. A plot is a report, not a verdict: a scenario whose plot cannot be drawn is listed with the
 * reason and the others are still drawn; nothing here throws for one scenario's sake.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSlug } from '../../core/scenario-files';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { renderScenarioPlot, type RenderOptions } from './render';
import { readSamplesCsv, readTimelineFile, type SampleRow, type TimelineFile } from './scenario-files-read';

export type ScenarioPlotResult =
  | { scenarioId: string; svgPath: string; pngPath: string }
  | { scenarioId: string; error: string };

/** writeScenarioPlots: draws every scenario of `summary`, one at a time (rendering takes a core while it runs). */
export async function writeScenarioPlots(runDir: string, summary: RunSummary, options: RenderOptions = {}): Promise<ScenarioPlotResult[]> {
  const results: ScenarioPlotResult[] = [];
  for (const scenario of summary.scenarios) {
    try {
      results.push(await writeScenarioPlot(runDir, scenario, options));
    } catch (error) {
      results.push({ scenarioId: scenario.id, error: `timeline plot of ${scenario.id}: ${(error as Error).message}` });
    }
  }
  return results;
}

async function writeScenarioPlot(runDir: string, scenario: ScenarioSummary, options: RenderOptions): Promise<ScenarioPlotResult> {
  const dir = join(runDir, 'scenarios', scenarioSlug(scenario.id));
  const timelinePath = join(dir, 'timeline.json');
  const samplesPath = join(dir, 'samples.csv');
  // A scenario that ended before it sampled (not steady at once, compromised in preflight) may lack the files.
  const timeline: TimelineFile = existsSync(timelinePath) ? readTimelineFile(timelinePath) : { scenario: scenario.id, startedAt: scenario.startedAt, events: [] };
  const samples: SampleRow[] = existsSync(samplesPath) ? readSamplesCsv(samplesPath) : [];
  const { svg, png } = await renderScenarioPlot(scenario, timeline, samples, options);
  mkdirSync(dir, { recursive: true });
  const svgPath = join(dir, 'timeline.svg');
  const pngPath = join(dir, 'timeline.png');
  writeFileSync(svgPath, svg);
  writeFileSync(pngPath, png);
  return { scenarioId: scenario.id, svgPath, pngPath };
}
