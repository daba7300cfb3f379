/**
 * Compute service disable, reversible: the nova-compute service of one compute host is disabled (the scheduler
 * places no new server there: the hypervisor is taken out of scheduling) with disabled_reason "scs-chaos injection
 * <id>", by which preflight and sweep find it; the undo enables it (Nova clears the reason). Compute hosts are
 * named in openstack.scope.computeHosts. A service already disabled is refused (someone took it out on purpose).
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { openstackRecipe } from '../recipe';

export interface ComputeServiceView {
  id: string;
  host: string;
  binary: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  disabled_reason: string | null;
  updated_at: string | null;
}

/** DISABLED_REASON: the prefix of disabled_reason the fault writes (sweep and preflight look for it). */
export const DISABLED_REASON = 'scs-chaos injection';

/** computeService: the nova-compute service of a host; BadInput when the host has none. */
export async function computeService(client: OpenStackClient, host: string, timeoutMs?: number): Promise<ComputeServiceView> {
  const { services } = await client.get<{ services: ComputeServiceView[] }>('compute', '/os-services', { binary: 'nova-compute', host }, timeoutMs);
  const service = services.find((s) => s.host === host);
  if (!service) throw new BadInput(`cloud ${client.name} has no nova-compute service on host ${host}`, undefined, 'name a host that `openstack compute service list --service nova-compute` shows');
  return service;
}

/** requireComputeHostInScope: BadInput when the host is not in openstack.scope.computeHosts. */
export function requireComputeHostInScope(client: OpenStackClient, spec: OpenstackSpec, host: string, file: string): void {
  if (!spec.scope.computeHosts.includes(host)) throw new BadInput(`OpenStack compute host ${host} is out of scope for cloud ${client.name}`, undefined, `add it to openstack.scope.computeHosts in ${file} if it may be harmed`);
}

export function computeServiceDisableFault(client: OpenStackClient, spec: OpenstackSpec, host: string, file: string): Fault {
  const kind = 'openstack-compute-disable';
  const inspect = async (): Promise<ComputeServiceView> => {
    requireComputeHostInScope(client, spec, host, file);
    const service = await computeService(client, host);
    if (service.status !== 'enabled') throw new BadInput(`nova-compute on ${host} is already disabled (${service.disabled_reason ?? 'no reason'})`, undefined, 'enable it first or pick another host: the revert would enable it');
    return service;
  };
  return {
    kind,
    reversible: true,
    harms: [],
    describe: () => `disable nova-compute on OpenStack compute host ${host} (out of scheduling, revert: enable)`,
    async planCheck() {
      const service = await inspect();
      return `nova-compute on ${host} is enabled and ${service.state} in cloud ${client.name}`;
    },
    async prepare(injectionId) {
      const service = await inspect();
      return {
        kind,
        target: `nova-compute on ${host}`,
        reversible: true,
        preState: { service: service.id, status: 'enabled' },
        revert: openstackRecipe(spec, { name: client.name, authUrl: client.cloud.authUrl }, `nova-compute on ${host}`, [{ kind: 'compute-service', service: service.id, host }]),
        async apply() {
          await client.request({ service: 'compute', method: 'PUT', path: `/os-services/${service.id}`, body: { status: 'disabled', disabled_reason: `${DISABLED_REASON} ${injectionId}` } });
        },
        async verifyActive() {
          const seen = await computeService(client, host);
          if (seen.status !== 'disabled') throw new ExperimentCompromised(`disable of nova-compute on ${host}: Nova accepted it, but the service is ${seen.status}`);
          return `nova-compute on ${host} disabled ("${seen.disabled_reason ?? ''}"), state ${seen.state} (read back from Nova)`;
        },
        async verifyReverted() {
          const seen = await computeService(client, host);
          if (seen.status !== 'enabled') throw new ExperimentCompromised(`enable of nova-compute on ${host}: it is still ${seen.status} after the revert`);
        },
      };
    },
  };
}
