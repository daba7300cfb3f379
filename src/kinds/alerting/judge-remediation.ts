/**
 * The remediation judgements of issue 15, read from the remediation service's audit log (its own times):
 *   - acts:  the first action of the named rule in this scenario, on the expected node, ended within the bound
 *            of the injection (time to remediate); an action on another node fails with the audit entry as
 *            evidence, and so does a failed action;
 *   - none configured: the audit log shows the alert reached the service and no rule answers it;
 *   - recovers after the remediation: the probe was stable again, within the bound of the action's end and
 *            before the fault was reverted — so the remediation, not the revert, healed it.
 */
import { now } from '../../kernel/clock';
import { formatDuration } from '../../kernel/duration';
import { BadInput, ExperimentCompromised, HypothesisRefuted } from '../../kernel/errors';
import type { RemediationRecord } from '../../model/summary';
import type { ScenarioHandle } from '../../core/scenario-handle';
import { round3 } from '../../core/scenario-files';
import { findRecovery } from '../../slo/recovery';
import { auditEntries } from './api';
import type { AuditEntry } from './audit-entry';
import { alertingOf, alertKey, recordsOf, requireWatch, saveRecord } from './scenario-alerts';
import { AlertWatch, monotonicAt, wallMsAt } from './watch';

type ActionEntry = Extract<AuditEntry, { type: 'action' }>;
const seconds = (ms: number): number => round3(ms / 1000);
const POLL_MS = 250;

function requireRemediation(scenario: ScenarioHandle): void {
  const spec = alertingOf(scenario.env);
  if (!spec.remediation) throw new BadInput(`environment ${scenario.env.name} names no remediation service, so remediations cannot be judged`, { file: scenario.env.sourcePath }, 'add remediation: { url: http://host:9095 } under alerting:');
}

/** describeEntry: one audit entry for people (and evidence). */
export function describeEntry(entry: AuditEntry): string {
  const alert = `${entry.alert.name}${entry.alert.labels.node ? ` for ${entry.alert.labels.node}` : ''}`;
  if (entry.type === 'action') return `#${entry.seq} ${entry.rule}: ${entry.action} on ${entry.target.node} (${entry.target.what}) for ${alert}, ${entry.start} to ${entry.end}, ${entry.result}: ${entry.output}`;
  if (entry.type === 'no-policy') return `#${entry.seq} no rule answers ${alert}`;
  return `#${entry.seq} ${entry.alert.status} ${alert}`;
}

/** attach: adds the remediation to the scenario's record of the alert it answered (or a record of its own). */
function attach(scenario: ScenarioHandle, alertName: string, node: string, remediation: RemediationRecord): void {
  const key = alertKey(alertName, node);
  const record = recordsOf(scenario).byKey.get(key) ?? { alert: alertName, node, firedAt: null, alertSeconds: null, met: true };
  saveRecord(scenario, key, { ...record, remediation, met: record.met && remediation.met });
}

function remediationState(scenario: ScenarioHandle): { last?: ActionEntry; planned: boolean } {
  return scenario.scenarioState('alerting/remediation', () => ({ planned: false }));
}

/** remediationActs: "the remediation R acts on NODE within T" — by the audit log's entry. */
export async function remediationActs(scenario: ScenarioHandle, name: string, node: string, boundMs: number): Promise<void> {
  requireRemediation(scenario);
  const spec = alertingOf(scenario.env);
  const watch = requireWatch(scenario);
  if (scenario.planning) remediationState(scenario).planned = true;
  await scenario.step(`judge: the remediation ${name} acts on ${node} within ${formatDuration(boundMs)} of the injection (audit log ${spec.remediation?.url}/audit)`, async () => {
    const w = watch as AlertWatch;
    const injected = scenario.lastInjectedAt();
    if (injected === null) throw new ExperimentCompromised('no fault was applied, so the time to remediate cannot be measured');
    const injectedWall = wallMsAt(injected);
    const giveUpAt = injected + boundMs + 2000;
    let entries = await auditEntries(spec, w.auditBaseline);
    const first = (): ActionEntry | undefined => entries.find((e): e is ActionEntry => e.type === 'action' && e.rule === name);
    while (!first() && now() < giveUpAt) {
      await scenario.wait(POLL_MS);
      entries = await auditEntries(spec, w.auditBaseline);
    }
    const found = first();
    if (!found) {
      attach(scenario, '(none)', node, { name, configured: true, expectedNode: node, boundSeconds: seconds(boundMs), remediateSeconds: null, met: false });
      throw new HypothesisRefuted(
        `the remediation "${name}" did not act within ${formatDuration(boundMs)}; the audit log shows ${entries.length ? entries.map(describeEntry).join('; ') : 'nothing since the scenario started'}`,
        { auditLog: entries },
      );
    }
    remediationState(scenario).last = found;
    const remediateMs = Date.parse(found.end) - injectedWall;
    const onNode = found.target.node === node;
    const met = onNode && found.result !== 'failed' && remediateMs <= boundMs;
    const record: RemediationRecord = {
      name,
      configured: true,
      action: found.action,
      node: found.target.node,
      expectedNode: node,
      startedAt: found.start,
      finishedAt: found.end,
      result: found.result,
      output: found.output,
      auditSeq: found.seq,
      remediateSeconds: seconds(remediateMs),
      boundSeconds: seconds(boundMs),
      met,
    };
    attach(scenario, found.alert.name, node, record);
    scenario.timeline.record('note', `remediation ${name} on ${found.target.node}: ${found.result}`, { alerting: 'remediation', rule: name, node: found.target.node, result: found.result, auditSeq: found.seq }, monotonicAt(Date.parse(found.end)));
    scenario.say(`${met ? 'ok' : 'NOT MET'}: audit log ${describeEntry(found)} (${formatDuration(remediateMs)} after the injection)`);
    if (!onNode) throw new HypothesisRefuted(`the remediation "${name}" acted on ${found.target.node}, not on ${node}: audit log entry ${describeEntry(found)}`, { auditEntry: found });
    if (found.result === 'failed') throw new HypothesisRefuted(`the remediation "${name}" on ${node} failed: audit log entry ${describeEntry(found)}`, { auditEntry: found });
    if (remediateMs > boundMs) throw new HypothesisRefuted(`the remediation "${name}" on ${node} ended only ${formatDuration(remediateMs)} after the injection, beyond the bound of ${formatDuration(boundMs)}`, { auditEntry: found });
  });
}

