/**
 * Fuzz: the numbers and small languages a feature file writes — durations, rates, percentages, SLO expressions,
 * PromQL SLOs and node selectors — each straight into the domain parser the steps hand them to. Property: a value
 * within its bound, or a refusal (BadInput with a `fix:` line); never any other error.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_DURATION_MS, MAX_TIMER_MS, parseDuration } from '../../src/kernel/duration';
import { parseSlo } from '../../src/slo/expression';
import { parsePromqlSlo } from '../../src/prometheus/promql-slo';
import { parseRate } from '../../src/kinds/hosts/network/bandwidth';
import { validatePercent, validatePort } from '../../src/kinds/hosts/network/network-fault';
import { lossCondition } from '../../src/kinds/hosts/network/packet-loss';
import { parseSelector, resolveSelector } from '../../src/kinds/hosts/selector';
import { validateStressOptions } from '../../src/kinds/hosts/node/stress';
import { parseEnvironment } from '../../src/environment/load';
import '../../src/kinds';
import { expectValueOrRefusal, fuzz, numberText, report, sometimes } from './harness';

const unit = fc.constantFrom('ms', 's', 'm', 'h', 'sec', 'min', 'H', 'd', '', ' s', 'hz');
const durationText = sometimes(fc.tuple(numberText, unit).map(([n, u]) => `${n}${u}`));

describe('fuzz: values a feature file writes', () => {
  after(() => console.log(report('values')));

  it('durations: a number of ms in [0, 24h] (never beyond a Node timer) or a refusal', async () => {
    await fuzz('durations', durationText, (text) => {
      const ms = expectValueOrRefusal(text, () => parseDuration(text));
      if (ms === undefined) return;
      assert.ok(Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS && ms <= MAX_TIMER_MS, `${text} → ${ms}`);
    });
  });

  it('bandwidths: whole bits per second from 8 kbit to 100 gbit, or a refusal', async () => {
    const rate = sometimes(fc.tuple(numberText, fc.constantFrom('bit', 'kbit', 'mbit', 'gbit', 'Mbit/s', 'kb', 'mbps', ''), fc.constantFrom('', ' ')).map(([n, u, s]) => `${n}${s}${u}`));
    await fuzz('rates', rate, (text) => {
      const bits = expectValueOrRefusal(text, () => parseRate(text));
      if (bits === undefined) return;
      assert.ok(Number.isInteger(bits) && bits >= 8000 && bits <= 100e9, `${text} → ${bits}`);
    });
  });

  it('percentages and ports: the accepted value lies within its range', async () => {
    const percent = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -10, max: 200 }), fc.constantFrom(0, 100, 100.0001, Infinity, -Infinity, NaN));
    await fuzz('percentages', fc.tuple(percent, fc.oneof(fc.integer(), fc.double())), ([p, port]) => {
      const value = expectValueOrRefusal(p, () => validatePercent('loss', p));
      if (value !== undefined) {
        assert.ok(value > 0 && value <= 100);
        assert.match(lossCondition(value), /^numgen random mod (100|10000) < \d+$/);
      }
      const accepted = expectValueOrRefusal(port, () => validatePort(port));
      if (accepted !== undefined) assert.ok(Number.isInteger(accepted) && accepted >= 1 && accepted <= 65535);
    });
  });

  it('stress options: workers, loads, memory shares and sizes within their bounds, or a refusal', async () => {
    const options = fc.record({
      cpu: fc.option(fc.record({ workers: fc.integer({ min: -2, max: 2000 }), loadPercent: fc.integer({ min: -5, max: 150 }) }), { nil: undefined }),
      memory: fc.option(fc.record({ percent: fc.double({ min: -5, max: 150, noNaN: true }) }), { nil: undefined }),
      ttlMs: fc.integer({ min: 0, max: MAX_DURATION_MS * 2 }),
    });
    await fuzz('stress options', options, (o) => {
      const clean = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}), ttlMs: o.ttlMs };
      expectValueOrRefusal(clean, () => validateStressOptions(clean, 'node-1'));
    });
  });

  it('SLO expressions: parsed with a finite threshold, or a refusal', async () => {
    const metric = fc.constantFrom('availability', 'p(95)', 'p(99.9)', 'p(0)', 'p(100)', 'p(101)', 'rate(errors)', 'avg', 'med', 'min', 'max', 'p95', 'latency', 'rate(x)');
    const op = fc.constantFrom('<', '<=', '>', '>=', '==', '=', '!=', '=>');
    const value = fc.tuple(numberText, fc.constantFrom('%', 'ms', 's', '', 'm', 'h')).map(([n, u]) => `${n}${u}`);
    const slo = sometimes(fc.tuple(metric, op, value, fc.constantFrom(' ', '', '  ')).map(([m, o, v, s]) => `${m}${s}${o}${s}${v}`));
    await fuzz('SLO expressions', slo, (text) => {
      const parsed = expectValueOrRefusal(text, () => parseSlo(text));
      if (parsed === undefined) return;
      assert.ok(Number.isFinite(parsed.threshold), `${text} → threshold ${parsed.threshold}`);
      if (parsed.unit === 'ratio') assert.ok(parsed.threshold >= 0 && parsed.threshold <= 1, `${text} → ${parsed.threshold}`);
      else assert.ok(parsed.threshold >= 0 && parsed.threshold <= MAX_DURATION_MS, `${text} → ${parsed.threshold} ms`);
    });
  });

  it('PromQL SLOs: a query in balanced parentheses and a finite threshold, or a refusal', async () => {
    const query = fc.oneof(
      fc.constantFrom("sum(haproxy_backend_active_servers{proxy='web'})", 'up', 'rate(x[30s])', '', '(', ')', 'sum(up', "a{b='('}", 'x)) or ((y'),
      fc.string({ maxLength: 30 }),
    );
    const slo = sometimes(fc.tuple(query, fc.constantFrom('<', '>=', '==', '!=', '=', '>>', ''), numberText, fc.constantFrom('', 'ms', '%')).map(([q, o, n, u]) => `promql(${q}) ${o} ${n}${u}`));
    await fuzz('PromQL SLOs', slo, (text) => {
      const parsed = expectValueOrRefusal(text, () => parsePromqlSlo(text));
      if (parsed === undefined) return;
      assert.ok(Number.isFinite(parsed.threshold), `${text} → ${parsed.threshold}`);
      assert.ok(parsed.query.length > 0, text);
    });
  });

  it('node selectors: at most maxNodesAtOnce nodes, all in scope, the same for the same seed — or a refusal', async () => {
    const env = parseEnvironment(
      [
        'name: fuzz',
        'nodes:',
        ...['web-1', 'web-2', 'web-3', 'db-1', 'db-2'].map((n, i) => `  - { name: ${n}, address: 198.19.40.${i + 11}, roles: [${n.split('-')[0]}], executor: { kind: local } }`),
        'services: {}',
        'scope: { nodes: [web-1, web-2, web-3, db-1], maxNodesAtOnce: 2 }',
      ].join('\n'),
      '/fuzz/env.yaml',
    );
    const head = fc.constantFrom('the', 'all', 'every', 'a random', 'one of the', '1 of the', '2 of the', '3 of 3', '2 of 5', '0 of the', '9 of the', '2 random', '50% of the', '0% of the', '100% of the', '150% of the', '33.3% of the', 'web-1', 'nodes', '');
    const role = fc.constantFrom('web', 'db', 'cache', '', 'web-1');
    const noun = fc.constantFrom('nodes', 'node', 'nodez', '');
    const selector = sometimes(fc.tuple(head, role, noun).map(([h, r, n]) => [h, r, n].filter(Boolean).join(' ')));
    await fuzz('selectors', fc.tuple(selector, fc.nat({ max: 2 ** 32 - 1 })), ([text, seed]) => {
      const parsed = expectValueOrRefusal(text, () => parseSelector(text));
      if (parsed === undefined) return;
      const chosen = expectValueOrRefusal(text, () => resolveSelector(env, parsed, seed));
      if (chosen === undefined) return;
      assert.ok(chosen.nodes.length >= 1 && chosen.nodes.length <= env.scope.maxNodesAtOnce || parsed.kind === 'all', `${text}: ${chosen.nodes.length} nodes`);
      for (const node of chosen.nodes) assert.ok(env.scope.nodes.includes(node.name), `${text}: ${node.name} out of scope`);
      assert.deepEqual(resolveSelector(env, parsed, seed).nodes.map((n) => n.name), chosen.nodes.map((n) => n.name), 'the same seed picks the same nodes');
    });
  });
});
