/**
 * After supervisord started the lab's OpenStack: wait until every API answers and nova-compute reports to
 * Placement, map the compute hosts to the cell, and (once per lab) create what faults act on — a flavor, an image
 * (a tiny file in Glance), a network with a subnet, servers on the fake virt driver, and a load balancer with a
 * listener, a pool and members — timing every step. cloud.json (no secrets) tells later steps and tests what
 * exists; clouds.yaml (0600, written by the bootstrap) how to log in.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { now, sleep } from '../../src/kernel/clock';
import { formatDuration } from '../../src/kernel/duration';
import { runCommand } from '../../src/executors/command';
import { LabSession, request } from './api';
import { COMPUTE_HOSTS, KEYSTONE_NAMES, LabOpenstackPlan, OPENSTACK_BINARIES, OpenstackSecrets, REGION, SERVICE_TYPES, ServiceType } from './config';

/** How long the APIs may take to answer after supervisord started them (about 20 s here, more on a busy machine). */
const API_TIMEOUT_MS = 180_000;
/** How long a server may take to become ACTIVE, a load balancer to leave PENDING_*. */
const TRANSITION_TIMEOUT_MS = 60_000;
/** The compute API's microversion the lab uses (networks "none" needs 2.37, tags at create 2.52). */
export const COMPUTE_MICROVERSION = '2.79';
/** The network that exists only in Neutron's database (TEST-NET-2, RFC 5737): no packet ever uses it. */
export const LAB_SUBNET_CIDR = '198.51.100.0/24';
/** How many servers the lab creates, and the port their load-balancer members point at. */
const SERVER_COUNT = 2;
const MEMBER_PORT = 8080;

/** One object of Octavia's status tree. */
interface StatusNode {
  id: string;
  provisioning_status: string;
}

/** LabCloud: cloud.json, what the lab's OpenStack holds (no secrets; clouds.yaml has the credentials). */
export interface LabCloud {
  /** The clouds.yaml clouds: password and application credential. */
  cloud: string;
  applicationCredentialCloud: string;
  cloudsYaml: string;
  authUrl: string;
  region: string;
  interface: 'public';
  identityApiVersion: 3;
  computeMicroversion: string;
  project: { name: string; id: string; domain: string };
  user: { name: string; id: string };
  /** Where the control plane runs, and the supervisord that runs it. */
  namespace: string;
  address: string;
  supervisorConfig: string;
  programs: string[];
  endpoints: Record<ServiceType, string>;
  computeHosts: string[];
  resources: {
    flavor: { id: string; name: string };
    image: { id: string; name: string };
    network: { id: string; name: string };
    subnet: { id: string; name: string; cidr: string };
    /** A port of lab-net bound to nothing: the target of the port admin-state fault. */
    port: { id: string; name: string };
    servers: Array<{ id: string; name: string; host: string }>;
    loadBalancer: { id: string; name: string; vipAddress: string; listenerId: string; poolId: string; members: Array<{ id: string; name: string; address: string }> };
  };
  /** Seconds per step of the creation, in order. */
  timings: Record<string, number>;
  createdAt: string;
}

