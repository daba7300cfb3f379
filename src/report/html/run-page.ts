/**
 * renderRunPage: one self-contained HTML page that summarises a run (reports/<run-id>/index.html). It opens from
 * file:// with no server and loads nothing: the style is inline, there is no script, fonts are the system's, and
 * timeline plots are inlined SVG. Every text from the run is escaped (escape.ts). Built from RunSummary only, like
 * every report, and pure: the same inputs give the same page.
 */
import { EXIT_CODE_MEANINGS } from '../console-summary';
import { VERDICTS, type RunSummary, type ScenarioSummary } from '../../model/summary';
import { baselineScenarioFor } from './baseline';
import { attr, text } from './escape';
import { dateTime, percent, plural, seconds } from './format';
import { gateOf } from './gate';
import { pageHead } from './page-style';
import { recoveryList } from './recovery-table';
import { expectationNote, scenarioAnchor, scenarioSection, tagList, verdictBadge } from './scenario-section';

export interface RunPageOptions {
  /** A run to compare recovery times with; scenarios are matched by id, then by name. */
  baseline?: RunSummary;
  /** The scenario's timeline plot as SVG text, or undefined when there is none (the page then says "no plot"). */
  plotSvgFor?: (scenario: ScenarioSummary) => string | undefined;
}

/** renderRunPage: the whole HTML document for `summary`. */
export function renderRunPage(summary: RunSummary, options: RunPageOptions = {}): string {
  const baseline = options.baseline;
  const compared = baseline !== undefined;
  const baselineFor = (scenario: ScenarioSummary): ScenarioSummary | undefined =>
    baseline ? baselineScenarioFor(scenario, baseline) : undefined;
  const sections = summary.scenarios.map((scenario, index) =>
    scenarioSection({
      scenario,
      index,
      compared,
      baselineScenario: baselineFor(scenario),
      plotSvg: options.plotSvgFor?.(scenario),
    }),
  );
  return [
    ...pageHead(`scs-chaos run ${text(summary.runId)}`),
    '<main>',
    runHeader(summary, baseline),
    '<h2 id="scenarios">Scenarios</h2>',
    scenariosTable(summary, compared, baselineFor),
    ...sections,
    `<footer>scs-chaos · run ${text(summary.runId)} · files: <a href="summary.json">summary.json</a> · <a href="junit.xml">junit.xml</a> · <a href="journal.jsonl">journal.jsonl</a></footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runHeader(summary: RunSummary, baseline: RunSummary | undefined): string {
  const durationSeconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const facts: [string, string][] = [
    ['environment', text(summary.environment)],
    ['started', text(dateTime(summary.startedAt))],
    ['finished', text(dateTime(summary.finishedAt))],
    ['duration', Number.isFinite(durationSeconds) ? text(seconds(durationSeconds)) : '<span class="muted">unknown</span>'],
    ['seed', summary.seed === undefined ? '<span class="muted">none</span>' : `<span title="scs-chaos run --seed ${attr(summary.seed)} repeats the run's random choices">${text(summary.seed)}</span>`],
    ['resilience score', summary.resilienceScore === null ? '<span class="muted">n/a (nothing scored)</span>' : text(percent(summary.resilienceScore))],
    ['exit code', `${text(summary.exitCode)} <span class="muted">${text(EXIT_CODE_MEANINGS[summary.exitCode] ?? 'unknown exit code')}</span>`],
    ['gate', gateHtml(summary)],
  ];
  const counts = VERDICTS.map((verdict) => {
    const n = summary.counts[verdict] ?? 0;
    return `<li class="${n === 0 ? 'zero' : ''}"><span class="verdict ${attr(verdict)}">${text(verdict)}</span>${n}</li>`;
  });
  const parts = [
    `<h1><span class="product">scs-chaos run</span> <span class="mono">${text(summary.runId)}</span></h1>`,
    `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${text(term)}</dt><dd>${value}</dd></div>`).join('')}</dl>`,
    `<ul class="counts" aria-label="scenarios by verdict"><li><strong>${text(plural(summary.scenarios.length, 'scenario'))}</strong></li>${counts.join('')}</ul>`,
  ];
  if (baseline) {
    parts.push(
      `<p class="note">Recovery times are compared with baseline run <span class="mono">${text(baseline.runId)}</span> ` +
        `(${text(dateTime(baseline.startedAt))}, environment ${text(baseline.environment)}). ` +
        'Red: slower than the baseline; green: faster; grey: within 0.05 s.</p>',
    );
  }
  const gate = gateOf(summary);
  if (gate && gate.lines.length > 0) {
    parts.push(`<div class="note"><strong>gate</strong><ul>${gate.lines.map((line) => `<li>${text(line)}</li>`).join('')}</ul></div>`);
  }
  return `<header>${parts.join('\n')}</header>`;
}

function gateHtml(summary: RunSummary): string {
  const gate = gateOf(summary);
  if (!gate) return '<span class="muted">not gated</span>';
  const policy = ` <span class="muted">(${text(gate.policy)})</span>`;
  return `<span class="gate ${gate.passed ? 'passed' : 'failed'}">${gate.passed ? 'passed' : 'failed'}</span>${policy}`;
}

function scenariosTable(
  summary: RunSummary,
  compared: boolean,
  baselineFor: (scenario: ScenarioSummary) => ScenarioSummary | undefined,
): string {
  if (summary.scenarios.length === 0) return '<p class="muted">no scenarios ran</p>';
  const rows = summary.scenarios.map((scenario) => {
    const expected = scenario.expectedVerdict
      ? `<span class="verdict ${attr(scenario.expectedVerdict)}">${text(scenario.expectedVerdict)}</span>`
      : '<span class="muted" title="no @expect-… tag">passed</span>';
    return (
      '<tr>' +
      `<td><a href="#${attr(scenarioAnchor(scenario))}">${text(scenario.name)}</a></td>` +
      // <wbr> after each slash: a long path breaks between its folders, not inside a name.
      `<td class="mono">${text(`${scenario.feature}:${scenario.line}`).replace(/\//g, '/<wbr>')}</td>` +
      `<td>${tagList(scenario.tags)}</td>` +
      `<td>${verdictBadge(scenario)}${expectationNote(scenario)}</td>` +
      `<td>${expected}</td>` +
      `<td class="reason">${scenario.reason ? text(scenario.reason) : '<span class="muted">—</span>'}</td>` +
      `<td>${recoveryList(scenario.recovery, { compared, baselineScenario: baselineFor(scenario) })}</td>` +
      '</tr>'
    );
  });
  return (
    '<table class="scenarios">' +
    '<colgroup><col class="c-name"><col class="c-where"><col class="c-tags"><col class="c-verdict"><col class="c-expected"><col class="c-reason"><col class="c-recovery"></colgroup>' +
    '<thead><tr><th>scenario</th><th>feature:line</th><th>tags</th><th>verdict</th><th>expected</th><th>reason</th><th>recovery per probe</th></tr></thead>' +
    `<tbody>${rows.join('\n')}</tbody></table>`
  );
}
