/**
 * Readers for the files one scenario leaves in its run directory (written by src/core/scenario-files.ts):
 * timeline.json and samples.csv. They check the shape they rely on and say which file and line is wrong,
 * because a plot drawn from a misread file shows the wrong experiment.
 */
import { readFileSync } from 'node:fs';
import type { TimelineEventKind } from '../../core/timeline';

/** TimelineFileEvent: one event of timeline.json; `t` is seconds since the scenario started. */
export interface TimelineFileEvent {
  t: number;
  /** Wall-clock ISO time of the event. */
  at: string;
  kind: TimelineEventKind;
  message: string;
  data?: Record<string, unknown>;
}

/** TimelineFile: timeline.json of one scenario; `startedAt` is the wall-clock time of t = 0. */
export interface TimelineFile {
  scenario: string;
  startedAt: string;
  events: TimelineFileEvent[];
}

/** SampleRow: one row of samples.csv; `t` is seconds since the scenario started. */
export interface SampleRow {
  probe: string;
  t: number;
  ok: boolean;
  /** Absent when the measurement did not complete (the column is empty). */
  latencyMs?: number;
  status?: number;
  error?: string;
  /** The probe could not measure (error ends in "(measurement)"): left out of availability, as in the SLO math. */
  measurementProblem: boolean;
}

export const SAMPLES_CSV_HEADER = 'probe,t_seconds,ok,latency_ms,status,error';
const MEASUREMENT_SUFFIX = '(measurement)';

/** readTimelineFile: parses a scenario's timeline.json; throws naming the file and what is missing. */
export function readTimelineFile(path: string): TimelineFile {
  return parseTimelineJson(readFileSync(path, 'utf8'), path);
}

export function parseTimelineJson(text: string, source = 'timeline.json'): TimelineFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message}); was the run interrupted while writing it?`);
  }
  if (!isRecord(value) || typeof value.scenario !== 'string' || typeof value.startedAt !== 'string' || !Array.isArray(value.events)) {
    throw new Error(`${source}: expected an object with "scenario", "startedAt" and "events" (see src/core/scenario-files.ts)`);
  }
  const events = value.events.map((event: unknown, index: number): TimelineFileEvent => {
    if (!isRecord(event) || typeof event.t !== 'number' || typeof event.kind !== 'string' || typeof event.message !== 'string') {
      throw new Error(`${source}: event ${index} lacks a numeric "t", a "kind" or a "message"`);
    }
    return {
      t: event.t,
      at: typeof event.at === 'string' ? event.at : '',
      kind: event.kind as TimelineEventKind,
      message: event.message,
      ...(isRecord(event.data) ? { data: event.data } : {}),
    };
  });
  return { scenario: value.scenario, startedAt: value.startedAt, events };
}

/** readSamplesCsv: parses a scenario's samples.csv; throws naming the file and line that does not parse. */
export function readSamplesCsv(path: string): SampleRow[] {
  return parseSamplesCsv(readFileSync(path, 'utf8'), path);
}

export function parseSamplesCsv(text: string, source = 'samples.csv'): SampleRow[] {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== SAMPLES_CSV_HEADER) {
    throw new Error(`${source}: first line is "${lines[0] ?? ''}", expected the header "${SAMPLES_CSV_HEADER}"`);
  }
  const rows: SampleRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    // The writer does not quote: probe names and error classes hold no commas, except that a PromQL probe's
    // name may ("promql:sum(x{a='1',b='2'})"). The last five fields are fixed, so split from the right.
    const fields = line.split(',');
    if (fields.length < 6) throw new Error(`${source}:${i + 1}: expected 6 comma-separated fields, found ${fields.length}: "${line}"`);
    const [tText, okText, latencyText, statusText, errorText] = fields.slice(-5) as [string, string, string, string, string];
    const probe = fields.slice(0, -5).join(',');
    const t = Number(tText);
    if (tText === '' || !Number.isFinite(t)) throw new Error(`${source}:${i + 1}: t_seconds "${tText}" is not a number`);
    if (okText !== '0' && okText !== '1') throw new Error(`${source}:${i + 1}: ok is "${okText}", expected 0 or 1`);
    const latencyMs = latencyText === '' ? undefined : Number(latencyText);
    if (latencyMs !== undefined && !Number.isFinite(latencyMs)) throw new Error(`${source}:${i + 1}: latency_ms "${latencyText}" is not a number`);
    const measurementProblem = errorText.endsWith(MEASUREMENT_SUFFIX);
    const error = measurementProblem ? errorText.slice(0, -MEASUREMENT_SUFFIX.length) : errorText;
    rows.push({
      probe,
      t,
      ok: okText === '1',
      ...(latencyMs === undefined ? {} : { latencyMs }),
      ...(statusText === '' ? {} : { status: Number(statusText) }),
      ...(error === '' ? {} : { error }),
      measurementProblem,
    });
  }
  return rows;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
