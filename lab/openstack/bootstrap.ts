/**
 * The one-time bootstrap of the lab's OpenStack, before the control namespace's supervisord runs any of its
 * programs:
 *   1. secrets, configuration files, Keystone's fernet and credential keys, Octavia's CA (openssl);
 *   2. in parallel, one chain per project (each step a Python start: most of the time goes here):
 *        keystone   db_sync, bootstrap (admin, identity endpoints), then its API under uwsgi as a child of
 *                   `lab up` in the control namespace, the registration over REST (lab/openstack/keystone.ts:
 *                   catalogue, service users, the scenario user and its application credential), and stop;
 *        placement  db sync;   glance  db_sync;
 *        nova       api_db sync, map_cell0, create_cell, db sync, in one Python start (python/nova-db.py);
 *        neutron, octavia  schema from the models, stamped (their migrations cannot run on SQLite; db-schema.py);
 *      then every database switches to write-ahead logging;
 *   3. clouds.yaml (0600), and the `bootstrapped` marker last.
 * Keystone is registered before any service starts, so nova-compute finds Placement in the catalogue at its first
 * resource report. A bootstrap that stopped half-way is wiped and done again; a second `lab up` finds the marker,
 * rewrites the configuration files (same secrets) and starts only what is missing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { now, sleep } from '../../src/kernel/clock';
import { formatDuration } from '../../src/kernel/duration';
import { runCommand } from '../../src/executors/command';
import type { LabLayout } from '../layout';
import { listProcesses, signal, waitForExit } from '../processes';
import { toolPath } from '../tools';
import { request } from './api';
import { cloudsYamlText, configFiles, LabOpenstackPlan, OPENSTACK_BINARIES, OpenstackSecrets, PASTE_DIR, sqliteUrl } from './config';
import { labOpenstackProcesses } from './control-plane';
import { registerKeystone } from './keystone';

/** How long one bootstrap command may take (a DB sync on a busy 2-core machine takes up to ~15 s). */
const COMMAND_TIMEOUT_MS = 180_000;
/** How long the bootstrap's Keystone may take to answer. */
const KEYSTONE_START_TIMEOUT_MS = 90_000;