/** noRemediationConfigured: "no remediation is configured for the alert X" — the audit log says so. */
export async function noRemediationConfigured(scenario: ScenarioHandle, alert: string, boundMs: number): Promise<void> {
  requireRemediation(scenario);
  const spec = alertingOf(scenario.env);
  const watch = requireWatch(scenario);
  await scenario.step(`judge: the audit log shows that no remediation is configured for alert ${alert}`, async () => {
    const w = watch as AlertWatch;
    const giveUpAt = now() + boundMs;
    let entries = await auditEntries(spec, w.auditBaseline);
    const noPolicy = (): AuditEntry | undefined => entries.find((e) => e.type === 'no-policy' && e.alert.name === alert);
    while (!noPolicy() && now() < giveUpAt) {
      await scenario.wait(POLL_MS);
      entries = await auditEntries(spec, w.auditBaseline);
    }
    const found = noPolicy();
    const acted = entries.filter((e): e is ActionEntry => e.type === 'action' && e.alert.name === alert);
    const node = found?.alert.labels.node ?? acted[0]?.alert.labels.node ?? '';
    attach(scenario, alert, node, { configured: false, met: found !== undefined && acted.length === 0, ...(found ? { auditSeq: found.seq } : {}) });
    if (acted.length) throw new HypothesisRefuted(`a remediation acted on alert "${alert}", which should have none: ${acted.map(describeEntry).join('; ')}`, { auditLog: acted });
    if (!found) throw new HypothesisRefuted(`the audit log does not show alert "${alert}" reaching the remediation service within ${formatDuration(boundMs)}: ${entries.map(describeEntry).join('; ') || 'no entry'}`, { auditLog: entries });
    scenario.say(`ok: alert ${alert} reached the remediation service and no rule answers it (${describeEntry(found)}): reported as "no remediation configured"`);
  });
}

/** recoversAfterRemediation: "PROBE recovers within T after the remediation" — and before the fault's revert. */
export async function recoversAfterRemediation(scenario: ScenarioHandle, probe: string, boundMs: number): Promise<void> {
  scenario.requireProbe(probe);
  if (scenario.planning && !remediationState(scenario).planned) throw new BadInput('"recovers ... after the remediation" has no remediation to refer to', undefined, 'put it after "Then the remediation ... acts on ... within ..."');
  await scenario.step(`judge: ${probe} recovers within ${formatDuration(boundMs)} after the remediation, before the fault's revert`, async () => {
    const action = remediationState(scenario).last;
    if (!action) throw new ExperimentCompromised('no remediation acted, so recovery after it cannot be measured');
    const from = monotonicAt(Date.parse(action.start));
    const until = scenario.faultWindow().end ?? now();
    const finding = findRecovery(scenario.timeline.samplesOf(probe), { from, stabilizationMs: scenario.stabilizationMs, until });
    const endMs = Date.parse(action.end) - Date.parse(action.start);
    const recoverMs = finding.recoveredAt === null ? null : Math.max(0, finding.recoveredAt - from - endMs);
    const met = recoverMs !== null && recoverMs <= boundMs;
    const key = [...recordsOf(scenario).byKey.entries()].find(([, r]) => r.remediation?.auditSeq === action.seq)?.[0];
    const record = key ? recordsOf(scenario).byKey.get(key) : undefined;
    if (key && record?.remediation) saveRecord(scenario, key, { ...record, remediation: { ...record.remediation, recoverAfterSeconds: recoverMs === null ? null : seconds(recoverMs), met: record.remediation.met && met }, met: record.met && met });
    scenario.say(`${met ? 'ok' : 'NOT MET'}: ${probe} ${recoverMs === null ? 'did not recover between the remediation and the revert' : `stable again ${formatDuration(recoverMs)} after the remediation ended, before the revert`}`);
    if (!met) {
      throw new HypothesisRefuted(
        recoverMs === null ? `${probe} did not recover between the remediation (audit #${action.seq}) and the fault's revert: the remediation did not heal it` : `${probe} recovered ${formatDuration(recoverMs)} after the remediation, beyond the bound of ${formatDuration(boundMs)}`,
        { auditEntry: action },
      );
    }
  });
}
