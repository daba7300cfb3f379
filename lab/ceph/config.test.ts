/**
 * Unit tests of the lab's Ceph plan (pure): ceph.conf and programs derived from lab.yaml, the checks that refuse an
 * environment the lab cannot build, cephx keys (checked with the real ceph-authtool where installed), the judgement
 * of `ceph status` on outputs captured from a real cluster, and the Prometheus job that scrapes the manager.
 */
import '../../src/kinds';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadEnvironment } from '../../src/environment/load';
import type { Environment } from '../../src/model/environment';
import { fixture } from '../../src/kinds/ceph/client/fixtures';
import { parseStatus } from '../../src/kinds/ceph/client/parse';
import { allNamespaces, labLayout } from '../layout';
import { labPrometheusPlan } from '../prometheus/config';
import { judgeStatus } from './cluster';
import { CephBinaries, labCephPlan } from './config';
import { cephxKey, keyringText } from './keys';

const env = loadEnvironment(resolve(__dirname, '../../experiments/environments/lab.yaml'));
const BINARIES: CephBinaries = { mon: '/usr/bin/ceph-mon', mgr: '/usr/bin/ceph-mgr', osd: '/usr/bin/ceph-osd' };

function changed(change: (copy: Environment) => void): Environment {
  const copy = structuredClone(env);
  change(copy);
  return copy;
}

/** The value of `key` in section `[section]` of an ini text. */
function confValue(text: string, section: string, key: string): string | undefined {
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1] ?? '';
    const pair = /^([^#=][^=]*?) = (.*)$/.exec(line);
    if (current === section && pair && pair[1] === key) return pair[2];
  }
  return undefined;
}

