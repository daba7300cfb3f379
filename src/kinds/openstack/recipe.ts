/**
 * OpenstackRecipe: the undo of an OpenStack fault as data — which cloud (clouds.yaml and cloud name, so a process
 * that never read the environment file can log in) and the typed undos, replayed in order by the openstack-api
 * revert channel, by the expiry process after a runner's death, by `rollback` and by `sweep`.
 */
import type { RevertRecipe } from '../../core/revert-channel';
import { clientOfSpec } from './clients';
import type { OpenstackSpec } from './environment';
import { applyUndo, OpenstackUndo } from './undo';

export const OPENSTACK_CHANNEL = 'openstack-api';

export interface OpenstackRecipe extends RevertRecipe {
  readonly channel: typeof OPENSTACK_CHANNEL;
  readonly cloud: string;
  readonly cloudsYaml?: string;
  /** Keystone's URL: preflight reports only markers of the environment's own cloud. */
  readonly authUrl: string;
  readonly computeMicroversion: string;
  readonly undo: readonly OpenstackUndo[];
}

export function openstackRecipe(spec: OpenstackSpec, cloud: { name: string; authUrl: string }, where: string, undo: readonly OpenstackUndo[]): OpenstackRecipe {
  return { channel: OPENSTACK_CHANNEL, where, cloud: cloud.name, ...(spec.cloudsYaml ? { cloudsYaml: spec.cloudsYaml } : {}), authUrl: cloud.authUrl, computeMicroversion: spec.computeMicroversion, undo };
}

/** replayRecipe: logs in with the recipe's cloud and applies every undo (each idempotent). */
export async function replayRecipe(recipe: OpenstackRecipe, timeoutMs = 15_000): Promise<void> {
  const client = clientOfSpec({ cloud: recipe.cloud, ...(recipe.cloudsYaml ? { cloudsYaml: recipe.cloudsYaml } : {}), requestTimeoutMs: timeoutMs, computeMicroversion: recipe.computeMicroversion });
  try {
    for (const undo of recipe.undo) await applyUndo(client, undo);
  } finally {
    client.close();
  }
}
