import '..';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../../kernel/errors';
import { parseEnvironment } from '../../environment/load';

const env = (openstack: string): string =>
  ['name: t', 'nodes:', '  - name: node-1', '    address: 198.18.0.11', '    roles: [web]', '    executor: { kind: netns, namespace: ns1 }', 'services:', '  web: { roles: [web], port: 8080 }', 'scope:', '  nodes: [node-1]', 'openstack:', openstack].join('\n');

function badAt(text: string, line: number, message: RegExp): void {
  assert.throws(() => parseEnvironment(text, 'env.yaml'), (error: unknown) => {
    assert.ok(error instanceof BadInput, String(error));
    assert.equal(error.location?.line, line, error.describe());
    assert.match(error.message, message);
    assert.match(error.message, /fix: /);
    return true;
  });
}

describe('the openstack: section', () => {
  it('reads cloud, scope and compute hosts with defaults', () => {
    const spec = parseEnvironment(env('  cloud: lab\n  scope:\n    serverTags: [w]\n    loadBalancers: [lb]\n  computeHosts:\n    c1: { node: node-1, systemdUnit: nova-compute.service }'), '/x/env.yaml').sections.openstack;
    assert.equal(spec?.cloud, 'lab');
    assert.equal(spec?.requestTimeoutMs, 10_000);
    assert.equal(spec?.computeMicroversion, '2.79');
    assert.equal(spec?.scope.maxServersAtOnce, 1);
    assert.deepEqual(spec?.scope.serverTags, ['w']);
    assert.deepEqual(spec?.computeHosts.c1, { executor: { kind: 'netns', namespace: 'ns1' }, manager: { kind: 'systemd', unit: 'nova-compute.service' } });
  });

  it('names the line of a bad value', () => {
    badAt(env('  cloud: lab'), 12, /missing "scope"/);
    badAt(env('  scope:\n    maxServersAtOnce: 0'), 13, /maxServersAtOnce must be a whole number of at least 1/);
    badAt(env('  scope: {}\n  requestTimeout: 10m'), 13, /requestTimeout must be between 100ms and 5m/);
    badAt(env('  scope: {}\n  computeMicroversion: "3.1"'), 13, /is not a compute microversion/);
    badAt(env('  scope: {}\n  computeHosts:\n    c1: { node: node-9, systemdUnit: x }'), 14, /node node-9 is not in nodes/);
    badAt(env('  scope: {}\n  computeHosts:\n    c1: { executor: { kind: local } }'), 14, /names no process manager/);
  });
});
