/**
 * The alert judgements of issue 15, each timed by the alerting system's own stamps:
 *   - fires:    Alertmanager's startsAt (the rule evaluation that made the alert fire; Prometheus's first
 *               ALERTS{alertstate="firing"} sample is recorded beside it) minus the injection;
 *   - resolves: the evaluation after the series' last firing sample (last sample + the group's interval: the
 *               moment Prometheus resolved it, Alertmanager's endsAt) minus the end of the fault;
 *   - no alert in steady state: any alert Alertmanager held during the steady-state window is a false alarm
 *               (the scenario fails: an alert that pages during normal operation is a defect too).
 * Each judgement records an AlertRecord in the summary and throws HypothesisRefuted with the evidence.
 */
import { now } from '../../kernel/clock';
import { formatDuration } from '../../kernel/duration';
import { BadInput, errorMessage, ExperimentCompromised, HypothesisRefuted } from '../../kernel/errors';
import type { AlertRecord } from '../../model/summary';
import type { ScenarioHandle } from '../../core/scenario-handle';
import { round3 } from '../../core/scenario-files';
import { alertRules, firingSamples } from './api';
import { alertingOf, alertKey, markWatchPlanned, noteExpectedAlert, recordsOf, requireWatch, saveRecord } from './scenario-alerts';
import { AlertWatch, monotonicAt, SeenAlert, setWatch, wallMsAt } from './watch';
import { silenceCompanion } from './silence';

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => round3(ms / 1000);

/** watchAlerts: "Given alerts are watched" — reads Alertmanager from now until the scenario ends. */
export async function watchAlerts(scenario: ScenarioHandle): Promise<void> {
  const spec = alertingOf(scenario.env);
  if (spec.silenceExpected) scenario.addFaultCompanion(silenceCompanion(scenario, spec));
  if (scenario.planning) {
    markWatchPlanned(scenario);
    scenario.plan(`watch alerts: Alertmanager ${spec.alertmanagerUrl} every ${formatDuration(spec.pollIntervalMs)}, ALERTS from ${spec.prometheusUrl}${spec.silenceExpected ? '; silence the expected alerts while each fault lasts' : ''}`);
    return;
  }
  const watch = new AlertWatch(spec, scenario);
  try {
    await watch.start();
  } catch (error) {
    throw new ExperimentCompromised(`cannot watch alerts: ${errorMessage(error)}`, { cause: error });
  }
  setWatch(scenario, watch);
  scenario.atScenarioEnd('stop watching alerts', () => watch.stop());
  scenario.say(`watching alerts: ${watch.seen.size} held by Alertmanager now; audit log from entry ${watch.auditBaseline + 1}`);
}

/** checkRuleExists: plan time, read-only: an alert no rule defines can never fire (BadInput); unreachable is fine. */
async function checkRuleExists(scenario: ScenarioHandle, alert: string): Promise<void> {
  const spec = alertingOf(scenario.env);
  const rules = await alertRules(spec).catch(() => undefined);
  if (!rules) {
    scenario.plan(`check: Prometheus ${spec.prometheusUrl} did not answer; the run will see whether alert ${alert} exists`);
    return;
  }
  if (!rules.some((r) => r.name === alert)) {
    throw new BadInput(`alert "${alert}" is not an alerting rule of Prometheus ${spec.prometheusUrl}`, undefined, `use one of: ${[...new Set(rules.map((r) => r.name))].sort().join(', ') || 'none (no rule files loaded)'}`);
  }
  scenario.plan(`check: Prometheus evaluates alert ${alert}`);
}

function requireInjection(scenario: ScenarioHandle, what: string): void {
  const window = scenario.faultWindow();
  if (window.start === null && !window.planned) throw new BadInput(`${what} is judged, but no fault was injected before it`, undefined, 'put the step after a fault step');
}

/**
 * alertFires: "the alert X fires for NODE within T" — by Alertmanager's startsAt, from the injection. `node` null:
 * any instance of the alert (cluster-wide alerts such as Ceph's have no node label).
 */
