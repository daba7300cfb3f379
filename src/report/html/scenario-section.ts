/**
 * One scenario's section of the run page: verdict and reason, faults, SLO results per phase, recovery, halt,
 * evidence, the timeline plot and links to the scenario's own files.
 */
import { scenarioSlug } from '../../core/scenario-files';
import { expectTag } from '../console-summary';
import type { FaultRecord, HaltRecord, Phase, ScenarioSummary, SloResult } from '../../model/summary';
import { attr, text } from './escape';
import { clockTime, dateTime, offsetSeconds, plural, seconds, signedPercent } from './format';
import { inlineSvg } from './inline-svg';
import { recoveryTable } from './recovery-table';
import { alertsTable } from './alerts-table';

const PHASE_ORDER: readonly (Phase | 'run')[] = ['before', 'during', 'after', 'run'];
const PHASE_LABEL: Record<Phase | 'run', string> = {
  before: 'before (steady state)',
  during: 'during the fault',
  after: 'after the fault',
  run: 'whole load run',
};

export interface ScenarioSectionInput {
  scenario: ScenarioSummary;
  /** The scenario's index in the run, used to keep the ids of inlined plots apart. */
  index: number;
  compared: boolean;
  baselineScenario: ScenarioSummary | undefined;
  /** The scenario's timeline.svg, when there is one. */
  plotSvg: string | undefined;
}

/** scenarioAnchor: the id of the scenario's section, "scenario-lab-isolate-node-7". */
export function scenarioAnchor(scenario: ScenarioSummary): string {
  return `scenario-${scenarioSlug(scenario.id)}`;
}

/** verdictBadge: the verdict as a coloured label. */
export function verdictBadge(scenario: ScenarioSummary): string {
  return `<span class="verdict ${attr(scenario.verdict)}">${text(scenario.verdict)}</span>`;
}

/** expectationNote: "as expected (@expect-failed)", "not as expected (…)", "passed although …", or empty for a plain pass. */
export function expectationNote(scenario: ScenarioSummary): string {
  if (!scenario.asExpected) {
    const expected = scenario.expectedVerdict ?? 'passed';
    return `<span class="expectation unexpected">not as expected (expected ${text(expected)})</span>`;
  }
  if (scenario.verdict === 'passed') {
    const expected = scenario.expectedVerdict;
    return expected && expected !== 'passed' ? `<span class="expectation muted">passed although ${text(expectTag(scenario))} expected ${text(expected)}</span>` : '';
  }
  return `<span class="expectation muted">as expected (${text(expectTag(scenario))})</span>`;
}

export function scenarioSection(input: ScenarioSectionInput): string {
  const { scenario } = input;
  const slug = scenarioSlug(scenario.id);
  const parts: string[] = [];
  parts.push(`<section class="scenario" id="${attr(scenarioAnchor(scenario))}">`);
  parts.push(`<h2>${verdictBadge(scenario)}${text(scenario.name)}</h2>`);
  parts.push(
    `<p class="subtitle"><code>${text(scenario.id)}</code> · ${text(dateTime(scenario.startedAt))} · ` +
      `${text(seconds(scenario.durationSeconds))}${scenario.tags.length > 0 ? ` · ${tagList(scenario.tags)}` : ''} ${expectationNote(scenario)}</p>`,
  );
  if (scenario.reason) parts.push(`<div class="reason-box ${attr(scenario.verdict)}">${text(scenario.reason)}</div>`);
  parts.push('<h3>Faults</h3>', faultsTable(scenario));
  parts.push('<h3>SLOs</h3>', slosTable(scenario.slos));
  parts.push(
    '<h3>Recovery</h3>',
    recoveryTable(scenario.recovery, { compared: input.compared, baselineScenario: input.baselineScenario }),
  );
  if (scenario.alerts?.length) parts.push('<h3>Alerts</h3>', alertsTable(scenario.alerts));
  if (scenario.halt) parts.push('<h3>Halt</h3>', haltList(scenario.halt, scenario.startedAt));
  if (scenario.evidence && Object.keys(scenario.evidence).length > 0) {
    parts.push(`<details><summary>Evidence</summary><pre>${text(JSON.stringify(scenario.evidence, null, 2))}</pre></details>`);
  }
  parts.push('<h3>Timeline</h3>', plotFigure(input.plotSvg, `p${input.index}-`));
  parts.push(
    `<p class="muted">files: <a href="scenarios/${attr(slug)}/timeline.json">timeline.json</a> · ` +
      `<a href="scenarios/${attr(slug)}/samples.csv">samples.csv</a></p>`,
  );
  parts.push('</section>');
  return parts.join('\n');
}

