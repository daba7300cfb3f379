/**
 * The Ceph features (features/ceph) against the lab with Ceph: an OSD kill heals to clean while clients keep
 * writing, a node isolation takes its OSD down and the cluster heals after the revert, a lost host returns, out/in
 * backfill completes, noout holds the cluster back, a paused OSD is seen down, and the safety check refuses a
 * fault beyond the pools' budget without touching the OSD map. The events timed by Ceph's stamps (seen down,
 * marked out, active+clean; summary.json `events`) are compared with the monitor's cluster log file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labDown, labUp } from '../../lab/lab';
import type { RunSummary } from '../../src/model/summary';
import { clusterLogLineOf, labClusterLog, labEnv, readLatestJson, runCli, tempReportsDir } from './helpers';

const lab = labEnv();
const quiet = (): void => undefined;

describe('the Ceph features against the lab with Ceph', () => {
  before(async () => {
    await labUp(lab, quiet, { withCeph: true });
  });
  after(async () => {
    await labDown(lab, quiet);
  });

  it('every Ceph scenario passes: recovery to clean, client I/O, seen-down times, the safety refusal', async () => {
    const reports = tempReportsDir();
    const result = await runCli(['run', '--profile', 'ceph', '--reports', reports]);
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const failed = summary.scenarios.filter((s) => !s.asExpected).map((s) => `${s.id}: ${s.verdict}: ${s.reason ?? ''}`);
    assert.deepEqual(failed, [], result.stderr.slice(-4000));
    assert.equal(result.code, 0);
    assert.ok(summary.scenarios.length >= 7, `all Ceph scenarios ran (${summary.scenarios.length})`);
    const kill = summary.scenarios.find((s) => s.feature.endsWith('osd-kill.feature'));
    const clean = kill?.recovery.find((r) => r.probe === 'ceph');
    assert.ok(clean?.met && clean.recoverSeconds !== null, `the OSD kill recovered to clean: ${JSON.stringify(clean)}`);
    // Every event the run timed by Ceph's own stamps agrees with the monitor's cluster log FILE (all of it, not the
    // ~50 entries `ceph log last` keeps) within 1 s: an OSD seen down / marked out at the OSD map epoch that says
    // so (its "osdmap eN" line), all PGs active+clean at the PG map version that shows it (its "pgmap vN" line).
    const TOLERANCE_MS = 1000;
    const clusterLog = labClusterLog(lab);
    const events = summary.scenarios.flatMap((s) => (s.events ?? []).map((e) => ({ scenario: s.name, ...e })));
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of ['osd-down', 'osd-out', 'active+clean']) assert.ok(kinds.has(kind), `a ${kind} event was timed: ${JSON.stringify(events)}`);
    const compared = events.map((e) => {
      const line = clusterLogLineOf(clusterLog, e);
      return { ...e, line, differenceMs: line ? Math.abs(Date.parse(e.at) - line.epochMs) : Infinity };
    });
    const report = compared.map((c) => `${c.scenario}: ${c.event} at ${c.at} (${c.source}, ${c.afterSeconds}s after the ${c.from}; probe ${c.probeSeconds}s) vs log ${c.line?.stamp ?? 'missing'}: ${c.differenceMs.toFixed(1)} ms`).join('\n');
    console.log(report);
    for (const c of compared) {
      assert.ok(c.differenceMs <= TOLERANCE_MS, `${c.event} (${c.source}) agrees with its cluster-log line within 1 s:\n${report}`);
      if (c.kind === 'active+clean') assert.equal(c.line?.allActiveClean, true, `the log's ${c.source} line shows every PG active+clean`);
    }
  });
});
