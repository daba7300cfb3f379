/**
 * The one-time bootstrap of the lab's OpenStack, before the control namespace's supervisord runs any of its
 * programs:
 *   1. secrets, configuration files, Keystone's fernet and credential keys, Octavia's CA (openssl);
 *   2. in parallel, one chain per project (each step a Python start: most of the time goes here):
 *        keystone   db_sync, bootstrap, and the registration of the catalogue, the service users, the scenario
 *                   user and its application credential, in one Python start (python/keystone-setup.py);
 *        placement  db sync;   glance  db_sync;
 *        nova       api_db sync, map_cell0, create_cell, db sync, in one Python start (python/nova-db.py);
 *        neutron, octavia  schema from the models, stamped (their migrations cannot run on SQLite; db-schema.py);
 *      then every database switches to write-ahead logging;
 *   3. clouds.yaml (0600), and the `bootstrapped` marker last.
 * Keystone is filled before any service starts, so nova-compute finds Placement in the catalogue at its first
 * resource report. A bootstrap that stopped half-way is wiped and done again; a second `lab up` finds the marker,
 * rewrites the configuration files (same secrets) and starts only what is missing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { now } from '../../src/kernel/clock';
import { formatDuration } from '../../src/kernel/duration';
import { runCommand } from '../../src/executors/command';
import type { LabLayout } from '../layout';
import { signal, waitForExit } from '../processes';
import { LabOpenstackPlan, OPENSTACK_BINARIES, OpenstackSecrets, PASTE_DIR } from './config';
import { cloudsYamlText, configFiles, sqliteUrl } from './files';
import { labOpenstackProcesses } from './control-plane';
import { keystoneSetupRequest, parseKeystoneSetup, RegisteredKeystone } from './keystone';

/** How long one bootstrap command may take (a DB sync on a busy 2-core machine takes up to ~15 s). */
const COMMAND_TIMEOUT_MS = 180_000;

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
  const step = async (chain: string, what: string, argv: string[], input?: string): Promise<string> => {
    const t0 = now();
    const result = await runCommand(argv, { env: plan.commandEnv, timeoutMs: COMMAND_TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
    const logFile = join(plan.bootstrapLogDir, `${chain}.log`);
    // stdout is not logged: keystone-setup.py's result holds the application credential's secret.
    await note(chain, `$ ${argv.join(' ')}\n${result.stderr}# ${what}: exit ${result.code} after ${formatDuration(now() - t0)}\n`);
    if (result.code !== 0) throw new Error(`openstack bootstrap: ${what} exited ${result.code}: ${lastLines(result.stderr)}\n  (full output in ${logFile})`);
    return result.stdout;
  };
  const python = OPENSTACK_BINARIES.python;
  const entry = (name: string, target: string, ...args: string[]): string[] => [python, plan.launcher, plan.dir, name, target, ...args];
  const wal = (...names: Array<keyof LabOpenstackPlan['databases']>): string[] => [python, plan.schemaHelper, 'wal', ...names.map((n) => plan.databases[n])];
  const timed = async (chain: string, run: () => Promise<unknown>): Promise<string> => {
    const t0 = now();
    await run();
    return `${chain} ${formatDuration(now() - t0)}`;
  };

  let registered: RegisteredKeystone | undefined;
  const chains = await Promise.all([
    timed('keystone', async () => {
      const result = await step('keystone', 'the Keystone setup (keystone-setup.py)', [python, plan.keystoneSetupHelper, plan.dir, plan.keystoneConfig], keystoneSetupRequest(plan, secrets));
      registered = parseKeystoneSetup(result);
      await step('keystone', 'WAL', wal('keystone'));
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
