/**
 * The OpenStack kind against the lab's real OpenStack (`lab up --with openstack`): the features of
 * features/openstack (profile openstack) pass, with the undo journalled as openstack-api recipes, Nova's
 * instance-action stamps agreeing with the probe's transition times within 0.2 s, and nothing tagged afterwards; a
 * stop beyond the blast radius and bad credentials are refused at plan time (exit 2) naming what to fix; a runner
 * SIGKILLed during a stop leaves the server ACTIVE again within TTL + 10 s through the kind's expiry process; and
 * after a SIGKILL preflight refuses to start while `sweep` undoes the tagged server without any journal.
 *
 * The environment comes from SCS_CHAOS_LAB_ENV (default experiments/environments/lab.yaml; test/lab/helpers.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { labDown, labUp } from '../../lab/lab';
import { listProcesses } from '../../lab/processes';
import type { OpenStackClient } from '../../src/kinds/openstack/client/client';
import { clientFor, clientOfSpec } from '../../src/kinds/openstack/clients';
import { OpenStackApiError } from '../../src/kinds/openstack/client/errors';
import { getServer, INJECTED_TAG, ServerView } from '../../src/kinds/openstack/nova';
import { OPENSTACK_MARKER_DIR } from '../../src/kinds/openstack/revert-channel';
import { markerFiles } from '../../src/revert/detached-expiry';
import type { RunSummary } from '../../src/model/summary';
import { journalOf, killRunnerAfterInjection, labEnv, labEnvPath, readLatestJson, runCli, tempReportsDir, waitFor } from './helpers';

const env = labEnv();
const ENV = labEnvPath();
/** The long stop's TTL: 20 s hold + the environment's faultTtlGrace. */
const TTL_MS = 20_000 + env.defaults.faultTtlGraceMs;
/** Acceptance: OpenStack's stamps and the probe's transition times agree within this. */
const AGREE_S = 0.2;

