/**
 * The files attached to a scenario's Allure result, all from the run directory:
 *   samples.csv, timeline.json, timeline.svg (when the plot exists)   scenarios/<slug>/
 *   journal excerpt                                                   the journal.jsonl lines of the scenario's injections
 *   evidence                                                          ScenarioSummary.evidence as JSON
 * Each has a fixed key: its file in allure-results is "<result uuid>-scs-<key>-attachment.<ext>", so enriching
 * twice rewrites the same files instead of adding new ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSlug } from '../../core/scenario-files';
import type { ScenarioSummary } from '../../model/summary';

export interface ScenarioAttachment {
  /** Stable key, part of the attachment's file name. */
  key: string;
  /** Name shown in the report. */
  name: string;
  type: string;
  extension: string;
  content: Buffer;
}

/** The plot another module draws for each scenario; attached when present. */
export const TIMELINE_PLOT = 'timeline.svg';

export function scenarioAttachments(runDir: string, scenario: ScenarioSummary, journalLines: readonly string[]): ScenarioAttachment[] {
  const dir = join(runDir, 'scenarios', scenarioSlug(scenario.id));
  const attachments: ScenarioAttachment[] = [];
  const file = (key: string, fileName: string, name: string, type: string, extension: string): void => {
    const path = join(dir, fileName);
    if (existsSync(path)) attachments.push({ key, name, type, extension, content: readFileSync(path) });
  };
  file('timeline-plot', TIMELINE_PLOT, 'timeline plot', 'image/svg+xml', 'svg');
  file('samples', 'samples.csv', 'probe samples (samples.csv)', 'text/csv', 'csv');
  const excerpt = journalExcerpt(journalLines, scenario);
  if (excerpt.length) {
    attachments.push({ key: 'journal', name: 'journal excerpt (journal.jsonl)', type: 'text/plain', extension: 'txt', content: Buffer.from(`${excerpt.join('\n')}\n`) });
  }
  if (scenario.evidence) {
    attachments.push({ key: 'evidence', name: 'evidence', type: 'application/json', extension: 'json', content: Buffer.from(`${JSON.stringify(scenario.evidence, null, 2)}\n`) });
  }
  file('timeline', 'timeline.json', 'timeline (timeline.json)', 'application/json', 'json');
  return attachments;
}

/**
 * journalExcerpt: the journal lines about this scenario's injections, verbatim (as `rollback` reads them): each
 * inject-intent names its scenario, and every later entry names its injection id.
 */
export function journalExcerpt(lines: readonly string[], scenario: Pick<ScenarioSummary, 'id' | 'faults'>): string[] {
  const entries = lines.map((line) => {
    try {
      return JSON.parse(line) as { injectionId?: unknown; scenario?: unknown };
    } catch {
      return null; // a torn last line after a crash
    }
  });
  const ids = new Set<unknown>(scenario.faults.map((fault) => fault.injectionId));
  for (const entry of entries) if (entry?.scenario === scenario.id) ids.add(entry.injectionId);
  return lines.filter((_line, index) => {
    const entry = entries[index];
    return entry !== null && entry !== undefined && typeof entry.injectionId === 'string' && ids.has(entry.injectionId);
  });
}
