/**
 * Octavia calls the faults, undos and probes share: a load balancer's status tree, and waiting until no change is
 * pending on it (Octavia answers 409 to changes while it is PENDING_*).
 */
import { sleep } from '../../kernel/clock';
import { BadInput } from '../../kernel/errors';
import type { OpenStackClient } from './client/client';
import { pollUntil } from './poll';
import { OpenStackApiError } from './client/errors';

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

export async function statusTree(client: OpenStackClient, id: string, timeoutMs?: number): Promise<StatusTree> {
  return (await client.get<{ statuses: { loadbalancer: StatusTree } }>('load-balancer', `${lbPath(id)}/status`, undefined, timeoutMs)).statuses.loadbalancer;
}

export async function getMember(client: OpenStackClient, pool: string, member: string): Promise<MemberView> {
  return (await client.get<{ member: MemberView }>('load-balancer', memberPath(pool, member))).member;
}

/** lbSettled: waits until the load balancer is not PENDING_* any more (bounded); returns it. */
export async function lbSettled(client: OpenStackClient, id: string, timeoutMs = 30_000): Promise<LoadBalancerView> {
  return (await pollUntil(() => getLoadBalancer(client, id), (lb) => !lb.provisioning_status.startsWith('PENDING_'), timeoutMs)).value;
}

export interface AmphoraView {
  id: string;
  loadbalancer_id: string | null;
  status: string;
  role: string | null;
  updated_at: string | null;
}

/** amphoraeOf: the amphorae serving a load balancer (admin API; noop driver: records only). */
export async function amphoraeOf(client: OpenStackClient, lb: string): Promise<AmphoraView[]> {
  return (await client.get<{ amphorae: AmphoraView[] }>('load-balancer', '/octavia/amphorae', { loadbalancer_id: lb })).amphorae.filter((a) => a.loadbalancer_id === lb && a.status !== 'DELETED');
}

/** untilLoadBalancer: polls every 100 ms until `done` holds or `timeoutMs` passed. */
export async function untilLoadBalancer(client: OpenStackClient, id: string, done: (lb: LoadBalancerView) => boolean, timeoutMs: number): Promise<{ lb: LoadBalancerView; met: boolean }> {
  const { value, met } = await pollUntil(() => getLoadBalancer(client, id), done, timeoutMs);
  return { lb: value, met };
}

/** PoolRef: the first pool of a load balancer's first listener, with its members. */
export interface PoolRef {
  lb: LoadBalancerView;
  pool: string;
  members: MemberView[];
}

/** poolOf: the load balancer's pool (the first of its status tree) and its members. */
export async function poolOf(client: OpenStackClient, lb: LoadBalancerView): Promise<PoolRef> {
  const tree = await statusTree(client, lb.id);
  const pool = tree.listeners.flatMap((l) => l.pools)[0]?.id;
  if (!pool) throw new BadInput(`OpenStack load balancer ${lb.name} has no pool`, undefined, 'give it a listener with a pool and members, or pick another load balancer');
  return { lb, pool, members: await client.list<MemberView>('load-balancer', `/lbaas/pools/${pool}/members`, 'members') };
}

/**
 * whenSettled: runs a change once the load balancer is not PENDING_*, again after each 409 (another change of
 * ours or Octavia's got in first: changes of one load balancer are serialised by Octavia) until `timeoutMs`.
 */
export async function whenSettled<T>(client: OpenStackClient, lb: string, change: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await lbSettled(client, lb, Math.max(0, deadline - Date.now()));
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof OpenStackApiError && error.conflict) || Date.now() > deadline) throw error;
      await sleep(100 + Math.random() * 200);
    }
  }
}
