/**
 * A real kube-apiserver with its own etcd on 127.0.0.1, for tests of the Kubernetes client layer: the binaries the
 * lab builds into the cache (lab/kubernetes/build.sh, `~/.cache/scs-chaos/kubernetes/<version>/bin`), a self-signed
 * serving certificate, static tokens for an admin (system:masters) and a user with no permissions (RBAC denials),
 * and etcd compaction every second with the watch cache off, so an old resourceVersion really expires (410 Gone).
 * Everything lives in a temporary directory and is removed by stop().
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesCache, kubernetesVersions } from '../../lab/kubernetes/settings';
import { freePort } from './free-port';

/** kubernetesBinDir: where the lab's build keeps the binaries (lab/kubernetes/settings.ts, one version for both). */
export function kubernetesBinDir(): string {
  return kubernetesCache(kubernetesVersions().kubernetes).bin;
}

/** missingApiServer: why the test cannot start an API server here, or null when it can. */
export function missingApiServer(): string | null {
  for (const binary of ['etcd', 'kube-apiserver']) {
    if (!existsSync(join(kubernetesBinDir(), binary))) return `${binary} is not built (run lab/kubernetes/build.sh)`;
  }
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl is not installed';
  }
  return null;
}

export interface TestApiServer {
  url: string;
  /** Process ids of etcd and kube-apiserver (benchmarks read their memory). */
  pids: { etcd?: number; apiserver?: number };
  dir: string;
  /** A kubeconfig with contexts "admin" (current) and "nobody" (authenticated, no RBAC permissions). */
  kubeconfig: string;
  stop(): Promise<void>;
}

/**
 * ApiServerOptions: the defaults serve the client tests (410 Gone within a second); a benchmark asks for the
 * settings a real cluster runs with (watch cache on, etcd compacted every 5 minutes).
 */
export interface ApiServerOptions {
  /** kube-apiserver --watch-cache (default false: every read goes to etcd). */
  watchCache?: boolean;
  /** kube-apiserver --etcd-compaction-interval (default 1s). */
  compactionInterval?: string;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-apiserver-'));
  const bin = kubernetesBinDir();
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', join(dir, 'sa.key')], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'tokens.csv'), 'admin-token-0123456789,admin,1,system:masters\nnobody-token-0123456789,nobody,2\n');
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const children: ChildProcess[] = [];
  const start = (argv: string[], log: string): void => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => writeFileSync(join(dir, log), chunk, { flag: 'a' }));
    children.push(child);
  };
  start([join(bin, 'etcd'), '--data-dir', join(dir, 'etcd'), '--unsafe-no-fsync', '--log-level', 'warn', '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-cluster', `default=http://127.0.0.1:${peerPort}`], 'etcd.log');
  start([join(bin, 'kube-apiserver'), '--etcd-servers', etcdUrl, '--bind-address', '127.0.0.1', '--secure-port', String(apiPort), '--tls-cert-file', join(dir, 'tls.crt'),
    '--tls-private-key-file', join(dir, 'tls.key'), '--token-auth-file', join(dir, 'tokens.csv'), '--authorization-mode', 'RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', join(dir, 'sa.pub'), '--service-account-signing-key-file', join(dir, 'sa.key'),
    '--service-cluster-ip-range', '10.96.0.0/24', `--watch-cache=${options.watchCache ?? false}`, '--etcd-compaction-interval', options.compactionInterval ?? '1s', '--disable-admission-plugins', 'ServiceAccount'], 'apiserver.log');
  const url = `https://127.0.0.1:${apiPort}`;
  const ca = join(dir, 'tls.crt');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: admin',
    'clusters:', `- name: test-cluster`, '  cluster:', `    server: ${url}`, `    certificate-authority: ${ca}`,
    'users:', '- name: admin', '  user:', '    token: admin-token-0123456789', '- name: nobody', '  user:', '    token: nobody-token-0123456789',
    'contexts:', '- name: admin', '  context: { cluster: test-cluster, user: admin }', '- name: nobody', '  context: { cluster: test-cluster, user: nobody }', '',
  ].join('\n'));
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when /readyz answers ok to the admin (the apiserver needs etcd and its post-start hooks).
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const out = execFileSync('curl', ['-sk', '--max-time', '2', '-H', 'Authorization: Bearer admin-token-0123456789', `${url}/readyz`], { encoding: 'utf8' });
      if (out.trim() === 'ok') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kube-apiserver on ${url} was not ready within 60s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const [etcd, apiserver] = children.map((c) => c.pid);
  return { url, dir, kubeconfig, stop, pids: { etcd, apiserver } };
}
