/**
 * Typed undos: what brings one OpenStack object back, as data (journalled in the recipe, written to the marker the
 * expiry process reads). Each undo reads the object first and acts only when it is still harmed, so replaying it
 * twice, or after someone else healed the object, changes nothing; an object that is gone counts as undone.
 */
import type { OpenStackClient } from './client/client';
import { OpenStackApiError } from './client/errors';
import { INJECTED_TAG, serverAction, settled, unmarkServer } from './nova';
import { getMember, memberPath, whenSettled } from './octavia';

/** The state a server fault leaves, and the action that ends it. */
export const SERVER_RESTORE = { SHUTOFF: 'os-start', PAUSED: 'unpause', SUSPENDED: 'resume' } as const;
export type HarmedServerState = keyof typeof SERVER_RESTORE;

export type OpenstackUndo =
  | { readonly kind: 'server'; readonly server: string; readonly name: string; readonly harmedState: HarmedServerState }
  | { readonly kind: 'port'; readonly port: string; readonly name: string }
  | { readonly kind: 'member'; readonly loadBalancer: string; readonly pool: string; readonly member: string; readonly name: string }
  | { readonly kind: 'compute-service'; readonly service: string; readonly host: string };

/** describeUndo: for messages ("start server lab-server-1"). */
export function describeUndo(undo: OpenstackUndo): string {
  switch (undo.kind) {
    case 'server':
      return `${SERVER_RESTORE[undo.harmedState]} server ${undo.name}`;
    case 'port':
      return `admin-state up port ${undo.name}`;
    case 'member':
      return `enable member ${undo.name} of pool ${undo.pool}`;
    case 'compute-service':
      return `enable nova-compute on ${undo.host}`;
  }
}

const ignoreNotFound = (error: unknown): void => {
  if (!(error instanceof OpenStackApiError && error.notFound)) throw error;
};

/** applyUndo: brings the object back if it is still harmed; resolves when the undo call was accepted. */
export async function applyUndo(client: OpenStackClient, undo: OpenstackUndo): Promise<void> {
  switch (undo.kind) {
    case 'server': {
      const server = await settled(client, undo.server).catch((error: unknown) => ignoreNotFound(error));
      if (!server) return;
      // Untag first: until the verified revert, the marker on the runner's host still holds this undo.
      await unmarkServer(client, undo.server);
      if (server.status === undo.harmedState) await serverAction(client, undo.server, { [SERVER_RESTORE[undo.harmedState]]: null });
      return;
    }
    case 'port':
      try {
        await client.request({ service: 'network', method: 'PUT', path: `/ports/${undo.port}`, body: { port: { admin_state_up: true } } });
        await client.request({ service: 'network', method: 'DELETE', path: `/ports/${undo.port}/tags/${INJECTED_TAG}` }).catch(ignoreNotFound);
      } catch (error) {
        ignoreNotFound(error);
      }
      return;
    case 'member':
      try {
        const member = await getMember(client, undo.pool, undo.member);
        if (member.admin_state_up && !(member.tags ?? []).includes(INJECTED_TAG)) return;
        const tags = (member.tags ?? []).filter((t) => t !== INJECTED_TAG);
        await whenSettled(client, undo.loadBalancer, () => client.request({ service: 'load-balancer', method: 'PUT', path: memberPath(undo.pool, undo.member), body: { member: { admin_state_up: true, tags } } }));
      } catch (error) {
        ignoreNotFound(error);
      }
      return;
    case 'compute-service':
      try {
        await client.request({ service: 'compute', method: 'PUT', path: `/os-services/${undo.service}`, body: { status: 'enabled' } });
      } catch (error) {
        ignoreNotFound(error);
      }
      return;
  }
}
