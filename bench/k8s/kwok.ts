/**
 * kwok for bench:k8s: the binary built by bench/k8s/build-kwok.sh into the cache by version (built when absent),
 * started against one API server with kwok's own "fast" stages — a node becomes Ready once (no heartbeat churn),
 * a pod bound to a kwok node goes Running — and stopped with the benchmark. kwok plays the kubelet of every node
 * it manages; nothing runs in the pods.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The kwok release the benchmark builds (sigs.k8s.io/kwok, Apache-2.0). */
export const KWOK_VERSION = 'v0.8.0';

const buildScript = join(__dirname, 'build-kwok.sh');

/** kwokCache: where build-kwok.sh keeps one version (same rule as the script). */
export function kwokCache(version = KWOK_VERSION): { dir: string; binary: string; stages: string } {
  const root = process.env.SCS_CHAOS_KWOK_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scs-chaos', 'kwok');
  const dir = join(root, version);
  return { dir, binary: join(dir, 'bin', 'kwok'), stages: join(dir, 'stage') };
}

/** ensureKwok: builds kwok through the Go module proxy when the cache lacks it (progress on stderr). */
export function ensureKwok(version = KWOK_VERSION): string {
  const cache = kwokCache(version);
  if (!existsSync(cache.binary) || !existsSync(join(cache.stages, 'node', 'fast', 'node-initialize.yaml'))) {
    execFileSync('bash', [buildScript], { stdio: ['ignore', process.stderr, process.stderr], env: { ...process.env, KWOK_VERSION: version } });
  }
  return cache.binary;
}

export interface RunningKwok {
  pid: number | undefined;
  stop(): Promise<void>;
}

/** startKwok: kwok managing every node of the API server the kubeconfig names; its log goes to `dir`/kwok.log. */
export function startKwok(kubeconfig: string, dir: string, version = KWOK_VERSION): RunningKwok {
  const binary = ensureKwok(version);
  const { stages } = kwokCache(version);
  const config = join(dir, 'kwok-stages.yaml');
  const stageFiles = [join(stages, 'node', 'fast', 'node-initialize.yaml'), join(stages, 'pod', 'fast', 'pod-ready.yaml')].map((f) => readFileSync(f, 'utf8'));
  writeFileSync(config, stageFiles.join('\n---\n'));
  // --cidr: the pods' fake addresses (only written into their status; nothing is routed); /16 holds 20,000 pods.
  const child: ChildProcess = spawn(binary, ['--kubeconfig', kubeconfig, '--config', config, '--manage-all-nodes=true', '--cidr', '10.0.0.0/16'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => writeFileSync(join(dir, 'kwok.log'), chunk, { flag: 'a' }));
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