describe('lab Ceph plan', () => {
  const plan = labCephPlan(labLayout(env), env, BINARIES);

  it('puts mon and mgr in the control namespace and one OSD per node, bound to the node, named like the node in CRUSH', () => {
    assert.equal(plan.control.namespace, 'scs-lab-ctl');
    assert.equal(plan.monAddrs, '[v2:198.18.0.9:3300,v1:198.18.0.9:6789]');
    assert.deepEqual(plan.osds.map((o) => [o.id, o.node.name, o.program.name]), [
      [0, 'node-1', 'ceph-osd-0'],
      [1, 'node-2', 'ceph-osd-1'],
      [2, 'node-3', 'ceph-osd-2'],
    ]);
    assert.deepEqual(plan.osds[1]?.program.argv, ['/usr/bin/ceph-osd', '-f', '-c', '/run/scs-chaos-lab/ceph/ceph.conf', '-i', '1']);
    for (const osd of plan.osds) {
      assert.equal(confValue(plan.confText, `osd.${osd.id}`, 'public addr'), osd.node.address);
      assert.equal(confValue(plan.confText, `osd.${osd.id}`, 'cluster addr'), osd.node.address);
      assert.equal(confValue(plan.confText, `osd.${osd.id}`, 'crush location'), `root=default host=${osd.node.name}`);
    }
    assert.equal(confValue(plan.confText, 'mon.a', 'public addr'), '198.18.0.9');
    assert.deepEqual(plan.prometheusTargets, ['198.18.0.9:9283']);
    assert.deepEqual(plan.mgrModuleOptions, [
      ['mgr/prometheus/server_addr', '198.18.0.9'],
      ['mgr/prometheus/scrape_interval', '5'],
      ['mgr/prometheus/x/server_port', '9283'],
    ]);
    assert.deepEqual([...plan.monitors, ...plan.managers].map((d) => d.program.name), ['ceph-mon-a', 'ceph-mgr-x']);
    assert.equal(confValue(plan.confText, 'global', 'mon initial members'), 'a');
  });

  it('runs 3 monitors and 2 managers when the environment asks, each on its own ports, all in the monmap', () => {
    const ha = changed((copy) => {
      const cluster = copy.sections.ceph?.lab?.cluster;
      if (cluster) Object.assign(cluster, { monitors: 3, managers: 2 });
    });
    const haPlan = labCephPlan(labLayout(ha), ha, BINARIES);
    assert.deepEqual(haPlan.monitors.map((m) => [m.id, m.addrs, m.program.name]), [
      ['a', '[v2:198.18.0.9:3300,v1:198.18.0.9:6789]', 'ceph-mon-a'],
      ['b', '[v2:198.18.0.9:3301,v1:198.18.0.9:6790]', 'ceph-mon-b'],
      ['c', '[v2:198.18.0.9:3302,v1:198.18.0.9:6791]', 'ceph-mon-c'],
    ]);
    assert.equal(haPlan.monAddrs, haPlan.monitors.map((m) => m.addrs).join(','));
    assert.equal(confValue(haPlan.confText, 'global', 'mon host'), haPlan.monAddrs);
    assert.equal(confValue(haPlan.confText, 'global', 'mon initial members'), 'a,b,c');
    assert.deepEqual(haPlan.managers.map((m) => [m.id, m.prometheusTarget, m.program.name]), [
      ['x', '198.18.0.9:9283', 'ceph-mgr-x'],
      ['y', '198.18.0.9:9284', 'ceph-mgr-y'],
    ]);
    assert.deepEqual(haPlan.mgrModuleOptions.slice(2), [
      ['mgr/prometheus/x/server_port', '9283'],
      ['mgr/prometheus/y/server_port', '9284'],
    ]);
    for (const d of [...haPlan.monitors, ...haPlan.managers]) assert.ok(d.program.argv.includes(haPlan.confPath), d.id);
    assert.equal(confValue(haPlan.confText, 'global', 'mon mgr beacon grace'), '8');
    assert.equal(confValue(haPlan.confText, 'mgr.y', 'public addr'), '198.18.0.9');
  });

  it('refuses a control supervisor config the control namespace does not read', () => {
    const wrong = changed((copy) => copy.sections.ceph?.lab && (copy.sections.ceph.lab.controlSupervisorConfig = '/run/elsewhere/supervisord.conf'));
    assert.throws(() => labCephPlan(labLayout(wrong), wrong, BINARIES), /ceph.lab.controlSupervisorConfig is \/run\/elsewhere\/supervisord.conf, but the control namespace's supervisord reads \/run\/scs-chaos-lab\/control\/supervisord.conf/);
    const same = changed((copy) => {
      if (!copy.sections.ceph?.lab) return;
      copy.sections.ceph.lab.mgrProgram = 'ceph-daemon';
      copy.sections.ceph.lab.monProgram = 'ceph-daemon';
    });
    assert.throws(() => labCephPlan(labLayout(same), same, BINARIES), /must name each daemon's program differently/);
  });

  it('keeps every file under <runDir>/ceph and names the conf on every daemon command line', () => {
    for (const path of [plan.confPath, plan.adminKeyring, plan.monKeyring, ...plan.monitors.map((m) => m.dataDir), ...plan.managers.map((m) => m.keyring), ...plan.osds.map((o) => o.keyring)]) {
      assert.ok(path.startsWith('/run/scs-chaos-lab/ceph/'), path);
    }
    for (const program of [...plan.monitors.map((m) => m.program), ...plan.managers.map((m) => m.program), ...plan.osds.map((o) => o.program)]) assert.ok(program.argv.includes(plan.confPath));
    assert.equal(confValue(plan.confText, 'client', 'keyring'), plan.adminKeyring);
    assert.equal(confValue(plan.confText, 'client', 'admin socket'), undefined, 'clients get an empty admin socket (the line has no value)');
    assert.match(plan.confText, /^admin socket =$/m);
  });

  it('writes the environment file\'s timings and pool defaults into ceph.conf', () => {
    const tuned = changed((copy) => {
      const cluster = copy.sections.ceph?.lab?.cluster;
      assert.ok(cluster);
      cluster.timings.osdHeartbeatGraceMs = 7000;
      cluster.timings.monOsdDownOutIntervalMs = 45_000;
      cluster.timings.osdRecoverySleepMs = 250;
      cluster.pool.size = 2;
      cluster.pool.minSize = 1;
    });
    const text = labCephPlan(labLayout(tuned), tuned, BINARIES).confText;
    assert.equal(confValue(text, 'global', 'osd heartbeat grace'), '7');
    assert.equal(confValue(text, 'global', 'osd heartbeat interval'), '1');
    assert.equal(confValue(text, 'global', 'mon osd down out interval'), '45');
    assert.equal(confValue(text, 'global', 'mgr stats period'), '1');
    assert.equal(confValue(text, 'global', 'mon mgr digest period'), '1');
    assert.equal(confValue(text, 'global', 'osd recovery sleep hdd'), '0.25');
    assert.equal(confValue(text, 'global', 'osd pool default size'), '2');
    assert.equal(confValue(text, 'global', 'osd pool default min size'), '1');
    assert.equal(confValue(text, 'osd', 'osd objectstore'), 'memstore');
    assert.equal(confValue(text, 'osd', 'osd fast shutdown'), 'false', 'memstore keeps its data only on a clean stop');
  });

  it('keeps the fsid across runs (derived from the lab) and differs between labs', () => {
    assert.equal(labCephPlan(labLayout(env), env, BINARIES).fsid, plan.fsid);
    assert.match(plan.fsid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = changed((copy) => {
      if (copy.lab) copy.lab.runDir = '/run/other-lab';
      if (copy.sections.ceph) Object.assign(copy.sections.ceph, { conf: '/run/other-lab/ceph/ceph.conf', keyring: '/run/other-lab/ceph/ceph.client.admin.keyring' });
      if (copy.sections.ceph?.lab) copy.sections.ceph.lab.supervisorConfig = '/run/other-lab/{node}/supervisord.conf';
      if (copy.sections.ceph?.lab) copy.sections.ceph.lab.controlSupervisorConfig = '/run/other-lab/control/supervisord.conf';
      for (const service of Object.values(copy.services)) if (service.supervisor) service.supervisor.config = service.supervisor.config.replace('/run/scs-chaos-lab/', '/run/other-lab/');
    });
    assert.notEqual(labCephPlan(labLayout(other), other, BINARIES).fsid, plan.fsid);
  });

  it('refuses environments the lab cannot build, naming the setting', () => {
    const refuses = (change: (copy: Environment) => void, pattern: RegExp): void => {
      const copy = changed(change);
      assert.throws(() => labCephPlan(labLayout(copy), copy, BINARIES), pattern);
    };
    refuses((copy) => delete copy.sections.ceph, /needs a ceph: section with backend: lab/);
    refuses((copy) => delete copy.lab?.control, /needs lab.control/);
    refuses((copy) => copy.sections.ceph && (copy.sections.ceph.conf = '/etc/ceph/ceph.conf'), /ceph.conf must be \/run\/scs-chaos-lab\/ceph\/ceph.conf/);
    refuses((copy) => copy.sections.ceph && delete copy.sections.ceph.keyring, /ceph.keyring must be/);
    refuses((copy) => copy.sections.ceph?.lab && (copy.sections.ceph.lab.cluster.pool.size = 4), /size 4 with failure domain host, but the lab has only 3 nodes/);
    refuses((copy) => copy.sections.ceph?.lab && (copy.sections.ceph.lab.supervisorConfig = '/run/x/{node}.conf'), /supervisorConfig gives \/run\/x\/node-1.conf for node-1/);
  });

  it('lists the control namespace among the lab\'s namespaces, with its own veth', () => {
    const layout = labLayout(env);
    assert.deepEqual(allNamespaces(layout).map((n) => [n.name, n.veth]).slice(3), [
      ['edge', 'scs-l-edge'],
      ['control', 'scs-l-control'],
    ]);
    const prefixed = changed((copy) => copy.lab && (copy.lab.vethPrefix = 'scs-c-'));
    assert.deepEqual(allNamespaces(labLayout(prefixed)).map((n) => n.veth), ['scs-c-node-1', 'scs-c-node-2', 'scs-c-node-3', 'scs-c-edge', 'scs-c-control']);
  });

  it('adds the manager to Prometheus (job "ceph") only while the lab runs Ceph', () => {
    const layout = labLayout(env);
    const binaries = { prometheus: '/usr/bin/prometheus', nodeExporter: '/usr/bin/prometheus-node-exporter' };
    const without = labPrometheusPlan(layout, { binaries });
    const withCeph = labPrometheusPlan(layout, { binaries, cephMgrTargets: plan.prometheusTargets });
    assert.doesNotMatch(without.configText, /job_name: ceph/);
    assert.match(withCeph.configText, /job_name: ceph\n\s+honor_labels: true\n\s+static_configs:\n\s+- targets:\n\s+- 198\.18\.0\.9:9283/);
    assert.deepEqual(withCeph.expectedTargets.filter((t) => t.job === 'ceph'), [{ job: 'ceph', instance: '198.18.0.9:9283' }]);
    assert.equal(without.expectedTargets.length + 1, withCeph.expectedTargets.length);
    const both = labPrometheusPlan(layout, { binaries, cephMgrTargets: ['198.18.0.9:9283', '198.18.0.9:9284'] });
    assert.match(both.configText, /- 198\.18\.0\.9:9283\n\s+- 198\.18\.0\.9:9284/);
    assert.deepEqual(both.expectedTargets.filter((t) => t.job === 'ceph').map((t) => t.instance), ['198.18.0.9:9283', '198.18.0.9:9284']);
  });
});

describe('cephx keys', () => {
  it('encodes type AES, creation time, length 16 and the secret, as Ceph does', () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const key = cephxKey(secret, 1_700_000_000_250);
    const raw = Buffer.from(key, 'base64');
    assert.equal(key.length, 40);
    assert.equal(raw.readUInt16LE(0), 1);
    assert.equal(raw.readUInt32LE(2), 1_700_000_000);
    assert.equal(raw.readUInt32LE(6), 250_000_000);
    assert.equal(raw.readUInt16LE(10), 16);
    assert.deepEqual(raw.subarray(12), secret);
    assert.notEqual(cephxKey(), cephxKey(), 'random secrets differ');
    assert.throws(() => cephxKey(Buffer.alloc(8)), /16 bytes/);
  });

  it('writes keyrings that the real ceph-authtool reads back, caps included', { skip: !existsSync('/usr/bin/ceph-authtool') && 'ceph-authtool (ceph-common) not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-keyring-'));
    try {
      const key = cephxKey();
      const path = join(dir, 'keyring');
      writeFileSync(path, keyringText([{ entity: 'osd.0', key, caps: { mon: 'allow profile osd', osd: 'allow *' } }, { entity: 'client.admin', key: cephxKey() }]));
      const listed = execFileSync('/usr/bin/ceph-authtool', ['-l', path], { encoding: 'utf8' });
      assert.match(listed, new RegExp(`\\[osd\\.0\\]\\s+key = ${key.replace(/[+/]/g, '\\$&')}\\s+caps mon = "allow profile osd"\\s+caps osd = "allow \\*"`));
      assert.equal(execFileSync('/usr/bin/ceph-authtool', [path, '-n', 'osd.0', '-p'], { encoding: 'utf8' }).trim(), key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('judging ceph status (outputs captured from a real cluster)', () => {
  it('calls a healthy cluster with every PG active+clean clean', () => {
    const status = parseStatus(fixture('healthy.status.json'));
    const reading = judgeStatus(status, status.osdmap.numOsds);
    assert.equal(reading.clean, true, reading.line);
    assert.match(reading.line, /^HEALTH_OK, (\d+)\/\1\/\1 OSDs up\/in\/total, \d+ PGs: \d+ active\+clean$/);
  });

  it('is not clean with an OSD down, with peering PGs, or with fewer OSDs than the lab has', () => {
    const down = parseStatus(fixture('down1.status.json'));
    assert.equal(judgeStatus(down, down.osdmap.numOsds).clean, false);
    assert.match(judgeStatus(down, down.osdmap.numOsds).line, /OSD_DOWN/);
    const peering = parseStatus(fixture('peering.status.json'));
    assert.equal(peering.health.status, 'HEALTH_OK', 'the capture shows HEALTH_OK while PGs peer');
    assert.equal(judgeStatus(peering, peering.osdmap.numOsds).clean, false);
    const healthy = parseStatus(fixture('healthy.status.json'));
    assert.equal(judgeStatus(healthy, healthy.osdmap.numOsds + 1).clean, false);
  });

  it('is not clean while no PG is reported (HEALTH_OK while the manager loads its modules)', () => {
    const healthy = parseStatus(fixture('healthy.status.json'));
    const empty = { ...healthy, pgmap: { ...healthy.pgmap, numPgs: 0, pgsByState: [] } };
    assert.equal(judgeStatus(empty, healthy.osdmap.numOsds).clean, false);
  });
});
