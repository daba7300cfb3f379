/**
 * TcpProbe: opens a TCP connection to host:port at a fixed rate; a sample is good when the connection is
 * established within the timeout. Measures reachability of a port without any protocol on top.
 */
import net from 'node:net';
import { now } from '../kernel/clock';
import { Measurement, PeriodicSampler, Probe } from './probe';
import type { Sample } from '../model/sample';

export interface TcpProbeOptions {
  name: string;
  host: string;
  port: number;
  rateHz: number;
  timeoutMs: number;
  onSample: (sample: Sample) => void;
}

/** tcpConnect: connects once and closes at once; resolves with the measurement, never rejects. */
export function tcpConnect(host: string, port: number, timeoutMs: number, startedAt: number = now()): Promise<Measurement> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (measurement: Measurement): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(measurement);
    };
    const timer = setTimeout(() => finish({ ok: false, latencyMs: timeoutMs, error: 'timeout' }), timeoutMs);
    socket.once('connect', () => finish({ ok: true, latencyMs: now() - startedAt }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'error';
      const errorClass = code === 'ECONNREFUSED' ? 'refused' : code === 'ECONNRESET' ? 'reset' : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'unreachable' : code.toLowerCase();
      finish({ ok: false, latencyMs: now() - startedAt, error: errorClass });
    });
  });
}

export class TcpProbe implements Probe {
  readonly description: string;
  private readonly sampler: PeriodicSampler;

  constructor(private readonly options: TcpProbeOptions) {
    this.description = `TCP connect ${options.host}:${options.port} at ${options.rateHz} Hz`;
    this.sampler = new PeriodicSampler({
      name: options.name,
      rateHz: options.rateHz,
      timeoutMs: options.timeoutMs,
      measure: (t) => tcpConnect(options.host, options.port, options.timeoutMs, t),
      onSample: options.onSample,
    });
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.sampler.start();
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }
}