export async function alertFires(scenario: ScenarioHandle, alert: string, node: string | null, boundMs: number): Promise<void> {
  const forNode = node === null ? '' : ` for ${node}`;
  const spec = alertingOf(scenario.env);
  const watch = requireWatch(scenario);
  requireInjection(scenario, `"the alert ${alert} fires"`);
  if (scenario.planning) {
    noteExpectedAlert(scenario.meta.id, alert);
    notePlannedFires(scenario);
    await checkRuleExists(scenario, alert);
  }
  await scenario.step(`judge: alert ${alert} fires${forNode} within ${formatDuration(boundMs)} of the injection`, async () => {
    const w = watch as AlertWatch;
    const injected = scenario.lastInjectedAt();
    if (injected === null) throw new ExperimentCompromised('no fault was applied, so the time to alert cannot be measured');
    const injectedWall = wallMsAt(injected);
    const earliest = wallMsAt(scenario.lastApplyStartedAt() ?? injected) - 1000;
    const giveUpAt = injected + boundMs + spec.pollIntervalMs + 1000;
    const find = (): SeenAlert | undefined => [...w.seen.values()].find((a) => a.name === alert && (node === null || a.labels.node === node) && a.startsAtMs >= earliest);
    let match = find();
    while (!match && now() < giveUpAt) {
      await scenario.wait(spec.pollIntervalMs);
      await w.settle();
      match = find();
    }
    const key = alertKey(alert, node);
    if (!match) {
      saveRecord(scenario, key, { alert, node, firedAt: null, alertSeconds: null, alertBoundSeconds: seconds(boundMs), met: false });
      const others = [...w.seen.values()].filter((a) => a.startsAtMs >= earliest).map((a) => `${a.name}${a.labels.node ? ` for ${a.labels.node}` : ''}`);
      throw new HypothesisRefuted(
        `alert "${alert}" did not fire${forNode} within ${formatDuration(boundMs)}` +
          (others.length ? ` (Alertmanager held instead: ${[...new Set(others)].join(', ')})` : ' (Alertmanager held no alert of this scenario)') +
          (w.problems.length ? `; readings that failed: ${w.problems.join('; ')}` : ''),
        { alert, node, boundSeconds: seconds(boundMs), readings: w.readingCount },
      );
    }
    const alertMs = match.startsAtMs - injectedWall;
    const prometheusFiredAt = await firingSamples(spec, alert, (Date.now() - earliest) / 1000 + 5)
      .then((series) => series.find((s) => node === null || s.labels.node === node)?.times.find((t) => t * 1000 >= earliest))
      .then((t) => (t === undefined ? null : iso(t * 1000)))
      .catch(() => null);
    const record: AlertRecord = {
      alert,
      node,
      fingerprint: match.fingerprint,
      labels: match.labels,
      firedAt: iso(match.startsAtMs),
      prometheusFiredAt,
      alertSeconds: seconds(alertMs),
      alertBoundSeconds: seconds(boundMs),
      ...(match.silencedBy.size ? { silencedBy: [...match.silencedBy] } : {}),
      met: alertMs <= boundMs,
    };
    saveRecord(scenario, key, record);
    recordsOf(scenario).last = { key, fingerprint: match.fingerprint };
    scenario.say(`${record.met ? 'ok' : 'NOT MET'}: alert ${alert} fired${forNode} ${formatDuration(alertMs)} after the injection (Alertmanager startsAt ${record.firedAt}, Prometheus ${prometheusFiredAt ?? 'no ALERTS sample'})${match.silencedBy.size ? `, silenced by ${[...match.silencedBy].join(', ')}` : ''}`);
    if (!record.met) throw new HypothesisRefuted(`alert "${alert}" fired${forNode} only after ${formatDuration(alertMs)}, beyond the bound of ${formatDuration(boundMs)}`, { ...record });
  });
}

/** resolvedStamp: when Prometheus resolved the alert — the evaluation after its last firing sample — or undefined. */
async function resolvedStamp(scenario: ScenarioHandle, seen: SeenAlert): Promise<{ ms: number; source: string } | undefined> {
  const spec = alertingOf(scenario.env);
  const [series, rules] = await Promise.all([firingSamples(spec, seen.name, (Date.now() - seen.startsAtMs) / 1000 + 5), alertRules(spec)]).catch(() => [undefined, undefined]);
  const interval = rules?.find((r) => r.name === seen.name)?.intervalSeconds;
  const same = series?.find((s) => Object.entries(seen.labels).every(([k, v]) => s.labels[k] === v));
  const last = same?.times.filter((t) => t * 1000 >= seen.startsAtMs - 1).at(-1);
  if (last === undefined || interval === undefined) return undefined;
  return { ms: (last + interval) * 1000, source: `ALERTS series: last firing sample + ${interval}s evaluation interval` };
}

