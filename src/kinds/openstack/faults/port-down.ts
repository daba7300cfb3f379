/**
 * Port admin-state down, reversible: Neutron's admin_state_up false on one port (its traffic stops where an agent
 * enforces it), tagged scs-chaos-injected; the undo sets it up again and drops the tag. Ports are named in
 * openstack.scope.ports (by name or id). A port already down is refused: the revert would bring up a port someone
 * took down on purpose. Observed and reverted-checked by reading the port back.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { INJECTED_TAG } from '../nova';
import { openstackRecipe } from '../recipe';

export interface PortView {
  id: string;
  name: string;
  admin_state_up: boolean;
  status: string;
  tags?: string[];
}

const portPath = (id: string): string => `/ports/${encodeURIComponent(id)}`;

/** portNamed: the port of that name or id, in openstack.scope.ports; BadInput otherwise. */
export async function portNamed(client: OpenStackClient, spec: OpenstackSpec, name: string, file: string): Promise<PortView> {
  if (!spec.scope.ports.includes(name)) throw new BadInput(`OpenStack port ${name} is out of scope for cloud ${client.name}`, undefined, `add it to openstack.scope.ports in ${file} if it may be harmed`);
  const byName = await client.list<PortView>('network', '/ports', 'ports', { name });
  const port = byName.find((p) => p.name === name) ?? (await client.get<{ port: PortView }>('network', portPath(name)).then((b) => b.port, () => undefined));
  if (!port) throw new BadInput(`OpenStack port ${name} does not exist in cloud ${client.name}`, undefined, 'name a port that `openstack port list` shows');
  return port;
}

export function portDownFault(client: OpenStackClient, spec: OpenstackSpec, port: PortView): Fault {
  const kind = 'openstack-port-down';
  const name = port.name || port.id;
  const read = async (): Promise<PortView> => (await client.get<{ port: PortView }>('network', portPath(port.id))).port;
  const inspect = async (): Promise<PortView> => {
    const current = await read();
    if (!current.admin_state_up) throw new BadInput(`OpenStack port ${name} is already admin-state down`, undefined, 'set it up first or pick another: the revert would bring it up');
    return current;
  };
  return {
    kind,
    reversible: true,
    harms: [],
    describe: () => `set OpenStack port ${name} admin-state down (revert: up)`,
    async planCheck() {
      await inspect();
      return `OpenStack port ${name} (${port.id}) is admin-state up in cloud ${client.name}`;
    },
    async prepare(injectionId) {
      await inspect();
      return {
        kind,
        target: `OpenStack port ${name}`,
        reversible: true,
        preState: { id: port.id, adminStateUp: true, injectionId },
        revert: openstackRecipe(spec, { name: client.name, authUrl: client.cloud.authUrl }, `port ${name}`, [{ kind: 'port', port: port.id, name }]),
        async apply() {
          await client.request({ service: 'network', method: 'PUT', path: `${portPath(port.id)}/tags/${INJECTED_TAG}` });
          await client.request({ service: 'network', method: 'PUT', path: portPath(port.id), body: { port: { admin_state_up: false } } });
        },
        async verifyActive() {
          const seen = await read();
          if (seen.admin_state_up) throw new ExperimentCompromised(`admin-state down of port ${name}: Neutron accepted it, but the port is still up`);
          return `port ${name} admin_state_up=false, status ${seen.status}, tagged ${(seen.tags ?? []).includes(INJECTED_TAG) ? INJECTED_TAG : '(missing)'} (read back from Neutron)`;
        },
        async verifyReverted() {
          const seen = await read();
          if (!seen.admin_state_up || (seen.tags ?? []).includes(INJECTED_TAG)) throw new ExperimentCompromised(`revert of port ${name}: it is still down or tagged`);
        },
      };
    },
  };
}
