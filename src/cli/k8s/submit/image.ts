/**
 * defaultImage: the scs-chaos image `k8s submit` runs when no --image is given — the one ci/image/build.sh has
 * built of this checkout (its cache, `--cached-only`: never a build here). The lab imports that same image into its
 * nodes (`lab up --with kubernetes`), so in the lab no flag is needed; on a real cluster --image names an image
 * the nodes can pull. None cached is bad input with both fixes.
 */
import { join } from 'node:path';
import { runCommand } from '../../../executors/command';
import { BadInput } from '../../../kernel/errors';

const BUILD_SCRIPT = join(__dirname, '..', '..', '..', '..', 'ci', 'image', 'build.sh');

export async function defaultImage(): Promise<string> {
  const result = await runCommand(['bash', BUILD_SCRIPT, '--cached-only'], { timeoutMs: 30_000 }).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message }));
  const last = result.stdout.trim().split('\n').pop() ?? '';
  let image: unknown;
  try {
    image = (JSON.parse(last) as { image?: unknown }).image;
  } catch {
    image = undefined;
  }
  if (result.code === 0 && typeof image === 'string') return image;
  const why = result.stderr.trim().split('\n').pop()?.replace(/^image build: /, '') || `exit ${result.code}`;
  throw new BadInput(`k8s submit needs the scs-chaos image, and none of this checkout is built (${why})`, undefined, 'build it with bash ci/image/build.sh (the lab imports it at its next lab up --with kubernetes), or name an image the nodes can pull with --image REF');
}
