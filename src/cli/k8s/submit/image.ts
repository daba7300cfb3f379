/**
 * defaultImage: the scs-chaos image `k8s submit` runs when no --image is given — the one ci/image/build.sh has
 * built of this checkout, found as `lab up --with kubernetes` finds it to import into its nodes (cachedChaosImage:
 * the build's cache, never a build), so in the lab no flag is needed; on a real cluster --image names an image the
 * nodes can pull. None cached is bad input with both fixes.
 */
import { BadInput } from '../../../kernel/errors';
import { cachedChaosImage } from '../../../../lab/kubernetes/chaos-image';

export async function defaultImage(): Promise<string> {
  const found = await cachedChaosImage();
  if (typeof found !== 'string') return found.image;
  throw new BadInput(`k8s submit needs the scs-chaos image of this checkout: ${found}`, undefined, 'build it with bash ci/image/build.sh (the lab imports it at its next lab up --with kubernetes), or name an image the nodes can pull with --image REF');
}
