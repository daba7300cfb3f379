/**
 * What every server fault checks before it acts, at plan time and again in prepare(): the server is in
 * openstack.scope and ACTIVE with no task running (anything else is refused as bad input, with `hint` as the fix).
 */
import { BadInput } from '../../../kernel/errors';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { describeServer, getServer, isSteadyActive, ServerView } from '../nova';
import { inServerScope } from '../selectors';

/** requireInScope: BadInput when the server is not in openstack.scope. */
export function requireInScope(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, file: string): void {
  if (!inServerScope(spec, server)) throw new BadInput(`OpenStack server ${server.name} is out of scope for cloud ${client.name}`, undefined, `add it to openstack.scope.servers (or a tag of it to serverTags) in ${file} if it may be harmed`);
}

/** serverChecks: `inspect` (read, scope, ACTIVE) and the plan line of a fault on `server`. */
export function serverChecks(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, file: string, hint: string): { inspect(): Promise<ServerView>; planCheck(): Promise<string>; about: { target: string; preState: Record<string, unknown> } } {
  const inspect = async (): Promise<ServerView> => {
    const current = await getServer(client, server.id);
    requireInScope(client, spec, current, file);
    if (!isSteadyActive(current)) throw new BadInput(`OpenStack server ${server.name} is ${describeServer(current)}, not ACTIVE with no task`, undefined, hint);
    return current;
  };
  return {
    inspect,
    /** The prepared fault's target and pre-fault state (every server fault starts from an ACTIVE server). */
    about: { target: `OpenStack server ${server.name}`, preState: { id: server.id, status: 'ACTIVE' } },
    async planCheck() {
      await inspect();
      return `OpenStack server ${server.name} (${server.id}) is ACTIVE in cloud ${client.name}`;
    },
  };
}
