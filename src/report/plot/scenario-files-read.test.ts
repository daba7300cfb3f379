import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { samplesCsv } from '../../core/scenario-files';
import { fixtureScenario, ISOLATE } from './fixture-run';
import { parseSamplesCsv, parseTimelineJson, SAMPLES_CSV_HEADER } from './scenario-files-read';

describe('samples.csv reader', () => {
  it('reads back what the writer wrote, including measurement problems and a PromQL name with commas', () => {
    const csv = samplesCsv(
      [
        { probe: 'web', t: 1500, ok: true, latencyMs: 2.44, status: 200 },
        { probe: "promql:sum(x{a='1',b='2'})", t: 1200, ok: false, latencyMs: 12, error: 'condition' },
        { probe: 'web', t: 1700, ok: false, error: 'dns', measurementProblem: true },
      ],
      1000,
    );
    assert.deepEqual(parseSamplesCsv(csv), [
      { probe: "promql:sum(x{a='1',b='2'})", t: 0.2, ok: false, latencyMs: 12, error: 'condition', measurementProblem: false },
      { probe: 'web', t: 0.5, ok: true, latencyMs: 2.4, status: 200, measurementProblem: false },
      { probe: 'web', t: 0.7, ok: false, error: 'dns', measurementProblem: true },
    ]);
  });

  it('names the file and line of a row that does not parse', () => {
    assert.throws(() => parseSamplesCsv(`${SAMPLES_CSV_HEADER}\nweb,0.1,1,2.0,200,\nweb,soon,1,2.0,200,\n`, 'x/samples.csv'), /x\/samples\.csv:3: t_seconds "soon"/);
    assert.throws(() => parseSamplesCsv('t,probe\n', 'y.csv'), /y\.csv: first line is "t,probe"/);
  });

  it('reads the fixture run: every probe of the isolation scenario', () => {
    const { samples } = fixtureScenario(ISOLATE);
    const probes = new Set(samples.map((s) => s.probe));
    assert.deepEqual([...probes].sort(), ['load:web', "promql:sum(haproxy_backend_active_servers{proxy='web'})", 'web', 'web@node-1']);
    assert.equal(samples.filter((s) => s.probe === 'web@node-1' && s.error === 'timeout').length > 40, true);
  });
});

describe('timeline.json reader', () => {
  it('keeps t, kind, message and data, and rejects a file without events', () => {
    const timeline = parseTimelineJson(JSON.stringify({ scenario: 's', startedAt: '2026-01-01T00:00:00Z', events: [{ t: 1.5, at: 'x', kind: 'injected', message: 'm', data: { injectionId: 'a' } }] }));
    assert.deepEqual(timeline.events, [{ t: 1.5, at: 'x', kind: 'injected', message: 'm', data: { injectionId: 'a' } }]);
    assert.throws(() => parseTimelineJson('{"scenario":"s"}', 'z.json'), /z\.json: expected an object with "scenario", "startedAt" and "events"/);
    assert.throws(() => parseTimelineJson('{', 'z.json'), /z\.json: not valid JSON/);
  });
});
