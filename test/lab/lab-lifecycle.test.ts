/**
 * The built-in lab, for real: namespaces, a bridge, supervisord per node, haproxy on the edge. Brings the lab up
 * (twice: the second call must repair or do nothing), checks that it serves, heals and isolates, then takes it
 * down (twice) and proves that nothing of it is left. Needs root and lab/install-packages.sh.
 */
import '../../src/kinds';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sleep } from '../../src/kernel/clock';
import { loadEnvironment } from '../../src/environment/load';
import { runCommand } from '../../src/executors/command';
import { haproxyBackendStates } from '../../lab/haproxy-state';
import { httpGet } from '../../lab/http-get';
import { addressAfter, cidrContains, parseCidr } from '../../lab/ipv4';
import { labDown, labStatus, labUp } from '../../lab/lab';
import { labLayout } from '../../lab/layout';
import { findLabLeftovers } from '../../lab/leftovers';
import { resolvConfPath } from '../../lab/dns';
import { ensureBridge, ensureNamespace, ensureUnreachableRoute } from '../../lab/network';

const env = loadEnvironment(resolve(__dirname, '../../experiments/environments/lab.yaml'));
const layout = labLayout(env);
const service = layout.service.spec;
const serviceNodes = layout.nodes.filter((node) => node.runsService);
const logLines: string[] = [];
const log = (line: string): void => {
  logLines.push(line);
  console.log(`  lab: ${line}`);
};

/** Polls `check` every `intervalMs` until it returns true; returns the elapsed milliseconds, or throws after `timeoutMs`. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, intervalMs = 50): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not within ${timeoutMs}ms`);
}

/** The pids `pgrep -f` finds with the service's processMatch for `node`. */
async function backendPids(node: string): Promise<number[]> {
  assert.ok(service.processMatch, 'lab.yaml must give the web service a processMatch');
  const result = await runCommand(['pgrep', '-f', service.processMatch.replaceAll('{node}', node)]);
  return result.stdout.split(/\s+/).filter(Boolean).map(Number);
}

async function stateOf(node: string): Promise<string | undefined> {
  return (await haproxyBackendStates(env))[node];
}