describe(`OpenStack faults against the lab's OpenStack (${ENV})`, { timeout: 20 * 60_000 }, () => {
  let client: OpenStackClient;
  const started = Date.now();
  const server2 = async (): Promise<ServerView> => {
    const { servers } = await client.get<{ servers: ServerView[] }>('compute', '/servers/detail', { name: '^lab-server-2$' });
    return getServer(client, servers[0]?.id ?? 'missing');
  };
  const tagged = async (): Promise<string[]> => (await client.list<ServerView>('compute', '/servers/detail', 'servers', { tags: INJECTED_TAG })).map((s) => s.name);

  before(async () => {
    await labUp(env, () => undefined, { withOpenstack: true });
    console.log(`lab up --with openstack: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    client = clientFor(env);
  });
  after(async () => {
    client?.close();
    await labDown(env, () => undefined);
    console.log(`openstack-features: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it("talks to the lab's Keystone, Nova and Octavia: token reuse and renewal, application credentials, pages, errors naming cloud and call", async () => {
    const first = await client.login();
    assert.equal((await client.login()).token, first.token, 'a valid token is reused');
    // Revoke the token behind the client's back: the next call gets 401, renews once and succeeds.
    const revoke = await fetch(`${client.cloud.authUrl}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': first.token, 'X-Subject-Token': first.token } });
    assert.equal(revoke.status, 204);
    const servers = await client.list<ServerView>('compute', '/servers/detail', 'servers', { tags: 'scs-chaos-lab' }, 1);
    assert.deepEqual(servers.map((s) => s.name).sort(), ['lab-server-1', 'lab-server-2'], 'two pages of one server each');
    assert.notEqual((await client.login()).token, first.token, 'the revoked token was renewed');
    const spec = env.sections.openstack;
    assert.ok(spec);
    const appcred = clientOfSpec({ ...spec, cloud: `${spec.cloud ?? ''}-appcred` });
    try {
      assert.ok((await appcred.login()).projectId, 'an application credential gives a project-scoped token');
      assert.equal((await appcred.list<{ id: string }>('load-balancer', '/lbaas/loadbalancers', 'loadbalancers')).length, 1);
    } finally {
      appcred.close();
    }
    await assert.rejects(client.get('compute', '/servers/00000000-0000-0000-0000-000000000000'), (error: unknown) => {
      assert.ok(error instanceof OpenStackApiError && error.notFound);
      assert.match(error.message, new RegExp(`^cloud ${spec.cloud}: GET compute /servers/0{8}-.* answered 404: .*could not be found`));
      return true;
    });
  });

  it('runs the OpenStack features: recipes journalled, Nova and Octavia stamps agree with the probes, nothing tagged after', async () => {
    const t0 = Date.now();
    const reports = tempReportsDir();
    const run = await runCli(['run', '--env', ENV, '--reports', reports, '--profile', 'openstack']);
    console.log(`features/openstack: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(run.code, 0, run.stderr);
    const intents = journalOf(reports).filter((e) => e.type === 'inject-intent');
    assert.ok(intents.some((e) => e.type === 'inject-intent' && e.revert?.channel === 'openstack-api'), JSON.stringify(intents));
    const summary = readLatestJson<RunSummary>(reports, 'summary.json');
    const events = summary.scenarios.flatMap((s) => s.events ?? []);
    const back = events.filter((e) => ['openstack-server-reboot', 'openstack-server-start', 'openstack-lb-active'].includes(e.kind));
    assert.ok(back.length >= 3, `stamped returns: ${JSON.stringify(events)}`);
    for (const event of back) {
      assert.ok(event.probeSeconds !== null, `${event.kind}: the probe saw the transition`);
      const gap = Math.abs(event.afterSeconds - (event.probeSeconds ?? Infinity));
      console.log(`${event.kind}: OpenStack ${event.afterSeconds}s, probe ${event.probeSeconds}s after the ${event.from} (gap ${gap.toFixed(3)} s)`);
      assert.ok(gap <= AGREE_S, `${event.kind}: OpenStack's ${event.afterSeconds}s and the probe's ${event.probeSeconds}s differ by more than ${AGREE_S}s`);
    }
    assert.deepEqual(await tagged(), [], 'no server left tagged');
  });

  it('refuses a stop beyond the blast radius at plan time (exit 2, nothing touched)', async () => {
    const run = await runCli(['run', '--env', ENV, '--reports', tempReportsDir(), 'test/lab/features/os-stop-beyond-scope.feature']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /picks 2 servers .*more than openstack\.scope\.maxServersAtOnce = 1/);
    assert.equal((await server2()).status, 'ACTIVE');
  });

  it('refuses bad credentials at plan time (exit 2) naming the cloud and its clouds.yaml', async () => {
    const spec = env.sections.openstack;
    assert.ok(spec?.cloudsYaml && spec.cloud);
    const clouds = parse(readFileSync(spec.cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: Record<string, string> }> };
    const cloud = clouds.clouds[spec.cloud];
    assert.ok(cloud);
    cloud.auth.password = 'not-the-password';
    const dir = tempReportsDir();
    const badClouds = join(dir, 'clouds.yaml');
    writeFileSync(badClouds, stringify(clouds), { mode: 0o600 });
    const badEnv = join(dir, 'env.yaml');
    writeFileSync(badEnv, readFileSync(ENV, 'utf8').replace(spec.cloudsYaml, badClouds));
    const run = await runCli(['run', '--env', badEnv, '--reports', dir, '--profile', 'openstack']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`cloud ${spec.cloud}: Keystone refused the credentials of ${badClouds.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.doesNotMatch(run.stderr, /not-the-password/);
  });

  it(`after a SIGKILL of the runner the server is ACTIVE again within TTL + 10 s, by the kind's expiry process`, async () => {
    const reports = tempReportsDir();
    const injectedAt = await killRunnerAfterInjection(reports, ['--env', ENV, 'test/lab/features/os-long-stop.feature'], 'the stop to be injected', 60_000);
    await waitFor(async () => (await server2()).status === 'SHUTOFF', 10_000, 'lab-server-2 to be SHUTOFF');
    await waitFor(async () => (await server2()).status === 'ACTIVE', TTL_MS + 10_000, 'lab-server-2 to be ACTIVE again');
    const back = Date.now() - injectedAt;
    console.log(`SIGKILLed runner: lab-server-2 ACTIVE again ${(back / 1000).toFixed(1)} s after the injection (TTL ${TTL_MS / 1000} s)`);
    assert.ok(back <= TTL_MS + 10_000, `back after ${back} ms`);
    assert.ok(back >= TTL_MS - 5_000, `not by the runner (it was killed): back after ${back} ms, TTL ${TTL_MS} ms`);
    await waitFor(async () => (await tagged()).length === 0, 10_000, 'the tag to be gone');
    // The server can be ACTIVE before Nova's answer to os-start reached the expiry process, which removes its marker after.
    await waitFor(() => markerFiles(OPENSTACK_MARKER_DIR).length === 0, 10_000, 'the expiry process to remove its marker');
    await waitFor(() => !listProcesses().some((p) => p.argv.some((arg) => arg.startsWith(`${OPENSTACK_MARKER_DIR}/`))), 5_000, 'the expiry process to end');
  });

  it('after a SIGKILL, preflight refuses to start and `sweep` undoes the tagged server without any journal', async () => {
    await killRunnerAfterInjection(tempReportsDir(), ['--env', ENV, 'test/lab/features/os-long-stop.feature'], 'the stop to be injected', 60_000);
    await waitFor(async () => (await server2()).status === 'SHUTOFF', 10_000, 'lab-server-2 to be SHUTOFF');
    const refused = await runCli(['run', '--env', ENV, '--reports', tempReportsDir(), 'test/lab/features/os-reboot-1.feature']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /preflight refused to start; nothing was injected/);
    assert.match(refused.stderr, /openstack: leftover of an earlier run: (revert recipe|server lab-server-2 tagged)/);
    const sweep = await runCli(['sweep', '--env', ENV]);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.match(sweep.stderr, /openstack cloud .*(replayed and removed|os-start server lab-server-2)/);
    await waitFor(async () => (await server2()).status === 'ACTIVE', 10_000, 'lab-server-2 to be ACTIVE after sweep');
    assert.deepEqual(await tagged(), []);
    const clean = await runCli(['sweep', '--env', ENV]);
    assert.match(clean.stderr, /openstack cloud .*: clean/);
  });
});
