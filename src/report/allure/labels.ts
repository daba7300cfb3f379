/**
 * The labels and parameters scs-chaos adds to a scenario's Allure result, so the report can be grouped and
 * filtered by what chaos engineers ask about: which layer, which fault kind, which failure level, which verdict.
 *
 * Label names (values in brackets):
 *   layer          [network, nodes, ceph, kubernetes, openstack, lab, …] from @layer-<x>, else features/<layer>/
 *   faultKind      [network-isolate, process-kill, …] one label per distinct kind injected
 *   failureLevel   [L1, L2, …] from @failsafe-L<n> tags
 *   verdict        [passed, failed, not-steady, aborted, compromised] our verdict
 *   expectedVerdict[…] when an @expect-<verdict> tag names one
 *   environment    the environment's name
 * Parameters: environment, seed, targets. They are "excluded" from Allure's history id: the same scenario keeps
 * one history line across seeds, environments and chosen targets (the labels tell them apart).
 */
import type { Label, Parameter } from 'allure-js-commons';
import type { RunSummary, ScenarioSummary } from '../../model/summary';

/** Label names this module writes; enrichment replaces exactly these on every pass (idempotent). */
export const SCS_LABELS = ['layer', 'faultKind', 'failureLevel', 'verdict', 'expectedVerdict', 'environment'] as const;

/** Parameter names this module writes. */
export const SCS_PARAMETERS = ['environment', 'seed', 'targets'] as const;

/** layerOf: the layer a scenario exercises: an explicit @layer-<x> tag wins, else the folder under features/. */
export function layerOf(feature: string, tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    const layer = /^@layer-(.+)$/.exec(tag)?.[1];
    if (layer) return layer;
  }
  return /(?:^|\/)features\/([^/]+)\//.exec(feature.replaceAll('\\', '/'))?.[1];
}

/** failureLevelsOf: "L1" for @failsafe-L1, in tag order, without repeats. */
export function failureLevelsOf(tags: readonly string[]): string[] {
  const levels = tags.map((tag) => /^@failsafe-(L\d+)$/i.exec(tag)?.[1]?.toUpperCase()).filter((level): level is string => level !== undefined);
  return [...new Set(levels)];
}

export function scenarioLabels(scenario: ScenarioSummary, run: Pick<RunSummary, 'environment'>): Label[] {
  const labels: Label[] = [];
  const layer = layerOf(scenario.feature, scenario.tags);
  if (layer) labels.push({ name: 'layer', value: layer });
  for (const kind of new Set(scenario.faults.map((fault) => fault.kind))) labels.push({ name: 'faultKind', value: kind });
  for (const level of failureLevelsOf(scenario.tags)) labels.push({ name: 'failureLevel', value: level });
  labels.push({ name: 'verdict', value: scenario.verdict });
  if (scenario.expectedVerdict) labels.push({ name: 'expectedVerdict', value: scenario.expectedVerdict });
  labels.push({ name: 'environment', value: run.environment });
  return labels;
}

export function scenarioParameters(scenario: ScenarioSummary, run: Pick<RunSummary, 'environment' | 'seed'>): Parameter[] {
  const parameters: Parameter[] = [{ name: 'environment', value: run.environment, excluded: true }];
  if (run.seed !== undefined) parameters.push({ name: 'seed', value: String(run.seed), excluded: true });
  const targets = [...new Set(scenario.faults.map((fault) => fault.target))];
  if (targets.length) parameters.push({ name: 'targets', value: targets.join(', '), excluded: true });
  return parameters;
}