/** finishLabOpenstack waits for the control plane and creates its resources the first time; see the file comment. */
export async function finishLabOpenstack(plan: LabOpenstackPlan, log: (line: string) => void, upStarted: number): Promise<LabCloud> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>, describe: (result: T) => string): Promise<T> => {
    const t0 = now();
    const result = await work();
    timings[name] = Math.round(now() - t0) / 1000;
    log(`openstack: ${describe(result)} (${formatDuration(now() - t0)}, ${formatDuration(now() - upStarted)} after lab up started)`);
    return result;
  };
  await timed('apis', () => waitForApis(plan), () => `${SERVICE_TYPES.length} APIs answer on ${plan.address}`);
  const secrets = JSON.parse(await readFile(plan.secretsPath, 'utf8')) as OpenstackSecrets;
  const session = await LabSession.login(plan.endpoints.identity, { user: KEYSTONE_NAMES.user, password: secrets.user, project: KEYSTONE_NAMES.project });
  await timed('compute', () => waitForCompute(plan, session), () => `nova-compute reports on ${COMPUTE_HOSTS.join(', ')} (fake virt driver)`);
  // A lab that has its resources has its compute hosts mapped (the mapping lives in the database).
  if (existsSync(plan.resourcesMarker)) return JSON.parse(await readFile(plan.cloudJsonPath, 'utf8')) as LabCloud;
  await timed('discover', () => discoverHosts(plan), () => 'compute hosts mapped to cell1');

  const api = new Api(plan, session);
  const [flavor, image, net] = await Promise.all([
    timed('flavor', () => api.flavor(), (f) => `flavor ${f.name}`),
    timed('image', () => api.image(), (i) => `image ${i.name} (1 KiB, file store)`),
    timed('network', () => api.network(), (n) => `network ${n.network.name} with subnet ${LAB_SUBNET_CIDR} and port ${n.port.name}`),
  ]);
  const servers = await timed('servers', () => api.servers(flavor.id, image.id), (s) => `${s.length} servers ACTIVE (${s.map((x) => `${x.name} on ${x.host}`).join(', ')})`);
  const loadBalancer = await timed('loadBalancer', () => api.loadBalancer(net.subnet.id, servers.map((s) => s.name)), (lb) => `load balancer ${lb.name} ACTIVE (VIP ${lb.vipAddress}, pool with ${lb.members.length} members)`);

  const cloud: LabCloud = {
    cloud: plan.cloudNames.password,
    applicationCredentialCloud: plan.cloudNames.applicationCredential,
    cloudsYaml: plan.cloudsYamlPath,
    authUrl: plan.endpoints.identity,
    region: REGION,
    interface: 'public',
    identityApiVersion: 3,
    computeMicroversion: COMPUTE_MICROVERSION,
    project: { name: KEYSTONE_NAMES.project, id: session.projectId, domain: 'Default' },
    user: { name: KEYSTONE_NAMES.user, id: session.userId },
    namespace: plan.control.namespace,
    address: plan.address,
    supervisorConfig: plan.control.supervisorConfig,
    programs: plan.programs.map((p) => p.name),
    endpoints: plan.endpoints,
    computeHosts: [...COMPUTE_HOSTS],
    resources: { flavor, image, network: net.network, subnet: net.subnet, port: net.port, servers, loadBalancer },
    timings,
    createdAt: new Date().toISOString(),
  };
  await writeFile(plan.cloudJsonPath, `${JSON.stringify(cloud, null, 2)}\n`, { mode: 0o644 });
  await writeFile(plan.resourcesMarker, `${cloud.createdAt}\n`, { mode: 0o644 });
  return cloud;
}

/** Waits until every API's unauthenticated root (its version document) answers. */
async function waitForApis(plan: LabOpenstackPlan): Promise<void> {
  const deadline = now() + API_TIMEOUT_MS;
  let waiting: string[] = [];
  while (now() < deadline) {
    const answers = await Promise.all(
      SERVICE_TYPES.map(async (type) => {
        const reply = await request('GET', plan.endpoints[type], { timeoutMs: 3000 }).catch((error: Error) => error);
        if (reply instanceof Error) return `${type}: ${reply.message}`;
        return reply.status === 200 || reply.status === 300 ? undefined : `${type}: ${reply.status}`;
      }),
    );
    waiting = answers.filter((a): a is string => a !== undefined);
    if (waiting.length === 0) return;
    await sleep(250);
  }
  throw new Error(`the lab's OpenStack APIs did not answer within ${formatDuration(API_TIMEOUT_MS)}: ${waiting.join('; ')}\n  see the logs in ${plan.logDir}; run scs-chaos lab down to clean up`);
}

