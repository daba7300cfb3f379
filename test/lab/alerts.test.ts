/**
 * Alerting in the lab (issue 15), against `lab up --with alerting` (Alertmanager, the rules of experiments/alerts/,
 * the remediation service): the features of features/alerts pass (a broken rule fails as expected), and their
 * times agree with Alertmanager's own startsAt/endsAt (as its webhook notifications carry them, recorded in the
 * remediation service's audit log) and with the audit log's action entries within 1 s; a remediation on the wrong
 * node fails with the audit entry as evidence; planned chaos is silenced, still verified, and the silence is gone
 * after the revert, after the TTL of a SIGKILLed run, and after `sweep`.
 * Environment: SCS_CHAOS_LAB_ENV (default experiments/environments/lab.yaml); the features are written for the
 * default lab's names and rewritten for another lab's (featuresForLab). Prints how long each part took.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import type { AlertRecord, RunSummary } from '../../src/model/summary';
import type { AuditEntry } from '../../src/kinds/alerting/audit-entry';
import { auditEntries, listSilences } from '../../src/kinds/alerting/api';
import { ourSilences } from '../../src/kinds/alerting/silence';
import type { AlertingSpec } from '../../src/kinds/alerting/environment';
import type { JournalEntry } from '../../src/core/journal';
import { alertingKind } from '../../src/kinds/alerting';
import { MARKER_DIR } from '../../src/revert/shell-markers';
import { featuresForLab, journalOf, labEnv, labEnvPath, readLatestJson, runCli, startCli, tempReportsDir, waitFor } from './helpers';

const lab = labEnv();
const quiet = (): void => undefined;
const spec = lab.sections.alerting as AlertingSpec;
const TOLERANCE_MS = 1000;
const node = (n: number): string => lab.nodes[n - 1]?.name ?? `node-${n}`;
const started = Date.now();
const took = (what: string, since: number): void => console.log(`${what}: ${((Date.now() - since) / 1000).toFixed(1)} s`);

/** killAfterBothInjections: runs the silenced feature and SIGKILLs it once the silence and the pause are applied. */
async function killAfterBothInjections(reports: string, env: string, feature: string): Promise<void> {
  const { child, finished } = startCli(['run', '--env', env, '--reports', reports, feature]);
  await waitFor(() => existsSync(join(reports, 'latest', 'journal.jsonl')) && journalOf(reports).filter((e) => e.type === 'injected').length >= 2, 30_000, 'the silence and the pause to be injected');
  process.kill(-(child.pid as number), 'SIGKILL');
  await finished;
}

