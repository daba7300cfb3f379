/**
 * boundedMeasure: at most `limit` readings of one probe in flight against an API; a tick that finds them all busy
 * is a measurement problem ("api-busy") at once instead of one more request. OpenStack's APIs are a few Python
 * threads: a reading abandoned at its timeout is still served later, so an unbounded probe on a slow API queues
 * work faster than it is done and starves the faults' own calls (seen in the lab: Octavia at 200 ms per call).
 */
import type { Measurement } from '../../../probes/probe';

export function boundedMeasure(limit: number, measure: (t: number) => Promise<Measurement>): (t: number) => Promise<Measurement> {
  let inFlight = 0;
  return async (t) => {
    if (inFlight >= limit) return { ok: false, error: 'api-busy', measurementProblem: true };
    inFlight++;
    try {
      return await measure(t);
    } finally {
      inFlight--;
    }
  };
}

/** IN_FLIGHT: readings of one OpenStack probe in flight at most. */
export const IN_FLIGHT = 2;
