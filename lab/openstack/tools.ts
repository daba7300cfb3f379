/**
 * What `lab up --with openstack` needs installed, checked before anything is touched: Debian's python3-* packages
 * of the six projects (found as modules of Debian's /usr/bin/python3, never a pyenv python3 that PATH may offer),
 * RabbitMQ, uwsgi with its python3 plugin and openssl. A missing one is reported with its package and the install
 * script's flag.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { OPENSTACK_BINARIES } from './config';

/** Debian's python3 module directory: where the python3-* packages put the OpenStack libraries. */
const DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/** Each module the lab imports, with the Debian package that ships it. */
const MODULES: Record<string, string> = {
  keystone: 'python3-keystone',
  placement: 'python3-placement',
  nova: 'python3-nova',
  glance: 'python3-glance',
  glance_store: 'python3-glance-store',
  neutron: 'python3-neutron',
  octavia: 'python3-octavia',
};

/** Each program (OPENSTACK_BINARIES) with the Debian package that ships it. */
const PROGRAM_PACKAGES: Record<keyof typeof OPENSTACK_BINARIES, string> = {
  python: 'python3',
  uwsgi: 'uwsgi-core',
  rabbitmqServer: 'rabbitmq-server',
  sh: 'dash',
  placementManage: 'python3-placement',
  keystoneWsgi: 'python3-keystone',
  placementWsgi: 'python3-placement',
  octaviaWsgi: 'python3-octavia',
  openssl: 'openssl',
};

/** The python3 plugin of uwsgi (uwsgi-plugin-python3). */
const UWSGI_PYTHON_PLUGIN = '/usr/lib/uwsgi/plugins/python3_plugin.so';

/** requireOpenstackTools throws, naming every missing package and the install command, unless all are installed. */
export function requireOpenstackTools(): void {
  const missing = new Set<string>();
  for (const [key, path] of Object.entries(OPENSTACK_BINARIES) as Array<[keyof typeof OPENSTACK_BINARIES, string]>) {
    if (!executable(path)) missing.add(PROGRAM_PACKAGES[key]);
  }
  for (const [module, pkg] of Object.entries(MODULES)) if (!existsSync(`${DIST_PACKAGES}/${module}/__init__.py`)) missing.add(pkg);
  if (!existsSync(UWSGI_PYTHON_PLUGIN)) missing.add('uwsgi-plugin-python3');
  if (missing.size > 0) {
    throw new Error(`lab up --with openstack needs the Debian packages ${[...missing].join(', ')}, which are not installed: run bash lab/install-packages.sh --with-openstack as root`);
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