/** silenceEnv: the lab's environment file with alerting.silenceExpected: true, in a temporary file. */
function silenceEnv(): string {
  const path = join(tempReportsDir(), 'lab-silenced.yaml');
  const text = readFileSync(labEnvPath(), 'utf8');
  assert.match(text, /silenceExpected: false/, 'the lab environment says silenceExpected: false');
  writeFileSync(path, text.replace('silenceExpected: false', 'silenceExpected: true').replace(/policy: \.\.\//, `policy: ${join(labEnvPath(), '..', '..')}/`));
  return path;
}

const differenceMs = (a: string | null | undefined, b: string | null | undefined): number => (a && b ? Math.abs(Date.parse(a) - Date.parse(b)) : Infinity);

describe('alerting in the lab: alerts fire and resolve in time, remediations act and leave a trace, silences end', () => {
  before(async () => {
    const t = Date.now();
    await labUp(lab, quiet, { withAlerting: true });
    took('lab up --with alerting', t);
  });
  after(async () => {
    await labDown(lab, quiet);
    took('alerts lab test, all of it', started);
  });

  it('features/alerts: every scenario ends as expected; its times agree with Alertmanager and the audit log within 1 s', async () => {
    const t = Date.now();
    const reports = tempReportsDir();
    const result = await runCli(['run', '--env', labEnvPath(), '--reports', reports, ...featuresForLab(lab, 'features/alerts')]);
    took('features/alerts', t);
    if (!existsSync(join(reports, 'latest'))) assert.fail(`the run wrote no report (exit ${result.code}):\n${result.stdout}${result.stderr}`);
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const wrong = summary.scenarios.filter((s) => !s.asExpected).map((s) => `${s.name}: ${s.verdict}: ${s.reason ?? ''}`);
    assert.deepEqual(wrong, [], result.stderr.slice(-4000));
    assert.equal(result.code, 0);
    assert.equal(summary.scenarios.length, 4);
    const broken = summary.scenarios.find((s) => s.name.includes('broken rule'));
    assert.match(broken?.reason ?? '', /alert "WebBackendDownBroken" did not fire for \S+ within 10\.0s/);

    const audit = await auditEntries(spec);
    const notices = audit.filter((e): e is Extract<AuditEntry, { type: 'notification' }> => e.type === 'notification');
    const records = summary.scenarios.flatMap((s) => (s.alerts ?? []).map((a) => ({ scenario: s.name, faults: s.faults, ...a }))).filter((a): a is typeof a & AlertRecord => a.firedAt !== null);
    assert.ok(records.length >= 3, `three alerts fired: ${JSON.stringify(records)}`);
    const lines: string[] = [];
    for (const r of records) {
      const firing = notices.find((n) => n.alert.fingerprint === r.fingerprint && n.alert.status === 'firing' && differenceMs(n.alert.startsAt, r.firedAt) <= TOLERANCE_MS);
      const resolved = notices.find((n) => n.alert.fingerprint === r.fingerprint && n.alert.status === 'resolved' && n.alert.startsAt === firing?.alert.startsAt);
      lines.push(`${r.alert} for ${r.node}: fired ${r.firedAt} (${r.alertSeconds}s) vs Alertmanager startsAt ${firing?.alert.startsAt}; resolved ${r.resolvedAt} (${r.resolveSeconds}s) vs endsAt ${resolved?.alert.endsAt}`);
      assert.ok(firing, `Alertmanager notified ${r.alert} firing at its startsAt ${r.firedAt}: ${JSON.stringify(notices.map((n) => n.alert))}`);
      assert.ok(differenceMs(r.prometheusFiredAt, r.firedAt) <= TOLERANCE_MS, `Prometheus's first firing sample agrees: ${r.prometheusFiredAt} vs ${r.firedAt}`);
      assert.ok(resolved, `Alertmanager notified ${r.alert} resolved`);
      assert.ok(differenceMs(r.resolvedAt, resolved.alert.endsAt) <= TOLERANCE_MS, `resolvedAt ${r.resolvedAt} agrees with Alertmanager's endsAt ${resolved.alert.endsAt} within 1 s`);
      const injectedAt = r.faults.find((f) => f.kind !== 'alert-silence')?.injectedAt ?? '';
      assert.ok(Math.abs(Date.parse(r.firedAt ?? '') - Date.parse(injectedAt) - (r.alertSeconds ?? NaN) * 1000) <= TOLERANCE_MS, 'alertSeconds is startsAt minus the injection');
    }
    const remediated = records.find((r) => r.remediation?.configured);
    const action = audit.find((e): e is Extract<AuditEntry, { type: 'action' }> => e.type === 'action' && e.seq === remediated?.remediation?.auditSeq);
    assert.ok(remediated?.remediation && action, `the remediation scenario recorded its audit entry: ${JSON.stringify(remediated)}`);
    assert.equal(action.target.node, node(2));
    assert.equal(action.result, 'ok');
    assert.ok(differenceMs(remediated.remediation.startedAt, action.start) <= TOLERANCE_MS && differenceMs(remediated.remediation.finishedAt, action.end) <= TOLERANCE_MS, 'remediation times agree with the audit log');
    lines.push(`restart-backend: ${remediated.remediation.startedAt}..${remediated.remediation.finishedAt} (${remediated.remediation.remediateSeconds}s after the injection) vs audit #${action.seq} ${action.start}..${action.end}`);
    const full = records.find((r) => r.alert === 'NodeFilesystemAlmostOutOfSpace');
    assert.equal(full?.remediation?.configured, false, 'the disk fill is reported as having no remediation');
    console.log(lines.join('\n'));
  });

  it('a remediation that acts on the wrong node fails with the audit log entry as evidence', async () => {
    const t = Date.now();
    const policyPath = join(lab.lab?.runDir ?? '/run/scs-chaos-lab', 'edge', 'remediation-policy.yaml');
    const policy = readFileSync(policyPath, 'utf8');
    writeFileSync(policyPath, `rules:\n  - name: restart-backend\n    alert: WebBackendDown\n    action: start-service\n    service: web\n    node: ${node(1)}\n`);
    try {
      const reports = tempReportsDir();
      const result = await runCli(['run', '--env', labEnvPath(), '--reports', reports, ...featuresForLab(lab, 'test/lab/features', ['alerts-wrong-node.feature'])]);
      const [scenario] = readLatestJson<RunSummary>(reports, 'summary.json').scenarios;
      assert.equal(scenario?.verdict, 'failed', result.stderr.slice(-3000));
      assert.equal(scenario?.asExpected, true);
      assert.match(scenario?.reason ?? '', new RegExp(`the remediation "restart-backend" acted on ${node(1)}, not on ${node(2)}: audit log entry #\\d+`));
      const evidence = scenario?.evidence?.auditEntry as { seq: number; target: { node: string } } | undefined;
      assert.equal(evidence?.target.node, node(1));
      const entry = (await auditEntries(spec)).find((e) => e.seq === evidence?.seq);
      assert.equal(entry?.type === 'action' ? entry.target.node : undefined, node(1), 'the evidence is the audit log entry itself');
    } finally {
      writeFileSync(policyPath, policy);
    }
    took('wrong-node remediation', t);
  });

  it('with silenceExpected the expected alert is silenced for the faulted node, still verified, and the silence ends with the fault', async () => {
    const t = Date.now();
    const reports = tempReportsDir();
    const result = await runCli(['run', '--env', silenceEnv(), '--reports', reports, ...featuresForLab(lab, 'test/lab/features', ['alerts-silenced.feature'])]);
    const [scenario] = readLatestJson<RunSummary>(reports, 'summary.json').scenarios;
    assert.equal(scenario?.verdict, 'passed', `${scenario?.reason}\n${result.stderr.slice(-3000)}`);
    const silenceFault = scenario?.faults.find((f) => f.kind === 'alert-silence');
    assert.ok(silenceFault?.revertedAt, `the silence was injected and reverted like a fault: ${JSON.stringify(scenario?.faults)}`);
    const alert = scenario?.alerts?.[0];
    assert.ok(alert?.silencedBy?.length, `Alertmanager held the alert as silenced: ${JSON.stringify(alert)}`);
    const silence = (await listSilences(spec)).find((s) => s.id === alert.silencedBy?.[0]);
    assert.ok(silence, 'the silence is in Alertmanager');
    assert.match(silence.comment, new RegExp(`scs-chaos/injection=${silenceFault.injectionId}`));
    assert.deepEqual(silence.matchers.map((m) => `${m.name}=${m.value}`).sort(), ['alertname=WebBackendDown', `node=${node(3)}`]);
    assert.equal(silence.status.state, 'expired', 'removed on revert');
    assert.deepEqual(await ourSilences(spec), []);
    took('silenced run', t);
  });

  it('a SIGKILLed run leaves no active silence once its TTL has passed; sweep removes one it finds', async () => {
    const t = Date.now();
    const env = silenceEnv();
    const [feature] = featuresForLab(lab, 'test/lab/features', ['alerts-silenced.feature']) as [string];
    const markers = join(MARKER_DIR, node(3));
    const first = tempReportsDir();
    await killAfterBothInjections(first, env, feature);
    const intent = journalOf(first).find((e): e is Extract<JournalEntry, { type: 'inject-intent' }> => e.type === 'inject-intent' && e.kind === 'alert-silence');
    assert.ok(intent?.deadline, 'the journal holds the silence with its deadline');
    const [left] = await ourSilences(spec);
    assert.ok(left, 'the killed run left its silence active');
    assert.ok(Math.abs(Date.parse(left.endsAt) - Date.parse(String(intent.deadline))) <= TOLERANCE_MS, `the silence ends at the fault's TTL: ${left.endsAt} vs ${intent.deadline}`);
    await waitFor(async () => (await ourSilences(spec)).length === 0, Date.parse(left.endsAt) - Date.now() + 3000, 'the silence to end at its TTL');
    assert.ok(Date.now() >= Date.parse(left.endsAt) - TOLERANCE_MS, 'it ended at its endsAt, not before');
    // The pause's own on-node timer resumes the backend at the same TTL; then a second killed run is swept at once.
    await waitFor(() => !existsSync(markers) || readdirSync(markers).length === 0, 10_000, 'the pause to expire on the node');
    const second = tempReportsDir();
    await killAfterBothInjections(second, env, feature);
    assert.equal((await ourSilences(spec)).length, 1, 'the second killed run left its silence');
    // The alerting kind's own sweep (what `scs-chaos sweep` runs for it): the whole sweep would also act on the
    // host-wide revert markers that other labs on this machine share.
    const outcomes = (await alertingKind.sweep?.(lab)) ?? [];
    assert.match(outcomes.flatMap((o) => o.lines).join('\n'), /expired silence \S+ \(injection [0-9a-f]+\)/);
    assert.deepEqual(await ourSilences(spec), [], 'sweep removed it');
    const rollback = await runCli(['rollback', '--journal', join(second, 'latest', 'journal.jsonl')]);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    took('SIGKILL and sweep', t);
  });

  it("Ceph's rules for real: a stopped OSD raises CephOSDDown, which resolves after the fault (Ceph added to the lab)", async () => {
    const t = Date.now();
    await labUp(lab, quiet, { withAlerting: true, withCeph: true });
    took('lab up --with ceph,alerting (adding Ceph)', t);
    const reports = tempReportsDir();
    const result = await runCli(['run', '--env', labEnvPath(), '--reports', reports, ...featuresForLab(lab, 'features/alerts-ceph')]);
    const [scenario] = readLatestJson<RunSummary>(reports, 'summary.json').scenarios;
    assert.equal(scenario?.verdict, 'passed', `${scenario?.reason}\n${result.stderr.slice(-3000)}`);
    const alert = scenario?.alerts?.[0];
    assert.equal(alert?.alert, 'CephOSDDown');
    const notices = (await auditEntries(spec)).filter((e) => e.type === 'notification' && e.alert.fingerprint === alert?.fingerprint);
    assert.ok(notices.some((n) => differenceMs(n.alert.startsAt, alert?.firedAt) <= TOLERANCE_MS), 'fired at Alertmanager\'s startsAt');
    assert.ok(notices.some((n) => n.alert.status === 'resolved' && differenceMs(n.alert.endsAt, alert?.resolvedAt) <= TOLERANCE_MS), 'resolved at Alertmanager\'s endsAt');
    took('Ceph alerts', t);
  });
});
