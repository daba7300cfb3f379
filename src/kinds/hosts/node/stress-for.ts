/**
 * stressFor: a stress fault held for `durationMs`, with the TTL it needs. stress-ng stops by itself at the TTL
 * (its own on-node expiry, `--timeout`), so the TTL — the duration plus the environment's faultTtlGrace — is fixed
 * before the fault is built, and the injection must use the same one.
 */
import type { Environment } from '../../../model/environment';
import type { ShellFault } from '../../../revert/shell-fault';
import { faultTarget } from '../target';
import { StressOptions, stressNode } from './stress';

export interface StressInjection {
  fault: ShellFault;
  durationMs: number;
  ttlMs: number;
}

export function stressFor(env: Environment, node: string, durationMs: number, load: Omit<StressOptions, 'ttlMs'>): StressInjection {
  const ttlMs = durationMs + env.defaults.faultTtlGraceMs;
  return { fault: stressNode(faultTarget(env, node), { ...load, ttlMs }), durationMs, ttlMs };
}
