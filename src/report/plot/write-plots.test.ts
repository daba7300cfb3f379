import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scenarioSlug } from '../../core/scenario-files';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { FIXTURE_RUN_DIR, fixtureSummary, HALT, ISOLATE, UNATTAINABLE } from './fixture-run';
import { NO_SAMPLES_NOTE } from './plot-model';
import { PNG_SIGNATURE } from './png-read';
import { writeScenarioPlots } from './write-plots';

describe('writeScenarioPlots', () => {
  it('writes timeline.svg and timeline.png for every scenario, also one without samples, and lists one that fails', async (t) => {
    const runDir = mkdtempSync(join(tmpdir(), 'scs-chaos-plots-'));
    t.after(() => rmSync(runDir, { recursive: true, force: true }));
    cpSync(FIXTURE_RUN_DIR, runDir, { recursive: true });
    const fixture = fixtureSummary();
    const neverSampled: ScenarioSummary = { ...(fixture.scenarios[0] as ScenarioSummary), id: 'features/lab/cold.feature:4', name: 'never sampled', verdict: 'not-steady', faults: [], slos: [], recovery: [] };
    const summary: RunSummary = { ...fixture, scenarios: [...fixture.scenarios, neverSampled] };
    // A torn timeline.json (the run was killed while writing it) must not cost the other scenarios their plots.
    writeFileSync(join(runDir, 'scenarios', scenarioSlug(HALT), 'timeline.json'), '{"scenario": "features/lab/ha');

    const results = await writeScenarioPlots(runDir, summary);

    assert.deepEqual(results.map((r) => [r.scenarioId, 'error' in r]), [[ISOLATE, false], [UNATTAINABLE, false], [HALT, true], ['features/lab/cold.feature:4', false]]);
    const failed = results[2];
    assert.ok(failed && 'error' in failed && /timeline plot of features\/lab\/halt-on-floor\.feature:7: .*timeline\.json: not valid JSON/.test(failed.error), JSON.stringify(failed));
    for (const id of [ISOLATE, UNATTAINABLE, 'features/lab/cold.feature:4']) {
      const dir = join(runDir, 'scenarios', scenarioSlug(id));
      assert.ok(readFileSync(join(dir, 'timeline.svg'), 'utf8').startsWith('<svg'), `${id} svg`);
      assert.ok(readFileSync(join(dir, 'timeline.png')).subarray(0, 8).equals(PNG_SIGNATURE), `${id} png`);
    }
    assert.ok(readFileSync(join(runDir, 'scenarios', 'lab-cold-4', 'timeline.svg'), 'utf8').includes(NO_SAMPLES_NOTE));
    assert.equal(existsSync(join(runDir, 'scenarios', scenarioSlug(HALT), 'timeline.png')), false);
  });
});