describe('lab lifecycle: up, serve, heal, isolate, down', { timeout: 240_000 }, () => {
  before(async () => {
    // The first call also copes with a lab left up (or half up) by an earlier, crashed run.
    await labUp(env, log);
    await labUp(env, log);
  });

  after(async () => {
    await labDown(env, log);
  });

  it('labUp ran twice and reported its time each time', () => {
    assert.equal(logLines.filter((line) => /^lab up in \d/.test(line)).length, 2, logLines.join('\n'));
  });

  it('labStatus reports every part of the lab up', async () => {
    const status = await labStatus(env);
    assert.deepEqual(status.problems, []);
    assert.equal(status.up, true);
    assert.equal(status.bridgePresent, true);
    assert.equal(status.unreachableRoutePresent, true);
    assert.equal(status.edge.haproxyRunning, true);
    for (const node of status.nodes) {
      assert.equal(node.namespacePresent, true, node.node);
      assert.equal(node.supervisorRunning, true, node.node);
      assert.equal(typeof node.backendPid, 'number', node.node);
    }
  });

  it('supervisorctl reports the program RUNNING from the root namespace', async () => {
    for (const node of serviceNodes) {
      const result = await runCommand(['supervisorctl', '-c', node.supervisorConfig, 'status', layout.service.program]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /RUNNING/);
    }
  });

  it('each node backend answers from the root namespace', async () => {
    for (const node of serviceNodes) {
      const root = await httpGet(`http://${node.address}:${service.port}/`, 1000);
      assert.equal(root.status, 200);
      assert.deepEqual(JSON.parse(root.body), { node: node.name });
      const health = await httpGet(`http://${node.address}:${service.port}/healthz`, 1000);
      assert.deepEqual(health, { status: 200, body: 'ok' });
    }
  });

  it("processMatch finds exactly one process per node and not another node's", async () => {
    for (const node of serviceNodes) assert.equal((await backendPids(node.name)).length, 1, node.name);
    const pattern = new RegExp(service.processMatch?.replaceAll('{node}', 'node-1') ?? 'missing');
    assert.equal(pattern.test('node web-backend.js scs-lab-web-backend --node node-1 --port 8080 --data-dir /run/scs-chaos-lab/node-1/data'), true);
    assert.equal(pattern.test('node web-backend.js scs-lab-web-backend --node node-10 --port 8080 --data-dir /run/scs-chaos-lab/node-10/data'), false);
    assert.equal(pattern.test('node web-backend.js scs-lab-web-backend --node node-1 --port 8080 --data-dir /run/other-lab/node-1/data'), false, "another lab's backend");
  });

  it('every namespace resolves the lab\'s names through the lab\'s DNS on the edge, and no other name', async () => {
    for (const node of layout.nodes) {
      assert.match(await readFile(resolvConfPath(node.namespace), 'utf8'), new RegExp(`^nameserver ${layout.edge.address.replace(/\./g, '\\.')}$`, 'm'));
      const lab = await runCommand(['ip', 'netns', 'exec', node.namespace, 'getent', 'hosts', 'web.lab', `${node.name}.lab`], { timeoutMs: 10_000 });
      assert.equal(lab.code, 0, lab.stderr);
      assert.deepEqual(lab.stdout.trim().split('\n').map((line) => line.split(/\s+/)), [[layout.edge.address, 'web.lab'], [node.address, `${node.name}.lab`]]);
      // Not forwarded: the host's resolver is never asked from a lab namespace.
      const outside = await runCommand(['ip', 'netns', 'exec', node.namespace, 'getent', 'hosts', 'example.com'], { timeoutMs: 10_000 });
      assert.equal(outside.code, 2, `example.com must not resolve from ${node.namespace}: ${outside.stdout}`);
    }
  });

  it('requests through the edge reach every node, round robin', async () => {
    assert.ok(service.endpoint);
    const seen = new Map<string, number>();
    for (let i = 0; i < serviceNodes.length * 3; i += 1) {
      const answer = await httpGet(service.endpoint, 1000);
      assert.equal(answer.status, 200);
      const node = (JSON.parse(answer.body) as { node: string }).node;
      seen.set(node, (seen.get(node) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), serviceNodes.map((n) => n.name).sort());
  });

  it('haproxy reports every backend UP and exports Prometheus metrics', async () => {
    assert.deepEqual(await haproxyBackendStates(env), Object.fromEntries(serviceNodes.map((n) => [n.name, 'UP'])));
    const metrics = await httpGet(`http://${layout.edge.address}:${layout.edge.metricsPort}/metrics`, 2000);
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /haproxy_server_status\{/);
  });

  it('lab range addresses outside the subnet are unreachable, and namespaces have no default route', async () => {
    const outside = addressAfter(parseCidr(env.lab?.subnet ?? ''), 1);
    assert.equal(cidrContains(parseCidr(env.lab?.unreachableRange ?? ''), outside), true, `${outside} must be in the range`);
    const route = await runCommand(['ip', 'route', 'get', outside]);
    assert.match(route.stdout + route.stderr, /unreachable|No route to host/, `ip route get ${outside}: ${route.stdout}${route.stderr}`);
    const lab = await runCommand(['ip', 'route', 'get', serviceNodes[0]?.address ?? '']);
    assert.match(lab.stdout, new RegExp(`dev ${layout.spec.bridge}`));
    for (const target of [...layout.nodes, layout.edge]) {
      const defaults = await runCommand(['ip', '-n', target.namespace, 'route', 'show', 'default']);
      assert.equal(defaults.stdout.trim(), '', `${target.namespace} has a default route`);
    }
  });

  it('supervisord restarts a SIGKILLed backend with a new pid within 5 s', async () => {
    const node = serviceNodes[0];
    assert.ok(node);
    const [oldPid] = await backendPids(node.name);
    assert.ok(oldPid);
    process.kill(oldPid, 'SIGKILL');
    const elapsed = await waitFor('backend restarted', 5000, async () => {
      const pids = await backendPids(node.name);
      return pids.length === 1 && pids[0] !== oldPid;
    });
    console.log(`  restarted after ${elapsed}ms`);
    await waitFor('backend answers again', 3000, async () => (await httpGet(`http://${node.address}:${service.port}/healthz`, 300).catch(() => undefined))?.status === 200);
  });

  it('haproxy marks a blocked node DOWN within 2 s and UP again after unblocking', async () => {
    const node = serviceNodes[1] ?? serviceNodes[0];
    assert.ok(node);
    const table = 'scs_chaos_lifecycle_test';
    const rules = `table inet ${table} {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport ${service.port} drop\n  }\n}\n`;
    const added = await runCommand(['ip', 'netns', 'exec', node.namespace, 'nft', '-f', '-'], { input: rules });
    assert.equal(added.code, 0, added.stderr);
    try {
      const down = await waitFor(`${node.name} DOWN`, 2000, async () => (await stateOf(node.name)) === 'DOWN');
      console.log(`  ${node.name} DOWN after ${down}ms`);
    } finally {
      const removed = await runCommand(['ip', 'netns', 'exec', node.namespace, 'nft', 'delete', 'table', 'inet', table]);
      assert.equal(removed.code, 0, removed.stderr);
    }
    const up = await waitFor(`${node.name} UP`, 3000, async () => (await stateOf(node.name)) === 'UP');
    console.log(`  ${node.name} UP again after ${up}ms`);
  });

  it('labUp repairs a broken lab: dead edge supervisord, lost veth, stopped program', async () => {
    const node = serviceNodes[serviceNodes.length - 1];
    assert.ok(node);
    const edgeBefore = (await labStatus(env)).edge;
    assert.ok(edgeBefore.haproxyPid);
    const supervisordPid = Number((await readFile(layout.edge.supervisorPidFile, 'utf8')).trim());
    process.kill(supervisordPid, 'SIGKILL'); // haproxy lives on as an orphan holding the edge ports
    assert.equal((await runCommand(['ip', 'link', 'del', node.veth])).code, 0);
    const first = serviceNodes[0];
    assert.ok(first);
    assert.equal((await runCommand(['supervisorctl', '-c', first.supervisorConfig, 'stop', layout.service.program])).code, 0);
    assert.equal((await labStatus(env)).up, false);

    await labUp(env, log);
    const status = await labStatus(env);
    assert.deepEqual(status.problems, []);
    assert.notEqual(status.edge.haproxyPid, edgeBefore.haproxyPid, 'the orphaned haproxy must be replaced');
    const answer = await httpGet(`http://${node.address}:${service.port}/`, 1000);
    assert.deepEqual(JSON.parse(answer.body), { node: node.name });
  });

  it('labDown twice (with a SIGSTOPped backend) leaves nothing behind', async () => {
    const node = serviceNodes[0];
    assert.ok(node);
    const [pid] = await backendPids(node.name);
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    assert.notDeepEqual(await findLabLeftovers(env), []);
    await labDown(env, log);
    await labDown(env, log);
    assert.deepEqual(await findLabLeftovers(env), []);
    for (const node of layout.nodes) assert.equal(existsSync(resolvConfPath(node.namespace)), false, `${resolvConfPath(node.namespace)} removed`);
  });

  it('labDown cleans up after a half-failed labUp', async () => {
    // What a labUp that failed midway leaves: network, one namespace, files, and a process in the namespace.
    await ensureBridge(layout);
    await ensureUnreachableRoute(layout);
    const node = serviceNodes[0];
    assert.ok(node);
    await ensureNamespace(layout, node);
    await mkdir(node.dir, { recursive: true });
    const script = join(__dirname, '../../lab/services/web-backend.js');
    const stray = spawn('ip', ['netns', 'exec', node.namespace, process.execPath, script, layout.service.marker, '--node', node.name, '--port', String(service.port)], {
      detached: true,
      stdio: 'ignore',
    });
    stray.unref();
    await waitFor('stray backend listening', 5000, async () => (await httpGet(`http://${node.address}:${service.port}/healthz`, 300).catch(() => undefined))?.status === 200);
    const leftovers = await findLabLeftovers(env);
    assert.ok(leftovers.some((line) => line.includes(layout.service.marker)), leftovers.join('\n'));
    assert.ok(leftovers.some((line) => line.includes(node.namespace)), leftovers.join('\n'));

    await labDown(env, log);
    assert.deepEqual(await findLabLeftovers(env), []);
  });
});
