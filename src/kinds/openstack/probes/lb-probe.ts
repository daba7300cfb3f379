/**
 * Load-balancer probes, one API call per reading (Octavia's API is one process; two calls per tick at 10 Hz
 * saturated it on the lab's busy 2-core machine):
 *   LoadBalancerProbe, GET /lbaas/loadbalancers/{id} → two probe names from one reading:
 *     openstack-lb:<name>     good when provisioning_status is ACTIVE (no change pending: what "ACTIVE again" means)
 *     openstack-lb-up:<name>  good unless the load balancer is ERROR or gone (PENDING_UPDATE is a control-plane
 *                             state; the VIP keeps serving meanwhile)
 *   PoolProbe, GET /lbaas/pools/{pool}/members → openstack-pool:<name>: good when every member is enabled
 *     (admin_state_up) and none is ERROR or OFFLINE; samples carry how many are enabled.
 * With the lab's noop drivers operating status stays OFFLINE / NO_MONITOR (no health checks run), so the pool's
 * state is its members' admin state.
 */
import { now } from '../../../kernel/clock';
import type { Sample } from '../../../model/sample';
import { PeriodicSampler, Probe } from '../../../probes/probe';
import type { OpenStackClient } from '../client/client';
import { lbPath, LoadBalancerView, MemberView } from '../octavia';
import { boundedMeasure, IN_FLIGHT } from './bounded';

export interface LbSample extends Sample {
  provisioning?: string;
  operating?: string;
  membersEnabled?: number;
  members?: number;
  answeredAt?: number;
}

export const lbProbeName = (name: string): string => `openstack-lb:${name}`;
export const lbUpProbeName = (name: string): string => `openstack-lb-up:${name}`;
export const poolProbeName = (name: string): string => `openstack-pool:${name}`;

/** sampledProbe: a Probe around a PeriodicSampler (the two probes here differ only in what they read). */
function sampledProbe(name: string, description: string, rateHz: number, timeoutMs: number, onSample: (s: Sample) => void, measure: (t: number) => Promise<Omit<LbSample, 'probe' | 't'>>): Probe {
  const sampler = new PeriodicSampler({ name, rateHz, timeoutMs, onSample, measure: boundedMeasure(IN_FLIGHT, measure) });
  return { name, description, start: () => sampler.start(), stop: () => sampler.stop() };
}

export function loadBalancerProbe(client: OpenStackClient, lb: { id: string; name: string }, rateHz: number, timeoutMs: number, onSample: (sample: Sample) => void): Probe {
  return sampledProbe(lbProbeName(lb.name), `GET load-balancer /lbaas/loadbalancers/${lb.id} at ${rateHz} Hz`, rateHz, timeoutMs, onSample, async (t) => {
    const { loadbalancer } = await client.get<{ loadbalancer: LoadBalancerView }>('load-balancer', lbPath(lb.id), undefined, timeoutMs);
    const answeredAt = now();
    const figures = { latencyMs: answeredAt - t, answeredAt, provisioning: loadbalancer.provisioning_status, operating: loadbalancer.operating_status };
    const up = !['ERROR', 'DELETED'].includes(loadbalancer.provisioning_status) && loadbalancer.operating_status !== 'ERROR';
    onSample({ probe: lbUpProbeName(lb.name), t, ok: up, ...figures, ...(up ? {} : { error: `${loadbalancer.provisioning_status}/${loadbalancer.operating_status}` }) } as LbSample);
    const active = loadbalancer.provisioning_status === 'ACTIVE';
    return { ok: active, ...figures, ...(active ? {} : { error: loadbalancer.provisioning_status }) };
  });
}

export function poolProbe(client: OpenStackClient, lb: { name: string }, pool: string, rateHz: number, timeoutMs: number, onSample: (sample: Sample) => void): Probe {
  return sampledProbe(poolProbeName(lb.name), `GET load-balancer /lbaas/pools/${pool}/members at ${rateHz} Hz`, rateHz, timeoutMs, onSample, async (t) => {
    const { members } = await client.get<{ members: MemberView[] }>('load-balancer', `/lbaas/pools/${pool}/members`, undefined, timeoutMs);
    const answeredAt = now();
    const enabled = members.filter((m) => m.admin_state_up && !['ERROR', 'OFFLINE'].includes(m.operating_status)).length;
    const ok = enabled === members.length;
    return { ok, latencyMs: answeredAt - t, answeredAt, membersEnabled: enabled, members: members.length, ...(ok ? {} : { error: `${enabled}/${members.length} members enabled` }) };
  });
}
