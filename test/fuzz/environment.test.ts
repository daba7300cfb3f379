/**
 * Fuzz: environment YAML documents — a valid lab-like file with its values replaced by generated ones (numbers,
 * durations, strings, lists, nulls, nesting), keys dropped or added, and plain generated YAML — through the real
 * loader with every kind's section reader. Property: a valid Environment whose every number is within its bound,
 * or a refusal (BadInput with a `fix:` line, naming the file); never any other error.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseEnvironment } from '../../src/environment/load';
import { MAX_DURATION_MS } from '../../src/kernel/duration';
import '../../src/kinds';
import { expectValueOrRefusal, fuzz, numberText, report } from './harness';

const FILE = '/fuzz/environments/generated.yaml';

/** BASE: a valid environment (three netns nodes, a service, scope, defaults, Prometheus and a Ceph section). */
const BASE = {
  name: 'fuzz',
  nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, address: `198.19.40.${10 + i}`, roles: ['web'], executor: { kind: 'netns', namespace: `scs-fz-node-${i}` } })),
  services: { web: { roles: ['web'], port: 8080, endpoint: 'http://198.19.40.10:80/', backendUrl: 'http://{address}:8080/', processMatch: 'web {node}' } },
  scope: { nodes: ['node-1', 'node-2', 'node-3'], maxNodesAtOnce: 1, allowDestructive: false, maxFaultDuration: '10m' },
  defaults: { faultTtlGrace: '10s', probeRate: 20, probeTimeout: '500ms', stabilization: '2s' },
  prometheus: { url: 'http://198.19.40.10:9090' },
  ceph: { executorNode: 'local', backend: 'lab', conf: '/run/x/ceph.conf', keyring: '/run/x/k', user: 'admin' },
} as const;

/** The paths of BASE whose values the fuzzer replaces. */
const PATHS: string[][] = [
  ['name'],
  ['nodes', '0', 'name'],
  ['nodes', '1', 'address'],
  ['nodes', '2', 'roles'],
  ['nodes', '0', 'executor', 'kind'],
  ['nodes', '1', 'executor'],
  ['services', 'web', 'port'],
  ['services', 'web', 'endpoint'],
  ['services', 'web', 'roles'],
  ['scope', 'nodes'],
  ['scope', 'maxNodesAtOnce'],
  ['scope', 'allowDestructive'],
  ['scope', 'maxFaultDuration'],
  ['defaults', 'faultTtlGrace'],
  ['defaults', 'probeRate'],
  ['defaults', 'probeTimeout'],
  ['defaults', 'stabilization'],
  ['prometheus', 'url'],
  ['prometheus'],
  ['ceph', 'backend'],
  ['ceph', 'executorNode'],
  ['ceph'],
  ['nodes'],
  ['services'],
  ['scope'],
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 16 }),
  fc.tuple(numberText, fc.constantFrom('ms', 's', 'm', 'h', '')).map(([n, u]) => `${n}${u}`),
  fc.constantFrom('node-1', 'node-9', '198.19.40.11', '999.1.1.1', 'http://x', 'ftp://x', 'local', 'netns', 'ssh', 'lab', 'systemd', '-1', '0', '24h', '25h', '99999999h', '${env:NOPE}'),
);
const value: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('kind', 'name', 'x', 'namespace', 'port'), scalar, { maxKeys: 3 }) });

