/**
 * The lab's OpenStack as a plan: every path, port, endpoint, program and generated configuration file, derived from
 * the lab layout. Pure (no file or process is touched here); lab/openstack/bootstrap.ts and resources.ts carry it
 * out. Decision and reasons: docs/decisions/0101-openstack-in-the-lab.md.
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

/** OpenstackFile: one generated file; `secret` ones are written 0600 (configuration files hold service passwords). */
export interface OpenstackFile {
  path: string;
  text: string;
  secret: boolean;
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

/**
 * sqliteUrl: the SQLAlchemy URL of a lab database: shared across threads (check_same_thread=false), and a writer
 * waits up to SQLITE_BUSY_TIMEOUT_SEC for another's lock (python/scs_lab_sqlite.py says when SQLite does not wait).
 */
export function sqliteUrl(path: string): string {
  return `sqlite:///${path}?check_same_thread=false&timeout=${SQLITE_BUSY_TIMEOUT_SEC}`;
}

/** How long a statement waits for another connection's lock (seconds; pysqlite's default is 5). */
const SQLITE_BUSY_TIMEOUT_SEC = 30;

/** One INI section: [name] and its key = value lines, in order. */
type IniSection = [string, Array<[string, string | number | boolean]>];

/** iniText renders sections as an oslo.config file. */
export function iniText(header: string, sections: IniSection[]): string {
  const lines = [`# ${header}`, '# Generated by scs-chaos lab up (lab/openstack/config.ts); rewritten on every lab up.'];
  for (const [name, entries] of sections) {
    lines.push('', `[${name}]`);
    for (const [key, value] of entries) lines.push(`${key} = ${String(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Keystone password auth of a service user (keystoneauth options), as in [keystone_authtoken], [placement], ... */
function serviceAuth(plan: Pick<LabOpenstackPlan, 'endpoints'>, user: string, password: string): IniSection[1] {
  return [
    ['auth_url', plan.endpoints.identity],
    ['auth_type', 'password'],
    ['project_domain_id', 'default'],
    ['user_domain_id', 'default'],
    ['project_name', KEYSTONE_NAMES.serviceProject],
    ['username', user],
    ['password', password],
    ['region_name', REGION],
  ];
}

/** The [keystone_authtoken] section of an API (keystonemiddleware validates the callers' tokens with it). */
function authtoken(plan: Pick<LabOpenstackPlan, 'endpoints'>, user: string, password: string): IniSection {
  return ['keystone_authtoken', [['www_authenticate_uri', plan.endpoints.identity], ...serviceAuth(plan, user, password)]];
}

/** configFiles: every configuration file of the lab's OpenStack, with the bootstrap's secrets filled in. */
export function configFiles(plan: LabOpenstackPlan, secrets: OpenstackSecrets, pasteText: (file: string) => string): OpenstackFile[] {
  const { dir, databases, address } = plan;
  const transport = `rabbit://guest:guest@127.0.0.1:${AMQP_PORT}/`;
  const lock = (project: string): IniSection => ['oslo_concurrency', [['lock_path', join(dir, project, 'lock')]]];
  // RabbitMQ starts with the services: retry every second or two, not with oslo.messaging's backoff up to 30 s.
  const rabbit: IniSection = ['oslo_messaging_rabbit', [['rabbit_retry_backoff', 1], ['rabbit_interval_max', 2]]];
  const files: OpenstackFile[] = [];
  const add = (path: string, text: string, secret = true): void => void files.push({ path, text, secret });

  add(
    plan.keystoneConfig,
    iniText('Keystone of the scs-chaos lab', [
      ['database', [['connection', sqliteUrl(databases.keystone)]]],
      ['token', [['provider', 'fernet']]],
      ['fernet_tokens', [['key_repository', plan.fernetKeys]]],
      ['fernet_receipts', [['key_repository', plan.receiptKeys]]],
      ['credential', [['key_repository', plan.credentialKeys]]],
      // bcrypt's default cost makes every password check take ~0.3 s of CPU on this kind of machine.
      ['identity', [['password_hash_rounds', 4]]],
    ]),
  );
  add(
    join(plan.placementConfigDir, 'placement.conf'),
    iniText('Placement of the scs-chaos lab', [
      ['api', [['auth_strategy', 'keystone']]],
      ['placement_database', [['connection', sqliteUrl(databases.placement)]]],
      authtoken(plan, 'placement', secrets.service),
    ]),
  );
  add(join(plan.etcDir, 'nova', 'api-paste.ini'), pasteText('nova-api-paste.ini'), false);
  add(
    plan.novaConfig,
    iniText('Nova of the scs-chaos lab (api, conductor, scheduler; compute reads <host>.conf after this)', [
      [
        'DEFAULT',
        [
          ['transport_url', transport],
          ['compute_driver', 'fake.FakeDriver'],
          ['host', CONTROL_HOST],
          ['my_ip', address],
          ['state_path', join(dir, 'nova')],
          ['instances_path', join(dir, 'nova', 'instances')],
          // Lab timings: a service that stops reporting is "down" after 20 s (default 60), and nova-compute
          // retries its resource report to Placement every 15 s (default: once a minute).
          ['report_interval', 5],
          ['service_down_time', 20],
          ['update_resources_interval', 15],
        ],
      ],
      ['api', [['auth_strategy', 'keystone']]],
      ['api_database', [['connection', sqliteUrl(databases.nova_api)]]],
      ['database', [['connection', sqliteUrl(databases.nova)]]],
      ['wsgi', [['api_paste_config', join(plan.etcDir, 'nova', 'api-paste.ini')]]],
      lock('nova'),
      rabbit,
      ['oslo_messaging_notifications', [['driver', 'noop']]],
      ['conductor', [['workers', 1]]],
      ['scheduler', [['workers', 1]]],
      ['vnc', [['enabled', false]]],
      authtoken(plan, 'nova', secrets.service),
      ['placement', serviceAuth(plan, 'nova', secrets.service)],
      ['neutron', serviceAuth(plan, 'nova', secrets.service)],
      ['glance', serviceAuth(plan, 'nova', secrets.service)],
    ]),
  );
  for (const host of COMPUTE_HOSTS) add(computeConfigOf(plan, host), iniText(`nova-compute on ${host} (fake virt driver)`, [['DEFAULT', [['host', host]]]]), false);
  add(join(plan.etcDir, 'glance', 'glance-api-paste.ini'), pasteText('glance-api-paste.ini'), false);
  add(
    plan.glanceConfig,
    iniText('Glance of the scs-chaos lab (file store)', [
      ['DEFAULT', [['bind_host', address], ['bind_port', PORTS.image], ['workers', 1], ['enabled_backends', 'file:file']]],
      ['database', [['connection', sqliteUrl(databases.glance)]]],
      ['glance_store', [['default_backend', 'file']]],
      ['file', [['filesystem_store_datadir', join(dir, 'glance', 'images')]]],
      ['os_glance_staging_store', [['filesystem_store_datadir', join(dir, 'glance', 'staging')]]],
      ['os_glance_tasks_store', [['filesystem_store_datadir', join(dir, 'glance', 'tasks')]]],
      ['paste_deploy', [['flavor', 'keystone'], ['config_file', join(plan.etcDir, 'glance', 'glance-api-paste.ini')]]],
      authtoken(plan, 'glance', secrets.service),
    ]),
  );
  add(join(plan.etcDir, 'neutron', 'api-paste.ini'), pasteText('neutron-api-paste.ini'), false);
  add(
    plan.neutronConfig,
    iniText('Neutron server of the scs-chaos lab (ML2, local networks, no agents)', [
      [
        'DEFAULT',
        [
          ['core_plugin', 'ml2'],
          ['service_plugins', ''],
          ['auth_strategy', 'keystone'],
          ['bind_host', address],
          ['bind_port', PORTS.network],
          ['api_workers', 1],
          ['rpc_workers', 0],
          ['rpc_state_report_workers', 0],
          ['transport_url', transport],
          ['notify_nova_on_port_status_changes', false],
          ['notify_nova_on_port_data_changes', false],
          ['api_paste_config', join(plan.etcDir, 'neutron', 'api-paste.ini')],
          // Workers keep their command line (it names this lab's files), so lab down and lab status find them.
          ['setproctitle', 'off'],
          ['state_path', join(dir, 'neutron')],
        ],
      ],
      ['database', [['connection', sqliteUrl(databases.neutron)]]],
      lock('neutron'),
      rabbit,
      ['ml2', [['type_drivers', 'local,flat'], ['tenant_network_types', 'local'], ['mechanism_drivers', ''], ['extension_drivers', '']]],
      authtoken(plan, 'neutron', secrets.service),
    ]),
  );
  const ca = plan.caDir;
  add(
    plan.octaviaConfig,
    iniText('Octavia of the scs-chaos lab (amphora provider with the noop amphora, compute and network drivers)', [
      ['DEFAULT', [['transport_url', transport]]],
      [
        'api_settings',
        [
          ['bind_host', address],
          ['bind_port', PORTS['load-balancer']],
          ['auth_strategy', 'keystone'],
          ['default_provider_driver', 'amphora'],
          ['enabled_provider_drivers', 'amphora:The amphora driver with noop backends (scs-chaos lab)'],
        ],
      ],
      ['database', [['connection', sqliteUrl(databases.octavia)]]],
      [
        'controller_worker',
        [
          ['amphora_driver', 'amphora_noop_driver'],
          ['compute_driver', 'compute_noop_driver'],
          ['network_driver', 'network_noop_driver'],
          ['volume_driver', 'volume_noop_driver'],
          ['image_driver', 'image_noop_driver'],
          ['loadbalancer_topology', 'SINGLE'],
          ['client_ca', join(ca, 'ca.pem')],
          ['workers', 1],
          // Required settings that the noop drivers never use.
          ['amp_boot_network_list', '00000000-0000-0000-0000-000000000001'],
          ['amp_image_tag', 'amphora'],
          ['amp_secgroup_list', '00000000-0000-0000-0000-000000000002'],
          ['amp_flavor_id', '00000000-0000-0000-0000-000000000003'],
        ],
      ],
      ['task_flow', [['jobboard_enabled', false]]],
      [
        'health_manager',
        [
          ['bind_ip', address],
          ['bind_port', HEALTH_MANAGER_PORT],
          ['controller_ip_port_list', `${address}:${HEALTH_MANAGER_PORT}`],
          ['heartbeat_key', 'scs-chaos-lab'],
          ['health_update_threads', 1],
          ['stats_update_threads', 1],
        ],
      ],
      lock('octavia'),
      rabbit,
      ['oslo_messaging', [['topic', 'octavia_prov']]],
      ['certificates', [['cert_generator', 'local_cert_generator'], ['ca_certificate', join(ca, 'ca.pem')], ['ca_private_key', join(ca, 'ca.key')]]],
      authtoken(plan, 'octavia', secrets.service),
      ['service_auth', serviceAuth(plan, 'octavia', secrets.service)],
    ]),
  );
  const rabbitDir = join(dir, 'rabbit');
  add(join(rabbitDir, 'rabbitmq-env.conf'), '# scs-chaos lab: every setting comes from the environment (lab/openstack/config.ts)\n', false);
  add(join(rabbitDir, 'rabbitmq.conf'), '# scs-chaos lab: RabbitMQ defaults; it listens on the control namespace\'s loopback\n', false);
  add(join(rabbitDir, 'enabled_plugins'), '[].\n', false);
  return files;
}

/**
 * cloudsYamlText: clouds.yaml with the scenario user's password cloud and its application-credential cloud,
 * both on the public interface of the lab's single region.
 */
export function cloudsYamlText(plan: LabOpenstackPlan, secrets: OpenstackSecrets, credential: { id: string; secret: string }): string {
  const common = [`    region_name: ${REGION}`, '    interface: public', '    identity_api_version: 3'];
  return [
    '# The scs-chaos lab\'s OpenStack (lab up --with openstack); removed by lab down.',
    'clouds:',
    `  ${plan.cloudNames.password}:`,
    '    auth_type: password',
    '    auth:',
    `      auth_url: ${plan.endpoints.identity}`,
    `      username: ${KEYSTONE_NAMES.user}`,
    `      password: ${yamlString(secrets.user)}`,
    `      project_name: ${KEYSTONE_NAMES.project}`,
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    ...common,
    `  ${plan.cloudNames.applicationCredential}:`,
    '    auth_type: v3applicationcredential',
    '    auth:',
    `      auth_url: ${plan.endpoints.identity}`,
    `      application_credential_id: ${yamlString(credential.id)}`,
    `      application_credential_secret: ${yamlString(credential.secret)}`,
    ...common,
    '',
  ].join('\n');
}

/** A YAML double-quoted scalar (the secrets are base64url, but quote anyway). */
function yamlString(value: string): string {
  return JSON.stringify(value);
}
