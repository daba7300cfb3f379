/**
 * The scs-chaos container image in the lab (docs/decisions/0150): when ci/image/build.sh has the image of this
 * checkout in its cache, `lab up --with kubernetes` imports it into every node's containerd, after the lab's own
 * images, so a pod can run it (imagePullPolicy Never). When it is not cached, one line says so and the lab goes on
 * without it: `lab up` never spends the 1-2 min of a build.
 */
import { join } from 'node:path';
import { runCommand } from '../../src/executors/command';
import { formatDuration } from '../../src/kernel/duration';
import { now } from '../../src/kernel/clock';
import type { LabKubernetesPlan } from './plan';
import { importMissing, type NodeImage } from './node-images';

/** IMAGE_BUILD_SCRIPT: builds the image into the cache; `--cached-only` only reports it. */
export const IMAGE_BUILD_SCRIPT = join(__dirname, '..', '..', 'ci', 'image', 'build.sh');
/** One node's import of the ~110 MiB image (gunzip and unpack) took 6 s, up to 13 s on a busy 2-core machine. */
const IMPORT_TIMEOUT_MS = 180_000;

/** imageOfBuildOutput: the image named by build.sh's last stdout line (its JSON object), or undefined. */
export function imageOfBuildOutput(stdout: string): NodeImage | undefined {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as Partial<NodeImage>;
    return typeof parsed.image === 'string' && typeof parsed.tarball === 'string' ? { image: parsed.image, tarball: parsed.tarball } : undefined;
  } catch {
    return undefined;
  }
}

/** cachedChaosImage: the cached image of this checkout, or the one-line reason there is none (never builds). */
export async function cachedChaosImage(env: NodeJS.ProcessEnv = process.env): Promise<NodeImage | string> {
  const result = await runCommand(['bash', IMAGE_BUILD_SCRIPT, '--cached-only'], { timeoutMs: 30_000, env }).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message }));
  const image = result.code === 0 ? imageOfBuildOutput(result.stdout) : undefined;
  if (image) return image;
  const why = result.stderr.trim().split('\n').pop()?.replace(/^image build: /, '') || `exit ${result.code}`;
  return `no scs-chaos image for the nodes (${why})`;
}

/**
 * importChaosImage imports the cached image into every node's containerd once `after` (the lab's own imports) has
 * settled; logs one line either way. Rejects when an import fails: a cached image that does not import is a fault.
 */
export async function importChaosImage(plan: LabKubernetesPlan, after: Promise<unknown>, log: (line: string) => void): Promise<void> {
  const found = await cachedChaosImage();
  if (typeof found === 'string') {
    log(`kubernetes: ${found}`);
    return;
  }
  await after;
  const started = now();
  // One node after the other: an import is gunzip and unpack, CPU-bound; side by side they would take both cores of a
  // small machine from the cluster coming up (one at a time ends before the Deployment is available).
  const into: string[] = [];
  for (const node of plan.nodes) if ((await importMissing(node, [found], IMPORT_TIMEOUT_MS)).length > 0) into.push(node.node.name);
  if (into.length) log(`kubernetes: image ${found.image} imported into ${into.join(', ')} in ${formatDuration(now() - started)}`);
}
