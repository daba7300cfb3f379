/**
 * The lab's OpenStack as a plan: every path, port, endpoint and program, derived from the lab layout (the files
 * they read: lab/openstack/files.ts). Pure (no file or process is touched here); lab/openstack/bootstrap.ts and
 * resources.ts carry it out. Decision and reasons: docs/decisions/0101-openstack-in-the-lab.md.
 *
 * Where everything runs: in the control namespace (lab.control), as programs of its supervisord, next to Ceph's
 * monitor and manager when the lab runs Ceph too. The APIs listen on the control address (the runner reaches them
 * over the lab bridge, and two labs on one machine never share a port); RabbitMQ, its epmd and its distribution
 * port listen on the namespace's own loopback (only the control plane talks to them, and the namespace's loopback
 * is not the host's). Every file lives under `<runDir>/openstack/` (`lab down` deletes it with the run directory);
 * every program's command line names a path below it, which is how `lab down` and the leftover check recognise
 * the lab's OpenStack processes (and RabbitMQ's detached epmd by SCS_CHAOS_LAB in its environment).
 */
import { join } from 'node:path';
import type { LabLayout, LabNamespace } from '../layout';
import type { SupervisedProgram } from '../supervisor';

/** The OpenStack services of the lab, by their catalogue type. */
export const SERVICE_TYPES = ['identity', 'compute', 'image', 'network', 'placement', 'load-balancer'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Ports: each project's registered default, on the control address. */
export const PORTS: Record<ServiceType, number> = { identity: 5000, compute: 8774, image: 9292, network: 9696, placement: 8778, 'load-balancer': 9876 };
/** Octavia's health manager (UDP heartbeats from amphorae; with the noop amphora driver none arrive). */
export const HEALTH_MANAGER_PORT = 5555;
/** RabbitMQ on the namespace's loopback: AMQP, Erlang distribution (epmd listens on its fixed 4369). */
export const AMQP_PORT = 5672;
export const RABBIT_DIST_PORT = 25672;
/** The catalogue's single region. */
export const REGION = 'RegionOne';
/** The path below the service root that each catalogue entry points at. */
const ENDPOINT_PATHS: Record<ServiceType, string> = { identity: '/v3', compute: '/v2.1', image: '', network: '', placement: '', 'load-balancer': '' };

/** Names of what the bootstrap creates in Keystone (lab/openstack/keystone.ts). */
export const KEYSTONE_NAMES = {
  /** The project the service users live in, as in every OpenStack deployment. */
  serviceProject: 'service',
  /** The project and user a scenario acts as (clouds.yaml): admin on this project, plus the load-balancer roles. */
  project: 'scs-chaos',
  user: 'scs-chaos',
  roles: ['admin', 'member', 'reader', 'load-balancer_admin', 'load-balancer_member'],
  applicationCredential: 'scs-chaos-lab',
} as const;

/** The service users (one per project, in the service project, role admin) and the catalogue entry each registers. */
export const SERVICE_USERS: Array<{ user: string; type: Exclude<ServiceType, 'identity'> }> = [
  { user: 'placement', type: 'placement' },
  { user: 'nova', type: 'compute' },
  { user: 'glance', type: 'image' },
  { user: 'neutron', type: 'network' },
  { user: 'octavia', type: 'load-balancer' },
];

/** The Nova compute hosts (one nova-compute with the fake virt driver each); the other Nova services run on CONTROL_HOST. */
export const COMPUTE_HOSTS = ['compute-1'] as const;
export const CONTROL_HOST = 'control';

/** Paths of the Debian-packaged programs the lab runs (lab/openstack/tools.ts checks them). */
export const OPENSTACK_BINARIES = {
  python: '/usr/bin/python3',
  uwsgi: '/usr/bin/uwsgi-core',
  rabbitmqServer: '/usr/lib/rabbitmq/bin/rabbitmq-server',
  sh: '/bin/sh',
  placementManage: '/usr/bin/placement-manage',
  keystoneWsgi: '/usr/bin/keystone-wsgi-public',
  placementWsgi: '/usr/bin/placement-api',
  octaviaWsgi: '/usr/bin/octavia-wsgi',
  openssl: '/usr/bin/openssl',
} as const;

/** OpenstackSecrets: generated once per lab by the bootstrap, kept in `secretsPath` (0600). */
export interface OpenstackSecrets {
  /** Keystone's bootstrap admin (project admin). */
  admin: string;
  /** Every service user's. */
  service: string;
  /** The scenario user's (clouds.yaml). */
  user: string;
}

/** LabOpenstackPlan: everything `lab up --with openstack` creates, by name. */
export interface LabOpenstackPlan {
  /** `<runDir>/openstack`: everything of OpenStack lives below. */
  dir: string;
  control: LabNamespace;
  /** The control address every API listens on. */
  address: string;
  /** Catalogue URL per service type (the same for the public, internal and admin interfaces). */
  endpoints: Record<ServiceType, string>;
  etcDir: string;
  dbDir: string;
  logDir: string;
  /** Where the bootstrap's one-shot commands (DB syncs) log. */
  bootstrapLogDir: string;
  secretsPath: string;
  cloudsYamlPath: string;
  cloudJsonPath: string;
  /** Written last by the bootstrap: without it, `lab up` bootstraps afresh. */
  bootstrappedMarker: string;
  /** Written once the lab's servers and load balancer exist: without it, `lab up` creates them. */
  resourcesMarker: string;
  /** Names of the two clouds in clouds.yaml: password and application credential. */
  cloudNames: { password: string; applicationCredential: string };
  keystoneConfig: string;
  novaConfig: string;
  neutronConfig: string;
  glanceConfig: string;
  octaviaConfig: string;
  placementConfigDir: string;
  fernetKeys: string;
  /** Keystone's receipt keys (multi-factor receipts; Keystone refuses to bootstrap without the repository). */
  receiptKeys: string;
  credentialKeys: string;
  caDir: string;
  /** Every SQLite database file by name (keystone, placement, nova_api, nova, nova_cell0, glance, neutron, octavia). */
  databases: Record<DatabaseName, string>;
  /** Directories the services need before they start. */
  stateDirs: string[];
  /** The supervisord programs, in start order (supervisord starts them together). */
  programs: SupervisedProgram[];
  /** The launcher of Python entry points (lab/openstack/python/launch.py). */
  launcher: string;
  /** The SQLite schema helper (lab/openstack/python/db-schema.py). */
  schemaHelper: string;
  /** Nova's database setup in one Python start (lab/openstack/python/nova-db.py). */
  novaDbHelper: string;
  /** Keystone's database, bootstrap and registration in one Python start (lab/openstack/python/keystone-setup.py). */
  keystoneSetupHelper: string;
  /** Environment of the bootstrap's one-shot commands: no pyenv on PATH, caches inside `dir`, no bytecode files. */
  commandEnv: NodeJS.ProcessEnv;
}

export type DatabaseName = 'keystone' | 'placement' | 'nova_api' | 'nova' | 'nova_cell0' | 'glance' | 'neutron' | 'octavia';
const DATABASES: DatabaseName[] = ['keystone', 'placement', 'nova_api', 'nova', 'nova_cell0', 'glance', 'neutron', 'octavia'];

/** The repository's files the plan refers to (paste-deploy pipelines, Python helpers). */
export const PASTE_DIR = join(__dirname, 'paste');
const PYTHON_DIR = join(__dirname, 'python');
const RABBITMQ_WRAPPER = join(__dirname, 'rabbitmq.sh');

/** openstackDirOf: `<runDir>/openstack`; the lab runs OpenStack exactly when it exists. */
export function openstackDirOf(layout: LabLayout): string {
  return join(layout.spec.runDir, 'openstack');
}

/**
 * labOpenstackPlan derives the lab's OpenStack from the layout; `cloudName` names the password cloud in clouds.yaml
 * (the application-credential cloud is `<cloudName>-appcred`). Throws when the environment has no control namespace.
 */
export function labOpenstackPlan(layout: LabLayout, cloudName: string, sourcePath: string): LabOpenstackPlan {
  const control = layout.control;
  if (!control) throw new Error(`lab up --with openstack needs lab.control (namespace and address of the control plane) (${sourcePath}); see experiments/environments/lab.yaml`);
  const dir = openstackDirOf(layout);
  const address = control.address;
  const endpoints = Object.fromEntries(SERVICE_TYPES.map((type) => [type, `http://${address}:${PORTS[type]}${ENDPOINT_PATHS[type]}`])) as Record<ServiceType, string>;
  const etcDir = join(dir, 'etc');
  const dbDir = join(dir, 'db');
  const logDir = join(dir, 'log');
  const databases = Object.fromEntries(DATABASES.map((name) => [name, join(dbDir, `${name}.db`)])) as Record<DatabaseName, string>;
  const commandEnv: NodeJS.ProcessEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    HOME: join(dir, 'home'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    PYTHONDONTWRITEBYTECODE: '1',
    SCS_CHAOS_LAB: dir,
  };
  const partial = {
    dir,
    control,
    address,
    endpoints,
    etcDir,
    dbDir,
    logDir,
    bootstrapLogDir: join(logDir, 'bootstrap'),
    secretsPath: join(dir, 'secrets.json'),
    cloudsYamlPath: join(dir, 'clouds.yaml'),
    cloudJsonPath: join(dir, 'cloud.json'),
    bootstrappedMarker: join(dir, 'bootstrapped'),
    resourcesMarker: join(dir, 'resources-created'),
    cloudNames: { password: cloudName, applicationCredential: `${cloudName}-appcred` },
    keystoneConfig: join(etcDir, 'keystone', 'keystone.conf'),
    novaConfig: join(etcDir, 'nova', 'nova.conf'),
    neutronConfig: join(etcDir, 'neutron', 'neutron.conf'),
    glanceConfig: join(etcDir, 'glance', 'glance-api.conf'),
    octaviaConfig: join(etcDir, 'octavia', 'octavia.conf'),
    placementConfigDir: join(etcDir, 'placement'),
    fernetKeys: join(dir, 'keystone', 'fernet-keys'),
    receiptKeys: join(dir, 'keystone', 'receipt-keys'),
    credentialKeys: join(dir, 'keystone', 'credential-keys'),
    caDir: join(dir, 'octavia', 'ca'),
    databases,
    launcher: join(PYTHON_DIR, 'launch.py'),
    schemaHelper: join(PYTHON_DIR, 'db-schema.py'),
    novaDbHelper: join(PYTHON_DIR, 'nova-db.py'),
    keystoneSetupHelper: join(PYTHON_DIR, 'keystone-setup.py'),
    commandEnv,
  };
  const stateDirs = [
    dbDir,
    logDir,
    partial.bootstrapLogDir,
    commandEnv.HOME ?? '',
    commandEnv.XDG_CACHE_HOME ?? '',
    join(dir, 'keystone'),
    join(dir, 'nova', 'instances'),
    join(dir, 'nova', 'lock'),
    join(dir, 'glance', 'images'),
    join(dir, 'glance', 'staging'),
    join(dir, 'glance', 'tasks'),
    join(dir, 'neutron', 'lock'),
    join(dir, 'octavia', 'lock'),
    partial.caDir,
    join(dir, 'rabbit', 'mnesia'),
  ];
  return { ...partial, stateDirs, programs: programsOf(partial) };
}

type PlanBase = Pick<LabOpenstackPlan, 'dir' | 'address' | 'logDir' | 'keystoneConfig' | 'novaConfig' | 'neutronConfig' | 'glanceConfig' | 'octaviaConfig' | 'placementConfigDir' | 'launcher' | 'etcDir'>;

/** computeConfigOf: the extra nova.conf of one compute host (its [DEFAULT] host), read after nova.conf. */
export function computeConfigOf(plan: Pick<LabOpenstackPlan, 'etcDir'>, host: string): string {
  return join(plan.etcDir, 'nova', `${host}.conf`);
}

/** The supervisord programs: RabbitMQ, the WSGI APIs under uwsgi, and the Python services through launch.py. */
function programsOf(plan: PlanBase): SupervisedProgram[] {
  const bin = OPENSTACK_BINARIES;
  const program = (name: string, argv: string[]): SupervisedProgram => ({ name, argv, logFile: join(plan.logDir, `${name}.log`) });
  const python = (name: string, entryPoint: string, ...args: string[]): SupervisedProgram => program(name, [bin.python, plan.launcher, plan.dir, name, entryPoint, ...args]);
  /** A WSGI API under uwsgi; `threads` 1 for an API that alone uses its SQLite file (no lock conflicts within it). */
  const wsgi = (name: string, type: ServiceType, threads: number, ...app: string[]): SupervisedProgram =>
    program(name, [
      bin.uwsgi,
      '--plugin', 'python3',
      '--http-socket', `${plan.address}:${PORTS[type]}`,
      '--master', '--processes', '1', '--threads', String(threads),
      '--die-on-term', '--lazy-apps', '--need-app',
      // uwsgi's http-socket closes every connection: say so, so clients do not try to reuse one.
      '--add-header', 'Connection: close',
      '--env', `XDG_CACHE_HOME=${join(plan.dir, 'cache')}`,
      '--env', `SCS_CHAOS_LAB=${plan.dir}`,
      '--env', 'PYTHONDONTWRITEBYTECODE=1',
      // "database is locked" is retried as a deadlock (python/scs_lab_sqlite.py).
      '--pythonpath', PYTHON_DIR, '--import', 'scs_lab_sqlite',
      ...app,
    ]);
  const rabbitDir = join(plan.dir, 'rabbit');
  const rabbitEnv = {
    SCS_CHAOS_LAB: plan.dir,
    HOME: rabbitDir,
    RABBITMQ_CONF_ENV_FILE: join(rabbitDir, 'rabbitmq-env.conf'),
    RABBITMQ_NODENAME: 'rabbit@localhost',
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(AMQP_PORT),
    RABBITMQ_DIST_PORT: String(RABBIT_DIST_PORT),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(rabbitDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(rabbitDir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: join(rabbitDir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(rabbitDir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(rabbitDir, 'advanced.config'),
    RABBITMQ_PID_FILE: join(rabbitDir, 'rabbit.pid'),
    ERL_CRASH_DUMP: join(rabbitDir, 'erl_crash.dump'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const novaArgs = ['--config-file', plan.novaConfig];
  const octaviaArgs = ['--config-file', plan.octaviaConfig];
  return [
    program('rabbitmq', [bin.sh, RABBITMQ_WRAPPER, ...Object.entries(rabbitEnv).map(([key, value]) => `${key}=${value}`)]),
    wsgi('keystone', 'identity', 1, '--wsgi-file', bin.keystoneWsgi, '--env', `OS_KEYSTONE_CONFIG_FILES=${plan.keystoneConfig}`),
    wsgi('placement-api', 'placement', 1, '--wsgi-file', bin.placementWsgi, '--env', `OS_PLACEMENT_CONFIG_DIR=${plan.placementConfigDir}`),
    wsgi(
      'nova-api',
      'compute',
      4,
      '--eval', 'from nova.api.openstack.compute.wsgi import init_application; application = init_application()',
      '--env', `OS_NOVA_CONFIG_DIR=${join(plan.etcDir, 'nova')}`,
      '--env', 'OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf',
      // Eventlet's monkey patching under uwsgi's native threads deadlocks: seen here, a POST /servers hung for
      // good in the eventlet hub of a worker thread. Nova's API needs no patching outside its eventlet services.
      '--env', 'OS_NOVA_DISABLE_EVENTLET_PATCHING=1',
    ),
    python('nova-conductor', 'nova.cmd.conductor:main', ...novaArgs),
    python('nova-scheduler', 'nova.cmd.scheduler:main', ...novaArgs),
    ...COMPUTE_HOSTS.map((host) => python(`nova-compute-${host.replace(/^compute-/, '')}`, 'nova.cmd.compute:main', ...novaArgs, '--config-file', computeConfigOf(plan, host))),
    python('glance-api', 'glance.cmd.api:main', '--config-file', plan.glanceConfig),
    python('neutron-server', 'neutron.cmd.eventlet.server:main', '--config-file', plan.neutronConfig),
    wsgi('octavia-api', 'load-balancer', 4, '--wsgi-file', bin.octaviaWsgi, '--pyargv', `--config-file ${plan.octaviaConfig}`),
    python('octavia-worker', 'octavia.cmd.octavia_worker:main', ...octaviaArgs),
    python('octavia-health-manager', 'octavia.cmd.health_manager:main', ...octaviaArgs),
    python('octavia-housekeeping', 'octavia.cmd.house_keeping:main', ...octaviaArgs),
  ];
}