const durationText = fc.tuple(numberText, fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`);
/** plausible: a value of the right type for the key, often in range, often not — so both sides are exercised. */
const PLAUSIBLE: Record<string, fc.Arbitrary<unknown>> = {
  port: fc.integer({ min: -10, max: 70_000 }),
  maxNodesAtOnce: fc.integer({ min: -1, max: 5 }),
  maxFaultDuration: durationText,
  faultTtlGrace: durationText,
  probeTimeout: durationText,
  stabilization: durationText,
  probeRate: fc.double({ min: -1, max: 200, noNaN: true }),
  allowDestructive: fc.boolean(),
  name: fc.constantFrom('fuzz', 'node-7', 'Node_1', '-x', 'a'),
};
const change = fc
  .constantFrom(...PATHS)
  .chain((path) => fc.tuple(fc.constant(path), fc.oneof({ weight: 3, arbitrary: PLAUSIBLE[path[path.length - 1] as string] ?? value }, { weight: 1, arbitrary: value }), fc.nat({ max: 5 }).map((n) => n === 0)));

/** mutated: BASE with some paths set to generated values, some deleted, an extra top-level key maybe. */
const mutated: fc.Arbitrary<string> = fc
  .tuple(fc.array(change, { minLength: 0, maxLength: 3 }), fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), scalar) }))
  .map(([changes, extra]) => {
    const doc = structuredClone(BASE) as unknown as Record<string, unknown>;
    for (const [path, replacement, remove] of changes) {
      let at = doc as Record<string, unknown>;
      for (const key of path.slice(0, -1)) {
        const next = at[key];
        if (typeof next !== 'object' || next === null) break;
        at = next as Record<string, unknown>;
      }
      const last = path[path.length - 1] as string;
      if (remove) delete at[last];
      else at[last] = replacement;
    }
    if (extra) doc[extra[0]] = extra[1];
    return stringify(doc);
  });

const document = fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: fc.string({ maxLength: 80 }) }, { weight: 1, arbitrary: fc.constantFrom('', '---', '- a\n- b', 'name: [', 'a: b: c', '{', 'name: x\nnodes: {}\n') });

describe('fuzz: environment documents', () => {
  after(() => console.log(report('environment')));

  it('load to an environment within bounds, or a refusal naming the file with a fix', async () => {
    let valid = 0;
    let refused = 0;
    await fuzz('environment YAML documents', document, (text) => {
      const env = expectValueOrRefusal(text, () => parseEnvironment(text, FILE));
      if (env === undefined) {
        refused++;
        return;
      }
      valid++;
      assert.ok(env.scope.maxFaultDurationMs >= 1000 && env.scope.maxFaultDurationMs <= MAX_DURATION_MS, `maxFaultDuration ${env.scope.maxFaultDurationMs}`);
      assert.ok(Number.isInteger(env.scope.maxNodesAtOnce) && env.scope.maxNodesAtOnce >= 1 && env.scope.maxNodesAtOnce <= Math.max(1, env.scope.nodes.length));
      assert.ok(env.defaults.faultTtlGraceMs >= 1000 && env.defaults.faultTtlGraceMs <= 3_600_000);
      assert.ok(env.defaults.probeRateHz > 0 && env.defaults.probeRateHz <= 100);
      assert.ok(env.defaults.probeTimeoutMs > 0 && env.defaults.probeTimeoutMs <= 60_000);
      assert.ok(env.defaults.stabilizationMs >= 0 && env.defaults.stabilizationMs <= 3_600_000);
      for (const service of Object.values(env.services)) assert.ok(Number.isInteger(service.port) && service.port >= 1 && service.port <= 65535);
      for (const node of env.nodes) assert.match(node.address, /^\d{1,3}(\.\d{1,3}){3}$/);
      for (const node of env.scope.nodes) assert.ok(env.nodes.some((n) => n.name === node), `scope node ${node} is defined`);
    });
    assert.ok(valid > 0 && refused > 0, `both sides exercised: ${valid} valid, ${refused} refused`);
    console.log(`environment YAML documents: ${valid} valid, ${refused} refused`);
  });

  it('a refusal names the file (and the line where there is one)', async () => {
    await fuzz('environment refusals', mutated, (text) => {
      try {
        parseEnvironment(text, FILE);
      } catch (error) {
        assert.match((error as { describe?: () => string }).describe?.() ?? '', new RegExp(`^${FILE}`), String(error));
      }
    }, 300);
  });
});
