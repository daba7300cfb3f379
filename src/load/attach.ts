/**
 * Loads in a scenario, attached through its ScenarioHandle: a constant arrival rate judged per phase like a probe
 * (`loadService`, probe "load:<service>"), and a k6 script run in the background whose whole-run summary is
 * judged at the end (`loadWithScript` + `assertLoadSummary`). k6 runs only where a binary is installed (AGPL,
 * never shipped); the built-in generator stands in for it otherwise, and the run says which.
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { BadInput, HypothesisRefuted } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
import type { LoadReport } from '../model/load';
import { resolveService } from '../environment/inventory';
import type { ScenarioHandle } from '../core/scenario-handle';
import { parseSlo } from '../slo/expression';
import { startLoad as startBuiltinLoad } from './generator';
import { chooseLoadEngine, runK6Script } from './k6';
import { evaluateSloOnLoadReport } from './report-slo';

/** Scripted loads of one scenario by service, settling to their report. */
const SCRIPTED = 'load:scripted';
const scriptedLoads = (scenario: ScenarioHandle): Map<string, Promise<LoadReport>> => scenario.scenarioState(SCRIPTED, () => new Map<string, Promise<LoadReport>>());

function endpointOf(scenario: ScenarioHandle, serviceName: string): { name: string; endpoint: string } {
  const service = resolveService(scenario.env, serviceName);
  if (!service.endpoint) throw new BadInput(`service ${service.name} has no endpoint to load`, undefined, `add endpoint: http://... to service ${service.name} in ${scenario.env.sourcePath}`);
  return { name: service.name, endpoint: service.endpoint };
}

/**
 * loadService: GET requests at a constant arrival rate on the service's endpoint, beside the probes, until the
 * scenario ends (bounded by `maxDurationMs` and the matching request count); judged under "load:<service>".
 */
export async function loadService(scenario: ScenarioHandle, serviceName: string, ratePerSecond: number, maxDurationMs = 15 * 60_000): Promise<string> {
  const { name: service, endpoint } = endpointOf(scenario, serviceName);
  if (!(ratePerSecond > 0 && ratePerSecond <= 5000)) {
    throw new BadInput(`a load of ${ratePerSecond} requests per second is out of range`, undefined, 'use a rate between 1 and 5000 requests per second');
  }
  const name = `load:${service}`;
  const engine = scenario.planning ? null : await chooseLoadEngine();
  if (engine) scenario.say(engine.engine === 'k6' ? `k6 found (${engine.k6Path}); per-phase SLOs need per-request samples, so this step uses the built-in generator` : engine.reason);
  const timeoutMs = scenario.env.defaults.probeTimeoutMs;
  scenario.addLoad(name, scenario.planning ? `load ${service}: GET ${endpoint} at ${ratePerSecond}/s (built-in open-model generator, at most ${formatDuration(maxDurationMs)})` : `${ratePerSecond}/s on ${endpoint}`, (onSample) =>
    startBuiltinLoad({ name, url: endpoint, ratePerSecond, maxRequests: Math.ceil((ratePerSecond * maxDurationMs) / 1000), maxDurationMs, timeoutMs, onSample }),
  );
  return name;
}

/** loadWithScript: runs a k6 script against the service for `durationMs` at `rate` in the background (see above). */
export async function loadWithScript(scenario: ScenarioHandle, script: string, serviceName: string, rate: number, durationMs: number): Promise<void> {
  const scriptPath = resolvePath(script);
  if (!existsSync(scriptPath)) throw new BadInput(`k6 script ${script} does not exist`, undefined, 'name a script under experiments/load/, e.g. "experiments/load/web-constant-rate.ts"');
  const { name: service, endpoint } = endpointOf(scenario, serviceName);
  const loads = scriptedLoads(scenario);
  if (loads.has(service)) throw new BadInput(`${service} gets a scripted load twice in one scenario`, undefined, 'remove the second load step');
  const timeoutMs = scenario.env.defaults.probeTimeoutMs;
  const started = await scenario.step(`load ${service}: ${script} at ${rate}/s for ${formatDuration(durationMs)} (k6 when installed, else the built-in generator)`, async () => {
    const engine = await chooseLoadEngine();
    if (engine.engine === 'k6') {
      scenario.say(`k6: ${script} at ${rate}/s for ${formatDuration(durationMs)} (${engine.k6Path})`);
      return { report: runK6Script({
        script: scriptPath,
        env: { TARGET_URL: endpoint, RATE: String(rate), DURATION: `${Math.ceil(durationMs / 1000)}s`, TIMEOUT_MS: String(timeoutMs) },
        summaryPath: resolvePath(scenario.runDir, `k6-${service}-${Date.now()}.json`),
        timeoutMs: durationMs + 60_000,
        k6Path: engine.k6Path,
      }) };
    }
    scenario.say(`${engine.reason}: ${rate}/s on ${service} for ${formatDuration(durationMs)} instead of ${script}`);
    return { report: startBuiltinLoad({ name: `k6:${service}`, url: endpoint, ratePerSecond: rate, maxRequests: Math.ceil((rate * durationMs) / 1000), maxDurationMs: durationMs, timeoutMs }).done as Promise<LoadReport> };
  });
  const report = started?.report;
  // In plan mode there is no report; the entry still says the load is planned.
  const pending = report ?? Promise.resolve(null as unknown as LoadReport);
  loads.set(service, pending);
  if (report) scenario.addLoadReport(report);
}

/** assertLoadSummary: waits for the scripted load on the service to finish and judges an SLO on its summary. */
export async function assertLoadSummary(scenario: ScenarioHandle, serviceName: string, sloText: string): Promise<void> {
  const slo = parseSlo(sloText);
  const pending = scriptedLoads(scenario).get(serviceName);
  if (!pending) throw new BadInput(`no scripted load runs on ${serviceName} in this scenario`, undefined, `add first: Given the k6 script "experiments/load/web-constant-rate.ts" loads ${serviceName} at 50 requests per second for 30s`);
  await scenario.step(`judge: the load summary of ${serviceName} meets ${sloText}`, async () => {
    scenario.say(`waiting for the load on ${serviceName} to finish`);
    const report = await pending;
    const result = evaluateSloOnLoadReport(slo, report, `${report.engine}:${serviceName}`);
    result.expression = sloText;
    scenario.recordSlo(result);
    scenario.say(`${result.met ? 'ok' : 'NOT MET'}: load on ${serviceName} (${report.engine}) ${sloText} over the whole run, observed ${result.observedText} (${report.sent} requests)`);
    if (!result.met) throw new HypothesisRefuted(`load on ${serviceName} (${report.engine}): "${sloText}" not met over the whole run: observed ${result.observedText}`, { ...result });
  });
}
