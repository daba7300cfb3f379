/**
 * web-constant-rate: constant-arrival-rate load on one URL, the k6 counterpart of the built-in generator
 * (src/load/generator.ts), so a run means the same whichever engine made it:
 * - open model: `constant-arrival-rate` starts iterations on schedule; when no VU is free, k6 counts a
 *   dropped iteration instead of waiting (the built-in generator's `dropped`);
 * - one GET per iteration, a new connection per request unless KEEP_ALIVE=true, 200-399 counts as ok;
 * - bounded by DURATION (and so by RATE × DURATION iterations).
 * Run: k6 run -e TARGET_URL=http://198.18.0.10/ -e RATE=50 -e DURATION=30s --summary-export s.json web-constant-rate.ts
 * (TypeScript runs natively from k6 v0.57; older k6 needs --compatibility-mode=experimental_enhanced, which
 * src/load/k6.ts adds by itself.) Type-check: npx tsc -p experiments/load
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';

/** The environment variable `name`, or `fallback`; a required one without fallback stops k6 at init. */
function env(name: string, fallback?: string): string {
  const value = __ENV[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`web-constant-rate: set ${name}, e.g. k6 run -e ${name}=... (see the header of this script)`);
}

/** A positive number from the environment; k6 would otherwise run a scenario of NaN iterations. */
function positive(name: string, fallback: string): number {
  const value = Number(env(name, fallback));
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`web-constant-rate: ${name} must be a positive number`);
  return value;
}

const TARGET_URL = env('TARGET_URL');
const RATE = positive('RATE', '50');
const TIMEOUT_MS = positive('TIMEOUT_MS', '2000');
// Enough VUs for every request of one timeout period, as the built-in generator's default maxInFlight.
const MAX_VUS = Math.min(1024, Math.ceil((RATE * TIMEOUT_MS) / 1000) + 2);

export const options: Options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: env('DURATION', '30s'),
      preAllocatedVUs: Math.min(MAX_VUS, Math.ceil(RATE / 10) + 2),
      maxVUs: MAX_VUS,
      // In-flight requests end by their own timeout; no extra grace beyond it.
      gracefulStop: `${Math.ceil(TIMEOUT_MS / 1000)}s`,
    },
  },
  // Each request on its own connection, so a dead backend cannot hide behind a pooled one.
  noConnectionReuse: env('KEEP_ALIVE', 'false') !== 'true',
  discardResponseBodies: true,
  // p(99) is not in k6's default trend stats; src/load/k6.ts reads it when present.
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

// http_req_failed counts what we count as failed: any status outside 200-399, or no response.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }));

export default function (): void {
  const response = http.get(TARGET_URL, { timeout: `${TIMEOUT_MS}ms`, tags: { name: 'web' } });
  check(response, { 'status is 2xx or 3xx': (r) => r.status >= 200 && r.status < 400 });
}
