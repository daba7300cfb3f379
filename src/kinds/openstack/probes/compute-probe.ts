/**
 * The compute-service probe: GET /os-services?binary=nova-compute&host=<host> at `rateHz`; good when the service
 * is enabled and up. A disabled service (out of scheduling) and one Nova marks down (no report for
 * service_down_time: lab 20 s, default 60 s) are bad; samples carry both fields. Probe name: openstack-compute:<host>.
 */
import { now } from '../../../kernel/clock';
import type { Sample } from '../../../model/sample';
import { PeriodicSampler, Probe } from '../../../probes/probe';
import type { OpenStackClient } from '../client/client';
import { computeService } from '../faults/compute-service';
import { boundedMeasure, IN_FLIGHT } from './bounded';

export interface ComputeSample extends Sample {
  serviceStatus?: string;
  serviceState?: string;
  answeredAt?: number;
}

export const computeProbeName = (host: string): string => `openstack-compute:${host}`;

export function computeServiceProbe(client: OpenStackClient, host: string, rateHz: number, timeoutMs: number, onSample: (sample: Sample) => void): Probe {
  const name = computeProbeName(host);
  const sampler = new PeriodicSampler({
    name,
    rateHz,
    timeoutMs,
    onSample,
    measure: boundedMeasure(IN_FLIGHT, async (t) => {
      const service = await computeService(client, host, timeoutMs);
      const answeredAt = now();
      const ok = service.status === 'enabled' && service.state === 'up';
      return { ok, latencyMs: answeredAt - t, answeredAt, serviceStatus: service.status, serviceState: service.state, ...(ok ? {} : { error: `${service.status}/${service.state}` }) } as Omit<ComputeSample, 'probe' | 't'>;
    }),
  });
  return { name, description: `GET compute /os-services?binary=nova-compute&host=${host} at ${rateHz} Hz`, start: () => sampler.start(), stop: () => sampler.stop() };
}
