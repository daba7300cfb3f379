/**
 * Run metrics for a Prometheus Pushgateway: the run as Prometheus text exposition format (0.0.4), replaced with
 * HTTP PUT under the grouping key job/<job>/cloud/<cloud>, so each cloud's latest run is one group and dashboards
 * and alerts read it with PromQL. Series (every one also labelled job and cloud by the Pushgateway):
 *   scs_chaos_resilience_score                                  0..1 (absent for a run without scenarios)
 *   scs_chaos_run_timestamp_seconds                             when the run finished (Unix seconds)
 *   scs_chaos_run_exit_code                                     the run's exit code (DESIGN.md section 10)
 *   scs_chaos_run_info{run_id,environment}                      1
 *   scs_chaos_scenarios{verdict}                                scenarios per verdict, all five always present
 *   scs_chaos_scenario_verdict{scenario,verdict}                1 for the scenario's verdict, 0 for the other four
 *   scs_chaos_scenario_as_expected{scenario}                    1 or 0
 *   scs_chaos_recovery_seconds{scenario,probe}                  recovery time (the slowest when a probe recovered
 *                                                                twice); absent when it never recovered
 *   scs_chaos_recovery_bound_seconds{scenario,probe}            the bound the step set
 *   scs_chaos_recovery_met{scenario,probe}                      1 when every recovery of the probe met its bound
 *   scs_chaos_alert_seconds{scenario,alert,node}                time to alert (issue 15, src/report/alerts.ts), and
 *   scs_chaos_alert_resolve_seconds, scs_chaos_remediation_seconds{...,remediation}, scs_chaos_alert_met,
 *   scs_chaos_false_alarms{scenario}                            for scenarios that watched alerts
 */
import { BadInput } from '../kernel/errors';
import { VERDICTS, type RunSummary } from '../model/summary';
import { ALERT_FAMILIES, alertSamples } from './alerts';

export interface PushLabels {
  /** Pushgateway job, e.g. "scs-chaos-nightly". */
  job: string;
  /** The cloud the run tested, e.g. "gx-scs" or the environment's name. */
  cloud: string;
}

/** PushFailed: the Pushgateway could not be reached or refused the metrics; the run's verdict is not affected. */
export class PushFailed extends Error {
  override readonly name = 'PushFailed';
}

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Labels; value: number }>;
}

