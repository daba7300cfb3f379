import '../index';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BadInput } from '../../kernel/errors';
import { loadEnvironment, parseEnvironment } from '../../environment/load';
import { forgetSecretsForTests, redact } from '../../kernel/secrets';
import { silenceMatchers, tagOf } from './silence';

const base = (alerting: string, prometheus = 'prometheus: { url: http://198.18.0.10:9090 }'): string =>
  ['name: t', 'nodes:', '  - name: node-1', '    address: 198.18.0.11', '    roles: [web]', '    executor: { kind: netns, namespace: ns1 }', 'services:', '  web: { roles: [web], port: 8080 }', 'scope:', '  nodes: [node-1]', prometheus, alerting].join('\n');

/** refusal: what parseEnvironment threw for `text` (a BadInput is expected; anything else fails the test). */
function refusal(text: string): BadInput {
  try {
    parseEnvironment(text, '/x/env.yaml');
  } catch (error) {
    if (error instanceof BadInput) return error;
    throw error;
  }
  throw new Error('the environment was accepted');
}

describe('the alerting: section', () => {
  it('the lab environment names Alertmanager, the remediation service and its policy', () => {
    const spec = loadEnvironment(join(__dirname, '..', '..', '..', 'experiments', 'environments', 'lab.yaml')).sections.alerting;
    assert.equal(spec?.alertmanagerUrl, 'http://198.18.0.10:9093');
    assert.equal(spec?.prometheusUrl, 'http://198.18.0.10:9090', 'Prometheus defaults to prometheus.url');
    assert.equal(spec?.silenceExpected, false);
    assert.match(spec?.remediation?.policy ?? '', /experiments\/alerts\/remediation-policy\.yaml$/);
  });

  it('defaults, and every field', () => {
    const spec = parseEnvironment(base('alerting:\n  alertmanager: http://am:9093/\n  silenceExpected: true\n  silenceTtl: 90s\n  pollInterval: 250ms\n  steadyStateIgnore: [Watchdog]\n  remediation: { url: http://r:9095 }'), '/x/env.yaml').sections.alerting;
    assert.deepEqual(spec, { prometheusUrl: 'http://198.18.0.10:9090', alertmanagerUrl: 'http://am:9093', silenceExpected: true, silenceTtlMs: 90_000, pollIntervalMs: 250, steadyStateIgnore: ['Watchdog'], remediation: { url: 'http://r:9095' } });
  });

  it('secrets come from ${env:NAME} and are redacted', () => {
    process.env.SCS_TEST_AM_TOKEN = 'am-token-123456';
    process.env.SCS_TEST_AM_PASSWORD = 'am-pass-98765';
    try {
      const spec = parseEnvironment(base('alerting:\n  alertmanager: http://ops:${env:SCS_TEST_AM_PASSWORD}@am:9093\n  bearerToken: ${env:SCS_TEST_AM_TOKEN}'), '/x/env.yaml').sections.alerting;
      assert.equal(spec?.bearerToken, 'am-token-123456');
      assert.equal(spec?.alertmanagerUrl, 'http://ops:am-pass-98765@am:9093');
      assert.equal(redact(`token am-token-123456 url ${spec?.alertmanagerUrl}`).includes('am-token-123456') || redact(spec?.alertmanagerUrl ?? '').includes('am-pass-98765'), false);
    } finally {
      delete process.env.SCS_TEST_AM_TOKEN;
      delete process.env.SCS_TEST_AM_PASSWORD;
      forgetSecretsForTests();
    }
  });

  it('bad input is refused with its line and a fix', () => {
    const cases: Array<[string, number, RegExp]> = [
      [base('alerting:\n  silenceExpected: true'), 13, /alertmanager/],
      [base('alerting:\n  alertmanager: am:9093'), 13, /alertmanager is not a URL|must be http/],
      [base('alerting:\n  alertmanager: http://am:9093\n  silenceTtl: 500ms'), 14, /silenceTtl must be between 1s and 24h/],
      [base('alerting:\n  alertmanager: http://am:9093\n  pollInterval: 20s'), 14, /pollInterval must be between/],
      [base('alerting:\n  alertmanager: http://am:9093', ''), 13, /neither alerting.prometheus nor prometheus.url/],
      [base('alerting:\n  alertmanager: http://am:9093\n  bearerToken: ${env:SCS_TEST_UNSET_TOKEN}'), 14, /SCS_TEST_UNSET_TOKEN is not set/],
    ];
    for (const [text, line, message] of cases) {
      const error = refusal(text);
      assert.deepEqual([error.location?.line, message.test(error.describe()), /fix: /.test(error.message)], [line, true, true], error.describe());
    }
  });
});

describe('silences', () => {
  it('matchers: exact for one alert and node, an escaped regex for several', () => {
    assert.deepEqual(silenceMatchers(['WebBackendDown'], ['node-2']), [
      { name: 'alertname', value: 'WebBackendDown', isRegex: false, isEqual: true },
      { name: 'node', value: 'node-2', isRegex: false, isEqual: true },
    ]);
    assert.deepEqual(silenceMatchers(['A', 'B'], ['n.1', 'n-2'])[1], { name: 'node', value: 'n\\.1|n-2', isRegex: true, isEqual: true });
  });

  it('only silences by scs-chaos with an injection tag are ours', () => {
    assert.equal(tagOf({ createdBy: 'scs-chaos', comment: 'scs-chaos/injection=1a2b3c4d: planned chaos' }), '1a2b3c4d');
    assert.equal(tagOf({ createdBy: 'alice', comment: 'scs-chaos/injection=1a2b3c4d' }), undefined);
    assert.equal(tagOf({ createdBy: 'scs-chaos', comment: 'maintenance window' }), undefined);
  });
});