/** Waits until every compute host's nova-compute is up and has its resource provider in Placement. */
async function waitForCompute(plan: LabOpenstackPlan, session: LabSession): Promise<void> {
  const compute = plan.endpoints.compute;
  const deadline = now() + API_TIMEOUT_MS;
  let last = '';
  while (now() < deadline) {
    try {
      const { services } = await session.call<{ services: Array<{ host: string; state: string }> }>('GET', `${compute}/os-services?binary=nova-compute`, [200]);
      const { resource_providers: providers } = await session.call<{ resource_providers: Array<{ name: string }> }>('GET', `${plan.endpoints.placement}/resource_providers`, [200]);
      const missing = COMPUTE_HOSTS.filter((host) => !services.some((s) => s.host === host && s.state === 'up') || !providers.some((p) => p.name === host));
      if (missing.length === 0) return;
      last = `waiting for ${missing.join(', ')} (services: ${services.map((s) => `${s.host} ${s.state}`).join(', ') || 'none'}; resource providers: ${providers.map((p) => p.name).join(', ') || 'none'})`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`nova-compute did not report within ${formatDuration(API_TIMEOUT_MS)}: ${last}\n  see ${plan.logDir}/nova-compute-*.log`);
}

/** `nova-manage cell_v2 discover_hosts`: the scheduler places servers only on hosts mapped to a cell. */
async function discoverHosts(plan: LabOpenstackPlan): Promise<void> {
  const argv = [OPENSTACK_BINARIES.python, plan.launcher, plan.dir, 'nova-manage', 'nova.cmd.manage:main', '--config-file', plan.novaConfig, 'cell_v2', 'discover_hosts'];
  const result = await runCommand(argv, { env: plan.commandEnv, timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`nova-manage cell_v2 discover_hosts exited ${result.code}: ${result.stderr.trim().split('\n').slice(-5).join('\n  ')}`);
}

/** The creation calls, against the scenario user's project. */
class Api {
  private readonly compute: string;
  private readonly computeHeaders = { 'OpenStack-API-Version': `compute ${COMPUTE_MICROVERSION}` };

  constructor(
    private readonly plan: LabOpenstackPlan,
    private readonly session: LabSession,
  ) {
    this.compute = plan.endpoints.compute;
  }

  async flavor(): Promise<{ id: string; name: string }> {
    const name = 'lab.tiny';
    const { flavor } = await this.session.call<{ flavor: { id: string } }>('POST', `${this.compute}/flavors`, [200], { json: { flavor: { name, ram: 64, vcpus: 1, disk: 1 } }, headers: this.computeHeaders });
    return { id: flavor.id, name };
  }

  async image(): Promise<{ id: string; name: string }> {
    const name = 'lab-tiny';
    const images = `${this.plan.endpoints.image}/v2/images`;
    const created = await this.session.call<{ id: string }>('POST', images, [201], { json: { name, disk_format: 'raw', container_format: 'bare', visibility: 'public' } });
    await this.session.call('PUT', `${images}/${created.id}/file`, [204], { bytes: new Uint8Array(1024) });
    const { status } = await this.session.call<{ status: string }>('GET', `${images}/${created.id}`, [200]);
    if (status !== 'active') throw new Error(`image ${name} is ${status} after its upload, not active`);
    return { id: created.id, name };
  }

  async network(): Promise<{ network: { id: string; name: string }; subnet: { id: string; name: string; cidr: string }; port: { id: string; name: string } }> {
    const neutron = `${this.plan.endpoints.network}/v2.0`;
    const { network } = await this.session.call<{ network: { id: string; name: string } }>('POST', `${neutron}/networks`, [201], { json: { network: { name: 'lab-net' } } });
    const { subnet } = await this.session.call<{ subnet: { id: string; name: string; cidr: string } }>('POST', `${neutron}/subnets`, [201], {
      json: { subnet: { name: 'lab-subnet', network_id: network.id, ip_version: 4, cidr: LAB_SUBNET_CIDR, enable_dhcp: false } },
    });
    const { port } = await this.session.call<{ port: { id: string; name: string } }>('POST', `${neutron}/ports`, [201], { json: { port: { name: 'lab-port', network_id: network.id, fixed_ips: [{ subnet_id: subnet.id }] } } });
    return { network: { id: network.id, name: network.name }, subnet: { id: subnet.id, name: subnet.name, cidr: subnet.cidr }, port: { id: port.id, name: port.name } };
  }

  /** Boots the servers at once (no network: their ports could not be bound without an ML2 mechanism driver) and waits until all are ACTIVE. */
  async servers(flavorId: string, imageId: string): Promise<Array<{ id: string; name: string; host: string }>> {
    const names = Array.from({ length: SERVER_COUNT }, (_, i) => `lab-server-${i + 1}`);
    const ids = await Promise.all(
      names.map(async (name) => {
        const body = { server: { name, imageRef: imageId, flavorRef: flavorId, networks: 'none', metadata: { 'scs-chaos-lab': 'true' }, tags: ['scs-chaos-lab'] } };
        const { server } = await this.session.call<{ server: { id: string } }>('POST', `${this.compute}/servers`, [202], { json: body, headers: this.computeHeaders });
        return server.id;
      }),
    );
    return Promise.all(ids.map(async (id, i) => ({ id, name: names[i] ?? id, host: await this.waitForServer(id) })));
  }

  /** Waits until the server is ACTIVE with no task; returns its compute host. */
  private async waitForServer(id: string): Promise<string> {
    const deadline = now() + TRANSITION_TIMEOUT_MS;
    let last = '';
    while (now() < deadline) {
      const { server } = await this.session.call<{ server: Record<string, unknown> }>('GET', `${this.compute}/servers/${id}`, [200], { headers: this.computeHeaders });
      last = `${String(server.status)} (task ${String(server['OS-EXT-STS:task_state'])})`;
      if (server.status === 'ERROR') throw new Error(`server ${id} went to ERROR: ${JSON.stringify(server.fault ?? {})}`);
      if (server.status === 'ACTIVE' && server['OS-EXT-STS:task_state'] === null) return String(server['OS-EXT-SRV-ATTR:host']);
      await sleep(100);
    }
    throw new Error(`server ${id} did not become ACTIVE within ${formatDuration(TRANSITION_TIMEOUT_MS)}: ${last}`);
  }

  /**
   * The load balancer, then its HTTP listener, round-robin pool and members (one per server, with an address of the
   * lab subnet; one batch call), each after Octavia's worker has the load balancer ACTIVE again: a fully populated
   * create leaves the members PENDING_CREATE with the noop drivers of this Octavia. Checks the whole status tree.
   */
  async loadBalancer(subnetId: string, serverNames: string[]): Promise<LabCloud['resources']['loadBalancer']> {
    const lbaas = `${this.plan.endpoints['load-balancer']}/v2/lbaas`;
    const post = async (path: string, key: string, body: Record<string, unknown>): Promise<{ id: string }> => {
      const reply = await this.session.call<Record<string, { id: string }>>('POST', `${lbaas}/${path}`, [201], { json: { [key]: body } });
      const created = reply[key];
      if (!created) throw new Error(`POST ${lbaas}/${path} answered without "${key}"`);
      return created;
    };
    const lb = await post('loadbalancers', 'loadbalancer', { name: 'lab-lb', vip_subnet_id: subnetId });
    await this.waitForLoadBalancer(lbaas, lb.id);
    const listener = await post('listeners', 'listener', { name: 'lab-listener', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: lb.id });
    await this.waitForLoadBalancer(lbaas, lb.id);
    const pool = await post('pools', 'pool', { name: 'lab-pool', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', listener_id: listener.id });
    await this.waitForLoadBalancer(lbaas, lb.id);
    const members = serverNames.map((name, i) => ({ name, address: `198.51.100.${11 + i}`, protocol_port: MEMBER_PORT, subnet_id: subnetId }));
    await this.session.call('PUT', `${lbaas}/pools/${pool.id}/members`, [202], { json: { members } });
    const vipAddress = await this.waitForLoadBalancer(lbaas, lb.id);
    const { statuses } = await this.session.call<{ statuses: { loadbalancer: StatusNode & { listeners: Array<StatusNode & { pools: Array<StatusNode & { members: StatusNode[] }> }> } } }>('GET', `${lbaas}/loadbalancers/${lb.id}/status`, [200]);
    const tree = statuses.loadbalancer;
    const nodes: StatusNode[] = [tree, ...tree.listeners, ...tree.listeners.flatMap((l) => l.pools), ...tree.listeners.flatMap((l) => l.pools.flatMap((p) => p.members))];
    const notActive = nodes.filter((n) => n.provisioning_status !== 'ACTIVE');
    if (notActive.length > 0 || nodes.length !== 3 + members.length) throw new Error(`load balancer ${lb.id}: status tree not all ACTIVE: ${JSON.stringify(tree)}`);
    const listed = await this.session.call<{ members: Array<{ id: string; name: string; address: string }> }>('GET', `${lbaas}/pools/${pool.id}/members`, [200]);
    return { id: lb.id, name: 'lab-lb', vipAddress, listenerId: listener.id, poolId: pool.id, members: listed.members.map((m) => ({ id: m.id, name: m.name, address: m.address })) };
  }

  /** Waits until the load balancer is ACTIVE (no change pending); returns its VIP address. */
  private async waitForLoadBalancer(lbaas: string, id: string): Promise<string> {
    const deadline = now() + TRANSITION_TIMEOUT_MS;
    for (;;) {
      const { loadbalancer } = await this.session.call<{ loadbalancer: { provisioning_status: string; vip_address: string } }>('GET', `${lbaas}/loadbalancers/${id}`, [200]);
      if (loadbalancer.provisioning_status === 'ACTIVE') return loadbalancer.vip_address;
      if (loadbalancer.provisioning_status === 'ERROR') throw new Error(`load balancer ${id} went to ERROR; see ${this.plan.logDir}/octavia-worker.log`);
      if (now() > deadline) throw new Error(`load balancer ${id} is still ${loadbalancer.provisioning_status} after ${formatDuration(TRANSITION_TIMEOUT_MS)}`);
      await sleep(100);
    }
  }
}
