import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, PolicyError, rulesFor, targetNode } from './policy';

const LAB_POLICY = join(__dirname, '..', '..', '..', 'experiments', 'alerts', 'remediation-policy.yaml');

describe('remediation policy', () => {
  it("the lab's policy answers WebBackendDown by starting web on the alert's node", () => {
    const policy = parsePolicy(readFileSync(LAB_POLICY, 'utf8'), LAB_POLICY);
    const [rule] = rulesFor(policy, 'WebBackendDown');
    assert.deepEqual(rule, { name: 'restart-backend', alert: 'WebBackendDown', action: 'start-service', service: 'web', nodeLabel: 'node', osdLabel: 'ceph_daemon' });
    assert.equal(targetNode(rule as NonNullable<typeof rule>, { node: 'node-2' }), 'node-2');
    assert.deepEqual(rulesFor(policy, 'NodeFilesystemAlmostOutOfSpace'), [], 'no rule: reported as no remediation configured');
  });

  it('a fixed node wins over the label (what a mistaken policy looks like)', () => {
    const [rule] = parsePolicy('rules:\n  - { name: r, alert: A, action: start-service, service: web, node: node-1 }\n', 'p.yaml').rules;
    assert.equal(targetNode(rule as NonNullable<typeof rule>, { node: 'node-2' }), 'node-1');
  });

  it('refuses a broken policy with its line', () => {
    const refused = (text: string, message: RegExp): void => assert.throws(() => parsePolicy(text, 'p.yaml'), (e: unknown) => e instanceof PolicyError && message.test(e.message));
    refused('rules: 3\n', /p\.yaml:1: a policy is a mapping with a "rules:" list/);
    refused('rules:\n  - { name: r, alert: A, action: reboot }\n', /p\.yaml:2: unknown action "reboot"/);
    refused('rules:\n  - { name: r, alert: A, action: start-service }\n', /p\.yaml:2: action start-service needs "service:"/);
    refused('rules:\n  - { name: r, action: ceph-osd-in }\n', /p\.yaml:2: rule is missing "alert"/);
    refused('rules:\n  - { name: r, alert: A, action: ceph-osd-in }\n  - { name: r, alert: B, action: ceph-osd-in }\n', /p\.yaml:3: rule name "r" appears twice/);
    refused('rules: [\n', /not YAML/);
  });
});
