/**
 * The openstack-api revert channel. Armed before the harm: the recipe is written as a marker on the runner's host
 * (/run/scs-chaos/openstack/<id>.json) and a detached expiry process (replay-main.ts) replays it at the TTL, so the
 * fault ends even when the runner is SIGKILLed (src/revert/detached-expiry.ts). Objects a fault changes also carry
 * the tag scs-chaos-injected (servers: and the injection id and undo in their metadata; compute services: the id
 * in disabled_reason), by which preflight and `sweep` find them without journal or marker (leftovers.ts).
 * Why on the runner's host: docs/decisions/0121.
 */
import type { RevertChannel } from '../../core/revert-channel';
import { armDetachedExpiry, disarmDetachedExpiry } from '../../revert/detached-expiry';
import { OPENSTACK_CHANNEL, OpenstackRecipe, replayRecipe } from './recipe';

/** Where the channel's markers live on the runner's host. */
export const OPENSTACK_MARKER_DIR = '/run/scs-chaos/openstack';

export const openstackChannel: RevertChannel<OpenstackRecipe> = {
  name: OPENSTACK_CHANNEL,
  survivesRunnerDeath: 'a detached expiry process on the runner host replays the undo API calls at the TTL; tagged servers, ports, members and disabled compute services are found by preflight and sweep',
  async arm(recipe, injectionId, ttlMs) {
    await armDetachedExpiry(OPENSTACK_MARKER_DIR, injectionId, recipe, ttlMs, 'src/kinds/openstack/replay-main.ts');
  },
  async replay(recipe) {
    await replayRecipe(recipe);
  },
  async disarm(_recipe, injectionId) {
    await disarmDetachedExpiry(OPENSTACK_MARKER_DIR, injectionId);
  },
};
