/**
 * TestCephCluster: a throwaway REAL Ceph cluster for the integration tests of this folder — 1 mon, 1 mgr and
 * three memstore OSDs on 127.0.0.1, each OSD in its own CRUSH host bucket scf-1..scf-3 (so the environment's
 * nodes match the CRUSH hosts, as in the lab), all run in the foreground by a supervisord of its own, which
 * restarts a killed OSD as the lab's supervisord does. Everything lives in a fresh /tmp/scs-cf-* directory with
 * its own fsid and free ports; stop() stops every daemon (SIGCONT first: a paused OSD ignores SIGTERM) and
 * removes the directory. The configuration follows /work/shared/reference/ceph-lab.sh (memstore, per-daemon
 * keyrings, heartbeat grace 5 s, down-out interval 10 s, mgr stats period 1, mon mgr digest period 1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../../../test/support/free-port';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export const TEST_POOL = 'scs-chaos-lab';
/** TEST_NODES: the CRUSH hosts and environment nodes; not the lab's node names, so no marker dir is shared with a lab. */
export const TEST_NODES = ['scf-1', 'scf-2', 'scf-3'] as const;

/** skipReason: why the real-cluster tests cannot run here, or false. */
export function cephSkipReason(): string | false {
  if (process.env.CI === 'true') return 'CI=true: the Ceph integration test runs only on a developer machine with Ceph installed';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: the test cluster writes revert markers under /run/scs-chaos';
  for (const tool of ['ceph-mon', 'ceph-mgr', 'ceph-osd', 'ceph', 'rados', 'ceph-authtool', 'monmaptool', 'supervisord', 'supervisorctl']) {
    if (!existsSync(`/usr/bin/${tool}`)) return `${tool} is not installed: apt-get install -y --no-install-recommends ceph-mon ceph-mgr ceph-osd ceph-common supervisor`;
  }
  return false;
}

