/**
 * The fixture run of the plot tests (fixtures/README.md): a real lab run's summary.json, timeline.json and
 * samples.csv for three scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSlug } from '../../core/scenario-files';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { readSamplesCsv, readTimelineFile, type SampleRow, type TimelineFile } from './scenario-files-read';

export const FIXTURE_RUN_DIR = join(__dirname, 'fixtures');

export function fixtureSummary(): RunSummary {
  return JSON.parse(readFileSync(join(FIXTURE_RUN_DIR, 'summary.json'), 'utf8')) as RunSummary;
}

/** fixtureScenario: the scenario whose id is `id` (e.g. "features/lab/isolate-node.feature:7") with its files. */
export function fixtureScenario(id: string): { scenario: ScenarioSummary; timeline: TimelineFile; samples: SampleRow[] } {
  const scenario = fixtureSummary().scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`fixture run has no scenario ${id}`);
  const dir = join(FIXTURE_RUN_DIR, 'scenarios', scenarioSlug(id));
  return { scenario, timeline: readTimelineFile(join(dir, 'timeline.json')), samples: readSamplesCsv(join(dir, 'samples.csv')) };
}

export const ISOLATE = 'features/lab/isolate-node.feature:7';
export const UNATTAINABLE = 'features/lab/unattainable-slo.feature:7';
export const HALT = 'features/lab/halt-on-floor.feature:7';
