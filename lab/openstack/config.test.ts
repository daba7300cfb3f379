/**
 * Unit tests of the lab's OpenStack plan (pure): everything derived from lab.yaml's control namespace, every program
 * and file recognisable as the lab's (its run directory on the command line), the APIs bound to the control address
 * and RabbitMQ to the namespace's loopback, the secrets only in 0600 files, and clouds.yaml as YAML.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import '../../src/kinds'; // registers the target kinds' environment sections (lab.yaml has some)
import { loadEnvironment } from '../../src/environment/load';
import { labLayout } from '../layout';
import { labOpenstackPlan, OpenstackSecrets, PASTE_DIR, PORTS, SERVICE_TYPES } from './config';
import { cloudsYamlText, configFiles, iniText } from './files';
import { labOpenstackProcesses, programPid } from './control-plane';

const env = loadEnvironment(resolve(__dirname, '../../experiments/environments/lab.yaml'));
const layout = labLayout(env);
const plan = labOpenstackPlan(layout, 'lab', env.sourcePath);
const SECRETS: OpenstackSecrets = { admin: 'admin-secret', service: 'service-secret', user: 'user-secret' };
const files = configFiles(plan, SECRETS, (file) => readFileSync(join(PASTE_DIR, file), 'utf8'));

describe('the lab OpenStack plan', () => {
  it('lives in the control namespace, under <runDir>/openstack, with every API on the control address', () => {
    assert.ok(layout.control);
    assert.equal(plan.dir, join(env.lab?.runDir ?? '', 'openstack'));
    assert.equal(plan.address, layout.control.address);
    for (const type of SERVICE_TYPES) assert.ok(plan.endpoints[type].startsWith(`http://${layout.control.address}:${PORTS[type]}`), plan.endpoints[type]);
    assert.equal(plan.endpoints.identity, `http://${layout.control.address}:5000/v3`);
  });

  it('refuses an environment without a control namespace', () => {
    assert.throws(() => labOpenstackPlan({ ...layout, control: undefined }, 'lab', env.sourcePath), /needs lab.control/);
  });

  it('runs 13 programs, each named once, each naming the lab run directory on its command line', () => {
    const names = plan.programs.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(names, ['rabbitmq', 'keystone', 'placement-api', 'nova-api', 'nova-conductor', 'nova-scheduler', 'nova-compute-1', 'glance-api', 'neutron-server', 'octavia-api', 'octavia-worker', 'octavia-health-manager', 'octavia-housekeeping']);
    for (const program of plan.programs) {
      assert.ok(program.argv.some((arg) => arg.includes(`${plan.dir}/`) || arg.endsWith(plan.dir)), `${program.name}: ${program.argv.join(' ')}`);
      assert.ok(program.logFile.startsWith(`${plan.dir}/log/`), program.logFile);
      assert.ok(!program.argv.some((arg) => arg.includes('\n')), `${program.name}: supervisord's command= is one line`);
    }
    assert.ok(plan.programs.filter((p) => p.argv.includes('--http-socket')).every((p) => p.argv[p.argv.indexOf('--http-socket') + 1]?.startsWith(`${plan.address}:`)));
  });

  it('finds its processes by command line or by the SCS_CHAOS_LAB marker, and a program by its exact command line', () => {
    const program = plan.programs.find((p) => p.name === 'nova-conductor');
    assert.ok(program);
    const processes = [
      { pid: 100001, argv: program.argv },
      { pid: 100002, argv: ['/usr/bin/python3', '/other/launch.py', '/run/other-lab/openstack', 'nova-conductor'] },
      { pid: 100003, argv: [...program.argv.slice(0, -1), '/elsewhere/nova.conf'] },
    ];
    assert.deepEqual(labOpenstackProcesses(layout, processes).map((p) => p.pid), [100001, 100003]);
    assert.equal(programPid(program, processes), 100001);
    assert.equal(programPid(program, processes.slice(1)), null);
  });

  it('binds RabbitMQ, epmd and Erlang distribution to the namespace loopback, and nothing to every address', () => {
    const rabbit = plan.programs.find((p) => p.name === 'rabbitmq');
    assert.ok(rabbit);
    for (const setting of ['RABBITMQ_NODE_IP_ADDRESS=127.0.0.1', 'ERL_EPMD_ADDRESS=127.0.0.1', `SCS_CHAOS_LAB=${plan.dir}`]) assert.ok(rabbit.argv.includes(setting), setting);
    for (const file of files) assert.ok(!file.text.includes('0.0.0.0'), file.path);
  });

  it('writes every file under the lab directory, secrets only into 0600 files', () => {
    for (const file of files) {
      assert.ok(file.path.startsWith(`${plan.dir}/`), file.path);
      const holdsSecret = Object.values(SECRETS).some((secret) => file.text.includes(secret));
      if (holdsSecret) assert.equal(file.secret, true, `${file.path} holds a password and must be written 0600`);
    }
    const nova = files.find((f) => f.path === plan.novaConfig)?.text ?? '';
    assert.match(nova, /^compute_driver = scs_lab_fake\.LabFakeDriver$/m);
    assert.ok(nova.includes(`\nconnection = sqlite:///${plan.databases.nova}?check_same_thread=false&timeout=30\n`), nova);
    const octavia = files.find((f) => f.path === plan.octaviaConfig)?.text ?? '';
    for (const driver of ['amphora_noop_driver', 'compute_noop_driver', 'network_noop_driver']) assert.ok(octavia.includes(`= ${driver}`), driver);
  });

  it('renders INI sections in order', () => {
    assert.equal(iniText('t', [['a', [['x', 1], ['y', false]]], ['b', [['z', 'v']]]]), '# t\n# Generated by scs-chaos lab up (lab/openstack/files.ts); rewritten on every lab up.\n\n[a]\nx = 1\ny = false\n\n[b]\nz = v\n');
  });

  it('writes clouds.yaml with a password cloud and an application-credential cloud', () => {
    const text = cloudsYamlText(plan, SECRETS, { id: 'abc', secret: 's3cr"et' });
    const { clouds } = parse(text) as { clouds: Record<string, { auth_type: string; auth: Record<string, string>; region_name: string }> };
    assert.equal(clouds.lab?.auth_type, 'password');
    assert.equal(clouds.lab?.auth.password, 'user-secret');
    assert.equal(clouds.lab?.auth.auth_url, plan.endpoints.identity);
    assert.equal(clouds['lab-appcred']?.auth_type, 'v3applicationcredential');
    assert.equal(clouds['lab-appcred']?.auth.application_credential_secret, 's3cr"et');
    assert.equal(clouds['lab-appcred']?.region_name, 'RegionOne');
  });
});