/** alertResolves: "it resolves within T after the fault" — the alert the latest "fires" step judged. */
export async function alertResolves(scenario: ScenarioHandle, boundMs: number): Promise<void> {
  const spec = alertingOf(scenario.env);
  const watch = requireWatch(scenario);
  const planned = scenario.scenarioState<{ fires: boolean }>('alerting/planned-fires', () => ({ fires: false }));
  if (scenario.planning && !planned.fires) throw new BadInput('"it resolves" has no alert to refer to', undefined, 'put it after "Then the alert ... fires for ... within ..."');
  await scenario.step(`judge: the alert resolves within ${formatDuration(boundMs)} after the fault`, async () => {
    const w = watch as AlertWatch;
    const last = recordsOf(scenario).last;
    const record = last ? recordsOf(scenario).byKey.get(last.key) : undefined;
    const seen = last?.fingerprint ? w.seen.get(last.fingerprint) : undefined;
    if (!last || !record || !seen) throw new ExperimentCompromised('the alert to judge did not fire, so its resolution cannot be measured');
    const window = scenario.faultWindow();
    const from = window.oneShot ? window.start : window.end;
    if (from === null) throw new ExperimentCompromised('the fault has not ended, so the time to resolve cannot be measured');
    const fromWall = wallMsAt(from);
    const giveUpAt = from + boundMs + spec.pollIntervalMs + 1000;
    while (seen.goneAtMs === null && now() < giveUpAt) {
      await scenario.wait(spec.pollIntervalMs);
      await w.settle();
    }
    if (seen.goneAtMs === null) {
      saveRecord(scenario, last.key, { ...record, resolvedAt: null, resolveSeconds: null, resolveBoundSeconds: seconds(boundMs), met: false });
      throw new HypothesisRefuted(`alert "${seen.name}"${seen.labels.node ? ` for ${seen.labels.node}` : ''} still fires ${formatDuration(now() - from)} after the fault (bound ${formatDuration(boundMs)})`, { alert: seen.name, fingerprint: seen.fingerprint });
    }
    const stamp = (await resolvedStamp(scenario, seen)) ?? { ms: seen.goneAtMs, source: 'Alertmanager stopped listing it (an upper bound)' };
    const resolveMs = stamp.ms - fromWall;
    const met = record.met && resolveMs <= boundMs;
    saveRecord(scenario, last.key, { ...record, resolvedAt: iso(stamp.ms), resolvedSource: stamp.source, resolveSeconds: seconds(resolveMs), resolveBoundSeconds: seconds(boundMs), met });
    scenario.timeline.record('note', `alert ${seen.name}${seen.labels.node ? ` for ${seen.labels.node}` : ''} resolved`, { alerting: 'resolved', alert: seen.name, node: seen.labels.node ?? null, fingerprint: seen.fingerprint }, monotonicAt(stamp.ms));
    const origin = window.oneShot ? 'injection' : 'revert';
    scenario.say(`${resolveMs <= boundMs ? 'ok' : 'NOT MET'}: alert ${seen.name} resolved ${formatDuration(Math.abs(resolveMs))} ${resolveMs < 0 ? 'before' : 'after'} the ${origin} (${iso(stamp.ms)}, ${stamp.source})`);
    if (resolveMs > boundMs) throw new HypothesisRefuted(`alert "${seen.name}" resolved only ${formatDuration(resolveMs)} after the ${origin}, beyond the bound of ${formatDuration(boundMs)}`, { alert: seen.name, resolvedAt: iso(stamp.ms) });
  });
}

/** notePlannedFires: plan mode's "fires" step makes a later "it resolves" valid. */
export function notePlannedFires(scenario: ScenarioHandle): void {
  scenario.scenarioState<{ fires: boolean }>('alerting/planned-fires', () => ({ fires: false })).fires = true;
}

/** noAlertInSteadyState: any alert held during the steady-state window (but the ignored ones) is a false alarm. */
export async function noAlertInSteadyState(scenario: ScenarioHandle): Promise<void> {
  const spec = alertingOf(scenario.env);
  const watch = requireWatch(scenario);
  await scenario.step('judge: no alert fires in the steady state (an alert there is a false alarm)', async () => {
    const w = watch as AlertWatch;
    await w.settle();
    const [from, to] = scenario.phaseWindow('before');
    const [fromWall, toWall] = [wallMsAt(from), wallMsAt(to)];
    const alarms = [...w.seen.values()].filter((a) => !spec.steadyStateIgnore.includes(a.name) && a.firstSeenMs <= toWall && (a.goneAtMs ?? Infinity) >= fromWall && a.startsAtMs <= toWall);
    for (const a of alarms) {
      saveRecord(scenario, `false-alarm:${a.fingerprint}`, { alert: a.name, node: a.labels.node ?? null, falseAlarm: true, fingerprint: a.fingerprint, labels: a.labels, firedAt: iso(a.startsAtMs), alertSeconds: null, met: false });
    }
    scenario.say(alarms.length ? `NOT MET: ${alarms.length} alert(s) during the steady state` : `ok: no alert during the steady state (${formatDuration(to - from)}, ${w.readingCount} readings)`);
    if (alarms.length) {
      const list = alarms.map((a) => `${a.name}${a.labels.node ? ` for ${a.labels.node}` : ''} (firing since ${iso(a.startsAtMs)})`).join(', ');
      throw new HypothesisRefuted(`false alarm: ${list} fired during the steady state, before any fault`, { alerts: alarms.map((a) => ({ alert: a.name, labels: a.labels, startsAt: iso(a.startsAtMs) })) });
    }
  });
}
