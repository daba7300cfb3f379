/**
 * The OpenStack target kind: a cloud of clouds.yaml (the environment's `openstack:` section, environment.ts; client
 * layer in client/). Faults are API calls whose undo is an OpenstackRecipe of typed undos replayed by the
 * openstack-api channel, with an expiry process on the runner's host (revert-channel.ts); every changed object is
 * tagged scs-chaos-injected (compute services: disabled_reason) for preflight and sweep (leftovers.ts).
 */
import type { TargetKind } from '../../core/kinds';
import { openstackSection } from './environment';
import { openstackPreflight, openstackSweep } from './leftovers';
import { openstackChannel } from './revert-channel';

export const openstackKind: TargetKind = {
  name: 'openstack',
  section: openstackSection,
  channels: [openstackChannel],
  preflight: openstackPreflight,
  sweep: openstackSweep,
};
