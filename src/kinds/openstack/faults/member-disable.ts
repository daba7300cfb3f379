/**
 * Pool member disable, reversible: admin_state_up false on a load-balancer pool member (the load balancer stops
 * sending it traffic; its pool degrades), tagged scs-chaos-injected; the undo enables it and drops the tag. Octavia
 * refuses changes while the load balancer is PENDING_*, so each change waits for it to settle. Observed and
 * reverted-checked by reading the member back.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { INJECTED_TAG } from '../nova';
import { getMember, memberPath, MemberView, PoolRef, whenSettled } from '../octavia';
import { openstackRecipe } from '../recipe';
import { requireLbInScope } from './lb-failover';

const SETTLE_MS = 30_000;

export function memberDisableFault(client: OpenStackClient, spec: OpenstackSpec, ref: PoolRef, member: MemberView, file: string): Fault {
  const kind = 'openstack-member-disable';
  const name = member.name || member.address;
  const inspect = async (): Promise<MemberView> => {
    requireLbInScope(client, spec, ref.lb, file);
    const current = await getMember(client, ref.pool, member.id);
    if (!current.admin_state_up) throw new BadInput(`member ${name} of load balancer ${ref.lb.name} is already disabled`, undefined, 'enable it first or pick another: the revert would enable a member someone disabled on purpose');
    return current;
  };
  const read = (): Promise<MemberView> => getMember(client, ref.pool, member.id);
  return {
    kind,
    reversible: true,
    harms: [],
    describe: () => `disable member ${name} of OpenStack load balancer ${ref.lb.name} (admin state down, revert: enable)`,
    async planCheck() {
      await inspect();
      return `member ${name} (${member.address}) of load balancer ${ref.lb.name} is enabled`;
    },
    async prepare(injectionId) {
      const current = await inspect();
      return {
        kind,
        target: `member ${name} of load balancer ${ref.lb.name}`,
        reversible: true,
        preState: { member: member.id, pool: ref.pool, adminStateUp: true, injectionId },
        revert: openstackRecipe(spec, { name: client.name, authUrl: client.cloud.authUrl }, `member ${name}`, [{ kind: 'member', loadBalancer: ref.lb.id, pool: ref.pool, member: member.id, name }]),
        async apply() {
          const body = { member: { admin_state_up: false, tags: [...(current.tags ?? []), INJECTED_TAG] } };
          await whenSettled(client, ref.lb.id, () => client.request({ service: 'load-balancer', method: 'PUT', path: memberPath(ref.pool, member.id), body }), SETTLE_MS);
        },
        async verifyActive() {
          const seen = await read();
          if (seen.admin_state_up) throw new ExperimentCompromised(`disable of member ${name}: Octavia accepted it, but the member is still enabled`);
          return `member ${name} admin_state_up=false, ${seen.provisioning_status}, tagged ${(seen.tags ?? []).includes(INJECTED_TAG) ? INJECTED_TAG : '(missing)'} (read back from Octavia)`;
        },
        async verifyReverted() {
          const seen = await read();
          if (!seen.admin_state_up || (seen.tags ?? []).includes(INJECTED_TAG)) throw new ExperimentCompromised(`enable of member ${name}: it is still disabled or tagged after the revert`);
        },
      };
    },
  };
}
