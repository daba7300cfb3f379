/**
 * Octavia calls the faults, undos and probes share: a load balancer's status tree, and waiting until no change is
 * pending on it (Octavia answers 409 to changes while it is PENDING_*).
 */
import { sleep } from '../../kernel/clock';
import type { OpenStackClient } from './client/client';

/** StatusNode: one object of the status tree. */
export interface StatusNode {
  id: string;
  name?: string;
  provisioning_status: string;
  operating_status: string;
}

export interface StatusTree extends StatusNode {
  listeners: Array<StatusNode & { pools: Array<StatusNode & { members: Array<StatusNode & { address?: string }> }> }>;
}

export interface LoadBalancerView {
  id: string;
  name: string;
  provisioning_status: string;
  operating_status: string;
  updated_at: string | null;
  vip_address: string;
}

export interface MemberView {
  id: string;
  name: string;
  address: string;
  admin_state_up: boolean;
  provisioning_status: string;
  operating_status: string;
  updated_at: string | null;
  tags?: string[];
}

export const lbPath = (id: string): string => `/lbaas/loadbalancers/${encodeURIComponent(id)}`;
export const memberPath = (pool: string, member: string): string => `/lbaas/pools/${encodeURIComponent(pool)}/members/${encodeURIComponent(member)}`;

export async function getLoadBalancer(client: OpenStackClient, id: string): Promise<LoadBalancerView> {
  return (await client.get<{ loadbalancer: LoadBalancerView }>('load-balancer', lbPath(id))).loadbalancer;
}

export async function statusTree(client: OpenStackClient, id: string): Promise<StatusTree> {
  return (await client.get<{ statuses: { loadbalancer: StatusTree } }>('load-balancer', `${lbPath(id)}/status`)).statuses.loadbalancer;
}

export async function getMember(client: OpenStackClient, pool: string, member: string): Promise<MemberView> {
  return (await client.get<{ member: MemberView }>('load-balancer', memberPath(pool, member))).member;
}

/** lbSettled: waits until the load balancer is not PENDING_* any more (bounded); returns it. */
export async function lbSettled(client: OpenStackClient, id: string, timeoutMs = 30_000): Promise<LoadBalancerView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lb = await getLoadBalancer(client, id);
    if (!lb.provisioning_status.startsWith('PENDING_') || Date.now() > deadline) return lb;
    await sleep(100);
  }
}
