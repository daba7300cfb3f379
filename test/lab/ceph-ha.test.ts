/**
 * Monitor and manager loss against the lab with Ceph: first a lab with ONE monitor, where losing it must be
 * refused at plan time (exit 2) with the numbers, the monitor's quorum untouched (same election epoch, same
 * quorum); then the HA lab (3 monitors, 2 managers) where every scenario of the ceph-ha profile must pass —
 * a stopped peon and a stopped leader monitor leave a quorum and rejoin, the standby manager takes over — with
 * the probe's times compared to the monitor's cluster log.
 * Environment files: SCS_CHAOS_LAB_ENV (the one-monitor lab, default lab.yaml) and SCS_CHAOS_LAB_HA_ENV (default
 * lab-ceph-ha.yaml), so a second lab on the machine can run this with its own names.
 */
import '../../src/kinds';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { loadEnvironment } from '../../src/environment/load';
import type { Environment } from '../../src/model/environment';
import { cephClientFor } from '../../src/kinds/ceph/client/from-environment';
import type { RunSummary } from '../../src/model/summary';
import { labEnv, labEnvPath, readLatestJson, REPO, runCli, tempReportsDir } from './helpers';

const quiet = (): void => undefined;
const single = labEnv();
const haPath = resolve(process.env.SCS_CHAOS_LAB_HA_ENV ?? join(REPO, 'experiments', 'environments', 'lab-ceph-ha.yaml'));
const ha: Environment = loadEnvironment(haPath);

describe('monitor and manager loss against the lab with Ceph', () => {
  let up: Environment | null = null;
  after(async () => {
    if (up) await labDown(up, quiet);
  });

  it('with one monitor, losing it is refused at plan time (exit 2), the quorum untouched', async () => {
    up = single;
    await labUp(single, quiet, { withCeph: true });
    const ceph = cephClientFor(single);
    const before = await ceph.quorumStatus();
    assert.deepEqual(before.quorumNames, ['a']);
    const result = await runCli(['run', '--env', labEnvPath(), '--reports', tempReportsDir(), 'test/lab/features/mon-loss-refused.feature']);
    assert.equal(result.code, 2, result.stderr.slice(-3000));
    assert.match(result.stderr, /1 monitor, 1 in quorum: losing mon\.a leaves 0 of 1, no majority/);
    const afterwards = await ceph.quorumStatus();
    assert.deepEqual([afterwards.electionEpoch, afterwards.quorumNames, afterwards.monmapEpoch], [before.electionEpoch, before.quorumNames, before.monmapEpoch]);
    await labDown(single, quiet);
    up = null;
  });

  it('with 3 monitors and 2 managers every ceph-ha scenario passes; probe and cluster log agree', async () => {
    up = ha;
    const started = Date.now();
    await labUp(ha, quiet, { withCeph: true });
    const upSeconds = (Date.now() - started) / 1000;
    assert.ok(upSeconds < 60, `lab up --with ceph with 3 monitors and 2 managers took ${upSeconds}s`);
    const ceph = cephClientFor(ha);
    assert.deepEqual((await ceph.quorumStatus()).quorumNames, ['a', 'b', 'c']);
    assert.equal((await ceph.mgrDump()).standbys.length, 1);

    const reports = tempReportsDir();
    const result = await runCli(['run', '--env', haPath, '--profile', 'ceph-ha', '--reports', reports]);
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const failed = summary.scenarios.filter((s) => !s.asExpected).map((s) => `${s.id}: ${s.verdict}: ${s.reason ?? ''}`);
    assert.deepEqual(failed, [], result.stderr.slice(-4000));
    assert.equal(result.code, 0);
    assert.equal(summary.scenarios.length, 3);
    // The probe reads once a second, so its interpolated edge can be off by about a reading, and the monitors'
    // election lines and the quorum the probe sees are different events (an election ends a moment after it is
    // called); the monitor's stamp is what the bound is judged on.
    const TOLERANCE_MS = 3000;
    const toMs = (value: string, unit: string): number => Number(value) * (unit === 's' ? 1000 : 1);
    const compared = result.stderr.split('\n').flatMap((line) => {
      const match = /probe ([\d.]+)(ms|s), monitor log ([\d.]+)(ms|s)\)/.exec(line);
      return match ? [{ line, probeMs: toMs(match[1] as string, match[2] as string), logMs: toMs(match[3] as string, match[4] as string) }] : [];
    });
    assert.ok(compared.length >= 5, `out of quorum, back in quorum (twice) and the failover compare probe and log:\n${result.stderr.slice(-3000)}`);
    for (const { line, probeMs, logMs } of compared) assert.ok(Math.abs(probeMs - logMs) <= TOLERANCE_MS, line);
  });
});
