/**
 * The alerting section of the environment file (`alerting:`): where the runner reads alert state (Prometheus's
 * `ALERTS` series and Alertmanager's API v2), whether planned chaos is silenced, and where the remediation
 * service's audit log is served. Secrets are written `${env:NAME}` (in a URL's userinfo or as `bearerToken`) and
 * never reach a report (docs/decisions/0084).
 *
 *   alerting:
 *     alertmanager: http://198.18.0.10:9093            # required
 *     prometheus: http://198.18.0.10:9090              # default: prometheus.url
 *     bearerToken: ${env:ALERTING_TOKEN}               # optional, sent to both
 *     silenceExpected: true                            # default false
 *     silenceTtl: 2m                                   # silences of one-shot faults (default 2m)
 *     pollInterval: 500ms                              # alert readings (default 500ms)
 *     steadyStateIgnore: [Watchdog]                    # alerts that never count as a false alarm
 *     remediation:
 *       url: http://198.18.0.10:9095                   # the remediation service (its audit log at /audit)
 *       policy: ../alerts/remediation-policy.yaml      # the lab's service runs this policy
 */
import type { Environment } from '../../model/environment';
import type { EnvironmentSection } from '../../core/kinds';
import type { EnvironmentReader, YAMLMap } from '../../environment/reader';

declare module '../../model/environment' {
  interface EnvironmentSections {
    alerting?: AlertingSpec;
  }
}

/** RemediationSpec: the remediation service the environment runs (lab: lab/services/remediation/). */
export interface RemediationSpec {
  /** Base URL of the service: GET /audit serves its audit log. */
  url: string;
  /** The policy file (absolute), for a lab that runs the service itself. */
  policy?: string;
}

export interface AlertingSpec {
  prometheusUrl: string;
  alertmanagerUrl: string;
  bearerToken?: string;
  silenceExpected: boolean;
  silenceTtlMs: number;
  pollIntervalMs: number;
  steadyStateIgnore: string[];
  remediation?: RemediationSpec;
}

const DEFAULT_SILENCE_TTL_MS = 2 * 60_000;
const DEFAULT_POLL_MS = 500;

function url(r: EnvironmentReader, map: YAMLMap, key: string, owner: string): string {
  const node = r.get(map, key, true);
  const text = r.secretCapable(node, r.string(map, key, owner));
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw r.error(node, `${owner} ${key} is not a URL`, `write ${key}: http://host:port`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw r.error(node, `${owner} ${key} must be http or https, not ${parsed.protocol}`, `write ${key}: http://host:port`);
  return text.replace(/\/+$/, '');
}

function readAlerting(r: EnvironmentReader, value: unknown, env: Environment): AlertingSpec {
  const map = r.map(value, 'alerting', 'alerting is a mapping with alertmanager (and prometheus, silenceExpected, remediation)');
  const prometheusUrl = r.get(map, 'prometheus', false) ? url(r, map, 'prometheus', 'alerting') : env.prometheus?.url;
  if (!prometheusUrl) throw r.error(map, 'alerting needs a Prometheus (its ALERTS series), and neither alerting.prometheus nor prometheus.url is set', 'add prometheus: http://host:9090 under alerting:');
  const spec: AlertingSpec = {
    prometheusUrl,
    alertmanagerUrl: url(r, map, 'alertmanager', 'alerting'),
    silenceExpected: r.optionalBoolean(map, 'silenceExpected') ?? false,
    silenceTtlMs: DEFAULT_SILENCE_TTL_MS,
    pollIntervalMs: DEFAULT_POLL_MS,
    steadyStateIgnore: [],
  };
  const token = r.optionalString(map, 'bearerToken');
  if (token !== undefined) spec.bearerToken = r.secretCapable(r.get(map, 'bearerToken', true), token);
  const ttl = r.optionalDuration(map, 'silenceTtl');
  if (ttl !== undefined) {
    if (ttl < 1000 || ttl > 24 * 3600_000) throw r.error(r.get(map, 'silenceTtl', true), 'alerting silenceTtl must be between 1s and 24h', 'write e.g. silenceTtl: 2m');
    spec.silenceTtlMs = ttl;
  }
  const poll = r.optionalDuration(map, 'pollInterval');
  if (poll !== undefined) {
    if (poll < 100 || poll > 10_000) throw r.error(r.get(map, 'pollInterval', true), 'alerting pollInterval must be between 100ms and 10s', 'write e.g. pollInterval: 500ms');
    spec.pollIntervalMs = poll;
  }
  const ignore = r.get(map, 'steadyStateIgnore', false);
  if (ignore) spec.steadyStateIgnore = r.stringList(ignore, 'alerting steadyStateIgnore');
  const remediation = r.get(map, 'remediation', false);
  if (remediation) {
    const m = r.map(remediation, 'alerting remediation', 'remediation is a mapping with url (and policy)');
    spec.remediation = { url: url(r, m, 'url', 'alerting remediation') };
    const policy = r.optionalString(m, 'policy');
    if (policy !== undefined) spec.remediation.policy = r.path(policy);
  }
  return spec;
}

export const alertingSection: EnvironmentSection = {
  key: 'alerting',
  read: (reader: EnvironmentReader, value: unknown, env: Environment): AlertingSpec => readAlerting(reader, value, env),
};