/** prepareLabOpenstack bootstraps the lab's OpenStack the first time, or refreshes its files; see the file comment. */
export async function prepareLabOpenstack(layout: LabLayout, plan: LabOpenstackPlan, log: (line: string) => void): Promise<'bootstrapped' | 'present'> {
  if (existsSync(plan.bootstrappedMarker)) {
    const secrets = JSON.parse(await readFile(plan.secretsPath, 'utf8')) as OpenstackSecrets;
    const changed = await writeConfigFiles(plan, secrets);
    if (changed.length > 0) log(`openstack: ${changed.length} configuration files changed; running services read them when they restart (lab down, then lab up --with openstack)`);
    return 'present';
  }
  const started = now();
  await wipeUnfinishedBootstrap(layout, plan);
  for (const dir of plan.stateDirs) await mkdir(dir, { recursive: true, mode: 0o700 });
  const secrets: OpenstackSecrets = { admin: secret(), service: secret(), user: secret() };
  await writeFile(plan.secretsPath, `${JSON.stringify(secrets)}\n`, { mode: 0o600 });
  await writeConfigFiles(plan, secrets);
  await Promise.all([writeKeyRepository(plan.fernetKeys), writeKeyRepository(plan.receiptKeys), writeKeyRepository(plan.credentialKeys), writeCa(plan)]);

  const note = (chain: string, text: string): Promise<void> => writeFile(join(plan.bootstrapLogDir, `${chain}.log`), text, { flag: 'a', mode: 0o600 });
  const step = async (chain: string, what: string, argv: string[]): Promise<void> => {
    const t0 = now();
    const result = await runCommand(argv, { env: plan.commandEnv, timeoutMs: COMMAND_TIMEOUT_MS });
    const logFile = join(plan.bootstrapLogDir, `${chain}.log`);
    await note(chain, `$ ${argv.map((arg) => (arg === secrets.admin ? '***' : arg)).join(' ')}\n${result.stdout}${result.stderr}# ${what}: exit ${result.code} after ${formatDuration(now() - t0)}\n`);
    if (result.code !== 0) throw new Error(`openstack bootstrap: ${what} exited ${result.code}: ${lastLines(result.stderr || result.stdout)}\n  (full output in ${logFile})`);
  };
  const python = OPENSTACK_BINARIES.python;
  const entry = (name: string, target: string, ...args: string[]): string[] => [python, plan.launcher, plan.dir, name, target, ...args];
  const wal = (...names: Array<keyof LabOpenstackPlan['databases']>): string[] => [python, plan.schemaHelper, 'wal', ...names.map((n) => plan.databases[n])];
  const timed = async (chain: string, run: () => Promise<void>): Promise<string> => {
    const t0 = now();
    await run();
    return `${chain} ${formatDuration(now() - t0)}`;
  };

  let registered: Awaited<ReturnType<typeof registerKeystone>> | undefined;
  const chains = await Promise.all([
    timed('keystone', async () => {
      const keystone = [python, OPENSTACK_BINARIES.keystoneManage, '--config-file', plan.keystoneConfig];
      await step('keystone', 'keystone-manage db_sync', [...keystone, 'db_sync']);
      await step('keystone', 'WAL', wal('keystone'));
      const identity = plan.endpoints.identity;
      await step('keystone', 'keystone-manage bootstrap', [
        ...keystone, 'bootstrap', '--bootstrap-password', secrets.admin, '--bootstrap-region-id', 'RegionOne',
        '--bootstrap-admin-url', identity, '--bootstrap-internal-url', identity, '--bootstrap-public-url', identity,
      ]);
      const t0 = now();
      registered = await withBootstrapKeystone(plan, async () => {
        await note('keystone', `# the bootstrap's Keystone answers after ${formatDuration(now() - t0)}\n`);
        const t1 = now();
        const result = await registerKeystone(plan, secrets);
        await note('keystone', `# registration over REST: ${formatDuration(now() - t1)}\n`);
        return result;
      });
    }),
    timed('placement', async () => {
      await step('placement', 'placement-manage db sync', [python, OPENSTACK_BINARIES.placementManage, '--config-file', join(plan.placementConfigDir, 'placement.conf'), 'db', 'sync']);
      await step('placement', 'WAL', wal('placement'));
    }),
    timed('nova', async () => {
      await step('nova', 'the Nova databases (nova-db.py)', [python, plan.novaDbHelper, plan.dir, plan.novaConfig, sqliteUrl(plan.databases.nova_cell0)]);
      await step('nova', 'WAL', wal('nova_api', 'nova', 'nova_cell0'));
    }),
    timed('glance', async () => {
      await step('glance', 'glance-manage db_sync', entry('glance-manage', 'glance.cmd.manage:main', '--config-file', plan.glanceConfig, 'db_sync'));
      await step('glance', 'WAL', wal('glance'));
    }),
    timed('neutron', () => step('neutron', 'the Neutron schema (db-schema.py)', [python, plan.schemaHelper, 'neutron', sqliteUrl(plan.databases.neutron)])),
    timed('octavia', () => step('octavia', 'the Octavia schema (db-schema.py)', [python, plan.schemaHelper, 'octavia', sqliteUrl(plan.databases.octavia)])),
  ]);
  if (!registered) throw new Error('openstack bootstrap: Keystone was not registered');
  await writeFile(plan.cloudsYamlPath, cloudsYamlText(plan, secrets, registered.applicationCredential), { mode: 0o600 });
  await writeFile(plan.bootstrappedMarker, `${new Date().toISOString()}\n`, { mode: 0o644 });
  log(`openstack: bootstrapped in ${formatDuration(now() - started)} (databases and Keystone registration: ${chains.join(', ')}); clouds.yaml at ${plan.cloudsYamlPath}`);
  return 'bootstrapped';
}

