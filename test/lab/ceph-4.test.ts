/**
 * The four-node lab (experiments/environments/lab-ceph4.yaml): with four OSDs and pool size 3, an OSD marked out
 * is healed around — its PGs are backfilled onto the other three and the cluster is active+clean while the OSD is
 * still out. Checks the feature passes, that data really moved (64 MiB of test data written first; the manager's
 * pgmap lines report recovery I/O after the out), that the test data is removed again, and that the timed events
 * agree with their cluster-log lines within 1 s.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { runCommand } from '../../src/executors/command';
import { loadEnvironment } from '../../src/environment/load';
import type { RunSummary } from '../../src/model/summary';
import { clusterLogLineOf, labClusterLog, readLatestJson, REPO, runCli, tempReportsDir } from './helpers';

const envFile = join(REPO, 'experiments', 'environments', 'lab-ceph4.yaml');
const lab = loadEnvironment(envFile);
const quiet = (): void => undefined;

describe('the four-node lab re-replicates the data of an OSD marked out', () => {
  before(async () => {
    await labUp(lab, quiet, { withCeph: true });
  });
  after(async () => {
    await labDown(lab, quiet);
  });

  it('is active+clean again while osd.1 is out, after real backfill, stamped as the cluster log says', async () => {
    const reports = tempReportsDir();
    const result = await runCli(['run', '--env', envFile, '--profile', 'ceph-4', '--reports', reports]);
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const scenario = summary.scenarios[0];
    assert.equal(scenario?.verdict, 'passed', `${scenario?.reason ?? ''}\n${result.stderr.slice(-3000)}`);
    const out = scenario.events?.find((e) => e.kind === 'osd-out');
    const clean = scenario.events?.find((e) => e.kind === 'active+clean');
    assert.ok(out && clean, `both events were timed: ${JSON.stringify(scenario.events)}`);
    assert.equal(clean.from, 'injection');
    assert.ok(clean.afterSeconds > out.afterSeconds, 'clean only after the OSD was out');
    const log = labClusterLog(lab);
    const outLine = clusterLogLineOf(log, out);
    const cleanLine = clusterLogLineOf(log, clean);
    assert.ok(outLine && cleanLine, `the log has ${out.source} and ${clean.source}`);
    assert.ok(Math.abs(Date.parse(out.at) - outLine.epochMs) <= 1000, `${out.source}: ${out.at} vs ${outLine.stamp}`);
    assert.ok(Math.abs(Date.parse(clean.at) - cleanLine.epochMs) <= 1000, `${clean.source}: ${clean.at} vs ${cleanLine.stamp}`);
    // Real re-replication: the manager reports recovery I/O after the out (the copies that lived on osd.1 are
    // made again on the other three), and the test data was there to move.
    const recovering = log.filter((l) => l.kind === 'pgmap' && l.epochMs > outLine.epochMs && l.epochMs < outLine.epochMs + 60_000 && /objects\/s recovering/.test(l.message));
    assert.ok(recovering.length > 0, 'the cluster log shows recovery I/O after osd.1 was marked out');
    assert.match(result.stderr, /wrote 64 MiB of test data into pool scs-chaos-lab/);
    assert.match(result.stderr, /cleaned up: 64 MiB of test data removed from pool scs-chaos-lab/);
    const objects = await runCommand(['rados', '--conf', join(lab.lab?.runDir ?? '', 'ceph', 'ceph.conf'), '--keyring', join(lab.lab?.runDir ?? '', 'ceph', 'ceph.client.admin.keyring'), '-p', 'scs-chaos-lab', 'ls'], { timeoutMs: 30_000 });
    assert.equal(objects.code, 0, objects.stderr);
    assert.deepEqual(objects.stdout.split('\n').filter((name) => name.startsWith('scs-chaos-')), [], 'no test data and no probe objects are left in the pool');
  });
});
