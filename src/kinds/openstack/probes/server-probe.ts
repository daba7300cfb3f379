/**
 * The server probe: GET /servers/{id} at 10 Hz or more (intermediate states like REBOOT or powering-off last
 * 0.1-0.2 s in the lab: a 1 s poller sees only the end points). A sample is good when the server is ACTIVE with no
 * task running; every sample carries status, task state and vm state, and when the answer came back, so a
 * transition can be placed between two samples. Probe name: openstack-server:<name>.
 */
import { now } from '../../../kernel/clock';
import type { Sample } from '../../../model/sample';
import { PeriodicSampler, Probe } from '../../../probes/probe';
import type { OpenStackClient } from '../client/client';
import { getServer } from '../nova';
import { boundedMeasure, IN_FLIGHT } from './bounded';

export interface ServerSample extends Sample {
  serverStatus?: string;
  taskState?: string | null;
  vmState?: string;
  answeredAt?: number;
}

export const serverProbeName = (name: string): string => `openstack-server:${name}`;

export class ServerStateProbe implements Probe {
  readonly name: string;
  readonly description: string;
  private readonly sampler: PeriodicSampler;

  constructor(client: OpenStackClient, server: { id: string; name: string }, rateHz: number, timeoutMs: number, onSample: (sample: Sample) => void) {
    this.name = serverProbeName(server.name);
    this.description = `GET compute /servers/${server.id} (${server.name}) at ${rateHz} Hz: status, task state, vm state`;
    this.sampler = new PeriodicSampler({
      name: this.name,
      rateHz,
      timeoutMs,
      onSample,
      measure: boundedMeasure(IN_FLIGHT, async (t) => {
        const found = await getServer(client, server.id, timeoutMs);
        const answeredAt = now();
        const ok = found.status === 'ACTIVE' && found['OS-EXT-STS:task_state'] === null;
        return { ok, latencyMs: answeredAt - t, answeredAt, serverStatus: found.status, taskState: found['OS-EXT-STS:task_state'], vmState: found['OS-EXT-STS:vm_state'], ...(ok ? {} : { error: `${found.status}/${found['OS-EXT-STS:task_state'] ?? '-'}` }) } as Omit<ServerSample, 'probe' | 't'>;
      }),
    });
  }

  start(): void {
    this.sampler.start();
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }
}