/** tagList: tags as small labels. */
export function tagList(tags: readonly string[]): string {
  return tags.map((tag) => `<span class="tag">${text(tag)}</span>`).join('');
}

function faultsTable(scenario: ScenarioSummary): string {
  if (scenario.faults.length === 0) return '<p class="muted">no fault was injected</p>';
  const rows = scenario.faults.map((fault) => {
    return (
      '<tr>' +
      `<td class="mono">${text(fault.kind)}</td>` +
      `<td>${text(fault.target)}</td>` +
      `<td class="mono">${text(fault.injectionId)}</td>` +
      `<td>${timeCell(fault.injectedAt, scenario.startedAt)}</td>` +
      `<td>${fault.observedAt ? timeCell(fault.observedAt, scenario.startedAt) : '<span class="missed">not observed</span>'}</td>` +
      `<td>${revertCell(fault, scenario.startedAt)}</td>` +
      `<td class="num">${fault.ttlSeconds === null ? '—' : text(seconds(fault.ttlSeconds))}</td>` +
      '</tr>'
    );
  });
  return (
    '<table class="faults"><thead><tr><th>kind</th><th>target</th><th>injection</th><th>injected</th><th>observed</th>' +
    `<th>reverted</th><th class="num">TTL</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function revertCell(fault: FaultRecord, origin: string): string {
  if (fault.revertError) return `<span class="missed">revert failed:</span> <span class="reason">${text(fault.revertError)}</span>`;
  if (!fault.reversible) return '<span class="muted">one-shot, nothing to revert</span>';
  if (!fault.revertedAt) return '<span class="missed">not reverted</span>';
  return timeCell(fault.revertedAt, origin);
}

/** "21:24:32.794 +3.57 s" (UTC clock time and the offset from the scenario's start). */
function timeCell(iso: string, origin: string): string {
  const offset = offsetSeconds(iso, origin);
  return `<span class="mono">${text(clockTime(iso))}</span>${offset ? ` <span class="muted">${text(offset)}</span>` : ''}`;
}

function slosTable(slos: readonly SloResult[]): string {
  if (slos.length === 0) return '<p class="muted">no SLO was judged</p>';
  const sorted = [...slos].sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase));
  const rows = sorted.map((slo) => {
    const observed =
      slo.observed === null
        ? `<span class="missed">${text(slo.observedText || 'no samples')}</span>`
        : `${text(slo.observedText)} <span class="muted">(${text(plural(slo.samples, 'sample'))})</span>`;
    const baseline = slo.baseline
      ? `${text(slo.baseline.observedText)}${slo.baseline.changePercent === null ? '' : ` <span class="muted">→ ${text(signedPercent(slo.baseline.changePercent))}</span>`}`
      : '<span class="muted">—</span>';
    // A PromQL SLO's expression already names its query; its probe name would only repeat it.
    const probe = slo.probe.startsWith('promql:') ? '<span class="muted">PromQL</span>' : text(slo.probe);
    return (
      '<tr>' +
      `<td>${text(PHASE_LABEL[slo.phase] ?? slo.phase)}</td>` +
      `<td class="mono">${probe}</td>` +
      `<td class="mono">${text(slo.expression)}</td>` +
      `<td>${observed}</td>` +
      `<td>${slo.met ? '<span class="met">✓ met</span>' : '<span class="missed">✗ missed</span>'}</td>` +
      `<td>${baseline}</td>` +
      '</tr>'
    );
  });
  return (
    '<table class="slos"><thead><tr><th>phase</th><th>probe</th><th>expression</th><th>observed</th><th>met</th>' +
    `<th title="the same metric in steady state, and the change from it">steady-state baseline → change</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function haltList(halt: HaltRecord, origin: string): string {
  const items: [string, string][] = [
    ['floor', `<span class="mono">${text(halt.probe)} ${text(halt.expression)}</span> over ${text(seconds(halt.windowSeconds))}`],
    ['crossed at', timeCell(halt.crossedAt, origin)],
    ['faults reverted at', halt.revertedAt ? timeCell(halt.revertedAt, origin) : '<span class="missed">not all faults were reverted</span>'],
    ['halt took', halt.haltSeconds === null ? '<span class="missed">n/a</span>' : text(seconds(halt.haltSeconds))],
  ];
  return `<dl class="halt">${items.map(([term, value]) => `<dt>${text(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function plotFigure(svgSource: string | undefined, idPrefix: string): string {
  if (svgSource === undefined) return '<p class="no-plot">no plot</p>';
  const prepared = inlineSvg(svgSource, idPrefix);
  if ('problem' in prepared) return `<p class="no-plot">no plot: timeline.svg not embedded: ${text(prepared.problem)}</p>`;
  return `<figure class="plot">${prepared.svg}</figure>`;
}