export interface TestCephCluster {
  dir: string;
  conf: string;
  keyring: string;
  supervisorConfig: string;
  /** The environment YAML for this cluster: nodes scf-1..3 (local executors), ceph backend lab. */
  environmentYaml(options?: { allowDestructive?: boolean }): string;
  /** ceph: runs the CLI against this cluster and returns stdout (throws on a non-zero exit). */
  ceph(...args: string[]): string;
  /** clusterLog: the monitor's cluster log file. */
  clusterLog(): string;
  /** waitClean: until HEALTH_OK and every PG active+clean, three reads in a row. */
  waitClean(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startTestCluster(log: (line: string) => void = () => undefined): Promise<TestCephCluster> {
  const dir = mkdtempSync('/tmp/scs-cf-');
  const conf = join(dir, 'ceph.conf');
  const keyring = join(dir, 'keyring');
  const supervisorConfig = join(dir, 'supervisord.conf');
  const fsid = randomUUID();
  const [v2, v1] = [await freePort(), await freePort()];
  // OSD and mgr ports: a block of 200 starting at a free port (a collision makes the daemon pick the next one).
  const portMin = 30000 + Math.floor(Math.random() * 20000);
  let supervisordStarted = false;

  const sh = (script: string, timeoutMs = 60_000): string => execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CEPH_CONF: '', CEPH_ARGS: '' } });
  const ctl = (...args: string[]): string => sh(`supervisorctl -c ${supervisorConfig} ${args.join(' ')}`);
  const ceph = (...args: string[]): string => execFileSync('ceph', ['-c', conf, '--connect-timeout', '15', ...args], { encoding: 'utf8', timeout: 30_000 });

  const cluster: TestCephCluster = {
    dir,
    conf,
    keyring,
    supervisorConfig,
    environmentYaml: (options = {}) =>
      [
        'name: ceph-test',
        'nodes:',
        ...TEST_NODES.map((n) => `  - { name: ${n}, address: 127.0.0.1, roles: [storage], executor: { kind: local } }`),
        'services: {}',
        'scope:',
        `  nodes: [${TEST_NODES.join(', ')}]`,
        '  maxNodesAtOnce: 1',
        `  allowDestructive: ${options.allowDestructive ? 'true' : 'false'}`,
        'defaults:',
        '  faultTtlGrace: 20s',
        '  stabilization: 2s',
        'ceph:',
        '  executorNode: local',
        `  conf: ${conf}`,
        '  backend: lab',
        '  lab:',
        `    supervisorConfig: ${supervisorConfig}`,
        '    program: ceph-osd-{id}',
      ].join('\n'),
    ceph,
    clusterLog: () => readFileSync(join(dir, 'log', 'ceph.log'), 'utf8'),
    async waitClean(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      let inARow = 0;
      let last = '';
      while (Date.now() < deadline) {
        try {
          const status = JSON.parse(ceph('status', '-f', 'json')) as { health: { status: string }; pgmap: { num_pgs: number; pgs_by_state?: Array<{ state_name: string; count: number }> } };
          const clean = (status.pgmap.pgs_by_state ?? []).filter((s) => s.state_name === 'active+clean').reduce((a, s) => a + s.count, 0);
          last = `${status.health.status} ${clean}/${status.pgmap.num_pgs}`;
          inARow = status.health.status === 'HEALTH_OK' && status.pgmap.num_pgs > 0 && clean === status.pgmap.num_pgs ? inARow + 1 : 0;
          if (inARow >= 3) return;
        } catch (error) {
          last = String(error);
        }
        await sleep(500);
      }
      throw new Error(`test cluster in ${dir} not clean after ${timeoutMs}ms: ${last}`);
    },
    async stop() {
      if (supervisordStarted) {
        try {
          // A paused OSD cannot act on SIGTERM: resume every ceph process of this cluster first.
          sh(`for p in $(pgrep -f -- "-c ${conf} "); do kill -CONT $p 2>/dev/null || true; done; true`);
          ctl('stop', 'all');
        } catch (error) {
          log(`stopping programs: ${String(error)}`);
        }
        try {
          const pid = Number(readFileSync(join(dir, 'supervisord.pid'), 'utf8').trim());
          process.kill(pid, 'SIGTERM');
          for (let i = 0; i < 100; i++) {
            await sleep(100);
            try {
              process.kill(pid, 0);
            } catch {
              break;
            }
          }
        } catch (error) {
          log(`stopping supervisord: ${String(error)}`);
        }
      }
      // Anything of this cluster that is still alive (its conf path is on every command line) is killed.
      try {
        sh(`pkill -KILL -f -- "-c ${conf} " || true`);
      } catch {
        // nothing left
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    sh(`mkdir -p ${dir}/{mon,mgr,osd,run,log,crash}`);
    const osdSections = [0, 1, 2].map((id) => `[osd.${id}]\ncrush location = root=default host=${TEST_NODES[id]}\n`).join('\n');
    writeFileSync(
      conf,
      `[global]
fsid = ${fsid}
mon initial members = a
mon host = [v2:127.0.0.1:${v2},v1:127.0.0.1:${v1}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = ${portMin}
ms bind port max = ${portMin + 200}
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = ${dir}/run
admin socket = ${dir}/run/$cluster-$name.asok
log file = ${dir}/log/$cluster-$name.log
mon cluster log file = ${dir}/log/$cluster.log
crash dir = ${dir}/crash
mon data = ${dir}/mon/$cluster-$id
mgr data = ${dir}/mgr/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = 268435456
osd fast shutdown = false
osd pool default size = 3
osd pool default min size = 2
osd pool default pg autoscale mode = off
mon allow pool delete = true
mon data avail warn = 2
mon data avail crit = 1
mgr initial modules = iostat
mon osd down out interval = 10
mon osd reporter subtree level = osd
mon osd min down reporters = 1
mon osd adjust heartbeat grace = false
osd heartbeat interval = 1
osd heartbeat grace = 5
mgr stats period = 1
mon mgr digest period = 1
osd recovery sleep hdd = 0
osd recovery max active = 16
osd max backfills = 16
mon warn on pool no redundancy = false

[client]
keyring = ${keyring}
admin socket =
[mon]
keyring = $mon_data/keyring
[mgr]
keyring = $mgr_data/keyring
[osd]
keyring = $osd_data/keyring

${osdSections}`,
    );
    sh(`cd ${dir}
ceph-authtool -c /dev/null --create-keyring mon.keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool -c /dev/null --create-keyring ${keyring} --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool -c /dev/null mon.keyring --import-keyring ${keyring} >/dev/null
monmaptool -c /dev/null --create --fsid ${fsid} --addv a "[v2:127.0.0.1:${v2},v1:127.0.0.1:${v1}]" monmap >/dev/null
ceph-mon -c ${conf} --mkfs -i a --monmap monmap --keyring mon.keyring`);
    const program = (name: string, command: string, autostart: boolean): string =>
      `[program:${name}]\ncommand=${command}\nautostart=${autostart}\nautorestart=true\nstartsecs=1\nstartretries=100\nstopwaitsecs=30\nstopasgroup=true\nkillasgroup=true\nredirect_stderr=true\nstdout_logfile=${dir}/log/${name}.out\n`;
    writeFileSync(
      supervisorConfig,
      [
        `[supervisord]\nlogfile=${dir}/log/supervisord.log\npidfile=${dir}/supervisord.pid\nnodaemon=false\n`,
        `[unix_http_server]\nfile=${dir}/run/supervisor.sock\n`,
        `[supervisorctl]\nserverurl=unix://${dir}/run/supervisor.sock\n`,
        '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n',
        program('ceph-mon-a', `/usr/bin/ceph-mon -f -c ${conf} -i a`, true),
        program('ceph-mgr-x', `/usr/bin/ceph-mgr -f -c ${conf} -i x`, false),
        ...[0, 1, 2].map((id) => program(`ceph-osd-${id}`, `/usr/bin/ceph-osd -f -c ${conf} -i ${id}`, false)),
      ].join('\n'),
    );
    sh(`supervisord -c ${supervisorConfig}`);
    supervisordStarted = true;
    log(`supervisord and mon.a started in ${dir}`);
    sh(`mkdir -p ${dir}/mgr/ceph-x && ceph -c ${conf} --connect-timeout 30 auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o ${dir}/mgr/ceph-x/keyring`);
    ctl('start', 'ceph-mgr-x');
    sh(
      [0, 1, 2]
        .map(
          (id) => `d=${dir}/osd/ceph-${id}; mkdir -p $d; uuid=$(cat /proc/sys/kernel/random/uuid); key=$(ceph-authtool -c /dev/null --gen-print-key)
printf '{"cephx_secret": "%s"}\\n' "$key" > $d/new.json
ceph -c ${conf} osd new $uuid ${id} -i $d/new.json >/dev/null
ceph-authtool -c /dev/null --create-keyring $d/keyring --name osd.${id} --add-key "$key" >/dev/null
ceph-osd -c ${conf} -i ${id} --mkfs --osd-uuid $uuid > ${dir}/log/mkfs-${id}.log 2>&1`,
        )
        .join('\n'),
      120_000,
    );
    ctl('start', 'ceph-osd-0', 'ceph-osd-1', 'ceph-osd-2');
    ceph('osd', 'pool', 'create', TEST_POOL, '16', '16');
    ceph('osd', 'pool', 'application', 'enable', TEST_POOL, 'rados');
    log('OSDs started, pool created; waiting for clean');
    await cluster.waitClean(120_000);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