/** A random secret: 24 bytes, base64url (safe in URLs, INI files and YAML). */
function secret(): string {
  return randomBytes(24).toString('base64url');
}

/** Writes every configuration file that differs from what is on disk; returns the paths it wrote. */
async function writeConfigFiles(plan: LabOpenstackPlan, secrets: OpenstackSecrets): Promise<string[]> {
  const paste = (file: string): string => readFileSync(join(PASTE_DIR, file), 'utf8');
  const written: string[] = [];
  for (const file of configFiles(plan, secrets, paste)) {
    const old = await readFile(file.path, 'utf8').catch(() => undefined);
    if (old === file.text) continue;
    await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
    await writeFile(file.path, file.text, { mode: file.secret ? 0o600 : 0o644 });
    written.push(file.path);
  }
  return written;
}

/**
 * A fernet key repository as `keystone-manage fernet_setup` leaves it (staged key 0, primary key 1), written here
 * to save two Python starts: each key is 32 random bytes, base64url with padding.
 */
async function writeKeyRepository(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const name of ['0', '1']) await writeFile(join(dir, name), randomBytes(32).toString('base64url') + '=', { mode: 0o600 });
}

/** Octavia's certificate authority (its local cert generator signs amphora certificates with it). */
async function writeCa(plan: LabOpenstackPlan): Promise<void> {
  const result = await runCommand(
    [OPENSTACK_BINARIES.openssl, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(plan.caDir, 'ca.key'), '-out', join(plan.caDir, 'ca.pem'), '-days', '3650', '-subj', '/CN=scs-chaos lab Octavia CA'],
    { env: plan.commandEnv, timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new Error(`openssl req (Octavia's CA) exited ${result.code}: ${lastLines(result.stderr)}`);
}

/**
 * Runs `work` while Keystone's API runs as a child of `lab up` in the control namespace (the same program
 * supervisord will run), and stops it afterwards, whatever happened.
 */
async function withBootstrapKeystone<T>(plan: LabOpenstackPlan, work: () => Promise<T>): Promise<T> {
  const program = plan.programs.find((p) => p.name === 'keystone');
  if (!program) throw new Error('the OpenStack plan has no keystone program');
  const logFile = join(plan.bootstrapLogDir, 'keystone-api.log');
  const out = openSync(logFile, 'a', 0o600);
  const child = spawn(toolPath('ip'), ['netns', 'exec', plan.control.namespace, ...program.argv], { stdio: ['ignore', out, out], env: plan.commandEnv });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const deadline = now() + KEYSTONE_START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the bootstrap's Keystone exited; see ${logFile}`);
      const reply = await request('GET', plan.endpoints.identity, { timeoutMs: 2000 }).catch(() => undefined);
      if (reply?.status === 200) break;
      if (now() > deadline) throw new Error(`the bootstrap's Keystone did not answer within ${formatDuration(KEYSTONE_START_TIMEOUT_MS)}; see ${logFile}`);
      await sleep(200);
    }
    return await work();
  } finally {
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
    // uwsgi's worker leaves with its master; make sure before supervisord starts Keystone on the same port.
    const left = listProcesses().filter((p) => p.argv.includes(`OS_KEYSTONE_CONFIG_FILES=${plan.keystoneConfig}`)).map((p) => p.pid);
    signal(left, 'SIGKILL');
    await waitForExit(left, 5000);
    closeSync(out);
  }
}

/** A bootstrap that stopped half-way leaves unusable databases: stop its processes and start over. */
async function wipeUnfinishedBootstrap(layout: LabLayout, plan: LabOpenstackPlan): Promise<void> {
  const stray = labOpenstackProcesses(layout).map((p) => p.pid);
  signal(stray, 'SIGKILL');
  await waitForExit(stray, 5000);
  await rm(plan.dir, { recursive: true, force: true });
}

/** The last lines of a command's output, for an error message. */
function lastLines(text: string, count = 6): string {
  return text.trim().split('\n').slice(-count).join('\n    ');
}