/** toExpositionText: the run's metrics in Prometheus text format 0.0.4, label values escaped. */
export function toExpositionText(summary: RunSummary): string {
  const families: Family[] = [];
  const family = (name: string, help: string): Family => {
    const f: Family = { name, help, samples: [] };
    families.push(f);
    return f;
  };
  if (summary.resilienceScore !== null) {
    family('scs_chaos_resilience_score', 'Share of scenarios that ended as expected, weighed by failsafe level (0..1).').samples.push({ labels: {}, value: summary.resilienceScore });
  }
  family('scs_chaos_run_timestamp_seconds', 'When the run finished, in Unix seconds.').samples.push({ labels: {}, value: Date.parse(summary.finishedAt) / 1000 });
  family('scs_chaos_run_exit_code', 'Exit code of the run: 0 passed, 1 refuted, 2 bad input, 3 compromised, 4 aborted.').samples.push({ labels: {}, value: summary.exitCode });
  family('scs_chaos_run_info', 'The run id and environment of the pushed run.').samples.push({ labels: { run_id: summary.runId, environment: summary.environment }, value: 1 });

  const counts = family('scs_chaos_scenarios', 'Scenarios of the run per verdict.');
  for (const verdict of VERDICTS) counts.samples.push({ labels: { verdict }, value: summary.scenarios.filter((s) => s.verdict === verdict).length });

  const verdicts = family('scs_chaos_scenario_verdict', 'The verdict of each scenario: 1 for its verdict, 0 for the others.');
  const expected = family('scs_chaos_scenario_as_expected', '1 when the scenario ended as expected (passed or as its @expect tag said).');
  const recovery = family('scs_chaos_recovery_seconds', 'Seconds from revert (or injection, for one-shot faults) until the probe was stable again.');
  const bound = family('scs_chaos_recovery_bound_seconds', 'The recovery bound the scenario set for the probe.');
  const met = family('scs_chaos_recovery_met', '1 when the probe recovered within its bound.');
  for (const scenario of summary.scenarios) {
    for (const verdict of VERDICTS) verdicts.samples.push({ labels: { scenario: scenario.id, verdict }, value: scenario.verdict === verdict ? 1 : 0 });
    expected.samples.push({ labels: { scenario: scenario.id }, value: scenario.asExpected ? 1 : 0 });
    // One series per probe: a probe that recovered twice in a scenario reports its slowest recovery and tightest bound.
    const byProbe = new Map<string, { seconds: number | null; never: boolean; bound: number; met: boolean }>();
    for (const r of scenario.recovery) {
      const seen = byProbe.get(r.probe);
      const never = (seen?.never ?? false) || r.recoverSeconds === null;
      const seconds = r.recoverSeconds === null ? (seen?.seconds ?? null) : Math.max(seen?.seconds ?? 0, r.recoverSeconds);
      byProbe.set(r.probe, { seconds, never, bound: Math.min(seen?.bound ?? Infinity, r.boundSeconds), met: (seen?.met ?? true) && r.met });
    }
    for (const [probe, r] of byProbe) {
      const labels = { scenario: scenario.id, probe };
      if (!r.never && r.seconds !== null) recovery.samples.push({ labels, value: r.seconds });
      bound.samples.push({ labels, value: r.bound });
      met.samples.push({ labels, value: r.met ? 1 : 0 });
    }
  }
  const alertFamilies = new Map(Object.entries(ALERT_FAMILIES).map(([name, help]) => [name, family(name, help)]));
  for (const sample of alertSamples(summary)) alertFamilies.get(sample.name)?.samples.push({ labels: sample.labels, value: sample.value });
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) lines.push(`${f.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** escapeLabelValue: a label value inside double quotes in the text format (backslash, quote and newline escaped). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * groupingPath: /metrics/job/<job>/cloud/<cloud>. A value with "/" (or an empty one) goes base64url-encoded with
 * the Pushgateway's "@base64" suffix, since a plain "/" would split the path; others are percent-encoded.
 */
export function groupingPath(labels: PushLabels): string {
  if (labels.job === '') throw new BadInput('the Pushgateway job must not be empty', undefined, 'name the job, e.g. scs-chaos-nightly');
  const part = (name: string, value: string): string => {
    if (value === '') return `${name}@base64/=`;
    if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
    return `${name}/${encodeURIComponent(value)}`;
  };
  return `/metrics/${part('job', labels.job)}/${part('cloud', labels.cloud)}`;
}

/**
 * pushRunMetrics: replaces the group job/<job>/cloud/<cloud> on the Pushgateway at `url` (e.g.
 * http://pushgateway:9091) with the run's metrics (HTTP PUT). Throws BadInput for a URL that is not http(s),
 * PushFailed when the gateway cannot be reached within `timeoutMs` or answers other than 2xx.
 */
export async function pushRunMetrics(url: string, summary: RunSummary, labels: PushLabels, timeoutMs = 10_000): Promise<void> {
  if (!/^https?:\/\/[^/]/.test(url)) throw new BadInput(`Pushgateway URL "${url}" is not an http(s) URL`, undefined, 'write e.g. http://pushgateway.example:9091');
  const target = `${url.replace(/\/+$/, '')}${groupingPath(labels)}`;
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
      body: toExpositionText(summary),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new PushFailed(`could not push metrics to ${target}: ${cause}. Is the Pushgateway running and reachable?`);
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).trim().slice(0, 500);
    throw new PushFailed(`Pushgateway refused the metrics: PUT ${target} answered ${response.status} ${response.statusText}${body ? `: ${body}` : ''}`);
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
