/**
 * Octavia failovers, one-shot (Octavia heals by itself; that is what is tested): a load balancer's failover
 * (PUT /lbaas/loadbalancers/{id}/failover: its amphorae are replaced) and one amphora's (PUT
 * /octavia/amphorae/{id}/failover, admin). Observed when the load balancer was seen in a pending state or its
 * updated_at moved past the one read before (a failover of 1.3 s can end between two reads), and for an amphora
 * failover when the amphora was replaced. With the lab's noop drivers the flow is real, the amphorae are records.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { amphoraeOf, getLoadBalancer, lbPath, LoadBalancerView, untilLoadBalancer } from '../octavia';

/** How long Octavia may take to start and finish a failover (1.25-1.45 s in the lab; real amphorae: minutes). */
const FAILOVER_SEEN_MS = 30_000;

/** requireLbInScope: BadInput when the load balancer is not in openstack.scope.loadBalancers. */
export function requireLbInScope(client: OpenStackClient, spec: OpenstackSpec, lb: Pick<LoadBalancerView, 'name' | 'id'>, file: string): void {
  if (spec.scope.loadBalancers.includes(lb.name) || spec.scope.loadBalancers.includes(lb.id)) return;
  throw new BadInput(`OpenStack load balancer ${lb.name} is out of scope for cloud ${client.name}`, undefined, `add it to openstack.scope.loadBalancers in ${file} if it may be harmed`);
}

export function lbFailoverFault(client: OpenStackClient, spec: OpenstackSpec, lb: LoadBalancerView, scope: 'load-balancer' | 'amphora', file: string): Fault {
  const kind = scope === 'load-balancer' ? 'openstack-lb-failover' : 'openstack-amphora-failover';
  const inspect = async (): Promise<LoadBalancerView> => {
    const current = await getLoadBalancer(client, lb.id);
    requireLbInScope(client, spec, current, file);
    if (current.provisioning_status !== 'ACTIVE') throw new BadInput(`OpenStack load balancer ${lb.name} is ${current.provisioning_status}, not ACTIVE`, undefined, 'wait until it is ACTIVE (Octavia refuses a failover while a change is pending)');
    return current;
  };
  return {
    kind,
    reversible: false,
    harms: [],
    describe: () => `${scope === 'load-balancer' ? 'fail over' : 'fail over the amphora of'} OpenStack load balancer ${lb.name} (one-shot)`,
    async planCheck() {
      await inspect();
      return `OpenStack load balancer ${lb.name} (${lb.id}) is ACTIVE in cloud ${client.name}`;
    },
    async prepare() {
      const before = await inspect();
      const amphorae = await amphoraeOf(client, lb.id);
      const amphora = amphorae[0];
      if (scope === 'amphora' && !amphora) throw new BadInput(`OpenStack load balancer ${lb.name} has no amphora to fail over`, undefined, 'fail over the load balancer instead (providers without amphorae, e.g. OVN, have none)');
      let sawPending = false;
      return {
        kind,
        target: `OpenStack load balancer ${lb.name}`,
        reversible: false,
        preState: { id: lb.id, updatedAt: before.updated_at, amphorae: amphorae.map((a) => a.id) },
        revert: null,
        async apply() {
          const path = scope === 'load-balancer' ? `${lbPath(lb.id)}/failover` : `/octavia/amphorae/${amphora?.id ?? ''}/failover`;
          await client.request({ service: 'load-balancer', method: 'PUT', path });
        },
        async verifyActive() {
          const { lb: seen, met } = await untilLoadBalancer(client, lb.id, (l) => (sawPending ||= l.provisioning_status.startsWith('PENDING_')) || l.updated_at !== before.updated_at, FAILOVER_SEEN_MS);
          if (!met) throw new ExperimentCompromised(`failover of OpenStack load balancer ${lb.name}: Octavia accepted it, but the load balancer is ${seen.provisioning_status} and unchanged after ${FAILOVER_SEEN_MS / 1000}s`);
          return `load balancer ${lb.name} ${seen.provisioning_status} (updated_at ${seen.updated_at ?? '-'}, was ${before.updated_at ?? '-'}; read back from Octavia)`;
        },
        async verifyReverted() {
          // One-shot: nothing to revert.
        },
      };
    },
  };
}
