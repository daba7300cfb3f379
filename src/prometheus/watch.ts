/**
 * PromQL SLOs in a scenario: `watchPromql` samples "promql(<query>) <op> <number>" once a second from the
 * environment's Prometheus (probe "promql:<query>"), `assertPromql` judges it per phase: met when every sample of
 * the phase met it.
 */
import { BadInput, HypothesisRefuted } from '../kernel/errors';
import type { Phase } from '../model/summary';
import type { ScenarioHandle } from '../core/scenario-handle';
import { phaseWords } from '../core/judge';
import { samplesInWindow } from '../slo/evaluate';
import { PromqlProbe, PromqlSample } from './promql-probe';
import { evaluatePromqlSlo, parsePromqlSlo, promqlCondition } from './promql-slo';

/** promqlProbeName: the probe name of a watched PromQL query. */
export function promqlProbeName(query: string): string {
  return `promql:${query}`;
}

/** watchPromql: starts sampling a PromQL SLO; returns the probe's name. */
export function watchPromql(scenario: ScenarioHandle, sloText: string): string {
  const slo = parsePromqlSlo(sloText);
  const { env } = scenario;
  const prometheus = env.prometheus;
  if (!prometheus) throw new BadInput(`environment ${env.name} names no Prometheus to query`, undefined, `add prometheus: { url: http://... } to ${env.sourcePath}`);
  const name = promqlProbeName(slo.query);
  scenario.addProbe([name], 1, (onSample) => new PromqlProbe({ name, baseUrl: prometheus.url, query: slo.query, condition: promqlCondition(slo), onSample }), `PromQL ${slo.query} on ${prometheus.url}`);
  return name;
}

/** assertPromql: judges a watched PromQL SLO over a phase. */
export async function assertPromql(scenario: ScenarioHandle, sloText: string, phase: Phase): Promise<void> {
  const slo = parsePromqlSlo(sloText);
  const name = promqlProbeName(slo.query);
  if (!scenario.hasProbe(name)) {
    throw new BadInput('the PromQL SLO is not watched in this scenario, so there are no samples to judge', undefined, `add the step: Given Prometheus watches "${sloText}" (before the fault)`);
  }
  await scenario.step(`judge: ${sloText} ${phaseWords(phase)}`, async () => {
    await scenario.settleInFlight();
    const [from, to] = scenario.phaseWindow(phase);
    const samples = samplesInWindow(scenario.timeline.samplesOf(name), from, to) as PromqlSample[];
    const result = evaluatePromqlSlo(slo, samples, phase, name);
    scenario.recordSlo(result);
    scenario.timeline.record('slo', `${sloText} ${phase}: ${result.observedText}`, { ...result });
    scenario.say(`${result.met ? 'ok' : 'NOT MET'}: ${sloText} ${phase} the fault, worst ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new HypothesisRefuted(`Prometheus: "${sloText}" not met ${phase} the fault: worst value ${result.observedText} over ${result.samples} samples`, { ...result });
    }
  });
}
