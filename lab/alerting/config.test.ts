import '../../src/kinds';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadEnvironment } from '../../src/environment/load';
import { labLayout } from '../layout';
import { labPrometheusPlan, onlyMountPointRegexp } from '../prometheus/config';
import { alertmanagerConfigYaml, labAlertingPlan } from './config';

const env = loadEnvironment(join(__dirname, '..', '..', 'experiments', 'environments', 'lab.yaml'));
const layout = labLayout(env);

describe('alerting in the lab: plan and configs', () => {
  it('Alertmanager routes every alert, grouped by alertname and node, to the remediation webhook at once', () => {
    const config = parse(alertmanagerConfigYaml({ webhookUrl: 'http://198.18.0.10:9095/alerts' })) as { route: Record<string, unknown>; receivers: Array<{ name: string; webhook_configs?: Array<{ url: string; send_resolved: boolean }> }> };
    assert.deepEqual(config.route, { receiver: 'remediation', group_by: ['alertname', 'node'], group_wait: '0s', group_interval: '1s', repeat_interval: '1h' });
    assert.deepEqual(config.receivers[0]?.webhook_configs?.[0], { url: 'http://198.18.0.10:9095/alerts', send_resolved: true, max_alerts: 0 });
    assert.deepEqual((parse(alertmanagerConfigYaml({})) as { receivers: unknown[] }).receivers, [{ name: 'discard' }], 'remediation switched off: nobody is called');
  });

  it('the plan: Alertmanager and the remediation service on the edge, rules copied into the run directory', () => {
    const plan = labAlertingPlan(layout, env, '/usr/bin/prometheus-alertmanager');
    assert.equal(plan.alertmanagerUrl, 'http://198.18.0.10:9093');
    assert.deepEqual(plan.programs.map((p) => p.name), ['alertmanager', 'remediation']);
    assert.ok(plan.programs.every((p) => p.argv.some((a) => a.includes('/run/scs-chaos-lab/'))), 'every command line names the run directory (lab down finds them)');
    const rules = plan.files.filter((f) => f.path.endsWith('.rules.yml')).map((f) => f.path.split('/').pop());
    assert.deepEqual(rules, ['ceph.rules.yml', 'node.rules.yml', 'web.rules.yml', 'broken-on-purpose.rules.yml']);
    assert.equal(plan.remediation?.auditPath, '/run/scs-chaos-lab/edge/remediation-audit.jsonl');
    const withoutRemediation = { ...env, sections: { ...env.sections, alerting: { ...env.sections.alerting!, remediation: undefined } } };
    assert.deepEqual(labAlertingPlan(layout, withoutRemediation, '/x').programs.map((p) => p.name), ['alertmanager']);
  });

  it("Prometheus loads the rules and sends to the lab's Alertmanager", () => {
    const plan = labAlertingPlan(layout, env, '/x');
    const prometheus = labPrometheusPlan(layout, { ruleFiles: [plan.ruleGlob], alertmanagerTargets: [plan.alertmanagerTarget], binaries: { prometheus: '/p', nodeExporter: '/n' } });
    const config = parse(prometheus.configText) as { rule_files: string[]; alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> } };
    assert.deepEqual(config.rule_files, ['/run/scs-chaos-lab/monitor/rules/*.rules.yml']);
    assert.deepEqual(config.alerting.alertmanagers[0]?.static_configs[0]?.targets, ['198.18.0.10:9093']);
  });

  it("node exporter reports only its node's data volume: the exclude pattern matches every other mount point", () => {
    const pattern = new RegExp(onlyMountPointRegexp('/run/scs-chaos-lab/node-1/data'));
    assert.equal(pattern.test('/run/scs-chaos-lab/node-1/data'), false);
    for (const other of ['/', '/run', '/run/scs-chaos-lab/node-1', '/run/scs-chaos-lab/node-1/data2', '/run/scs-chaos-lab/node-1/data/x', '/run/scs-chaos-lab/node-2/data', '/home', '/run/scs-chaos-lab/node-1/dat']) {
      assert.equal(pattern.test(other), true, other);
    }
  });
});
