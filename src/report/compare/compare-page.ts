/**
 * renderComparePage: the Comparison (comparison.ts) as one self-contained HTML page, in the run page's style
 * (page-style.ts; opens from file://, loads nothing, no script): the runs side by side — environment, run, score,
 * verdict counts, exit code, gate — and one row per scenario with one column per run (verdict, recovery per probe).
 * What differs is highlighted: the row, the differing cells, a score that is not the same everywhere.
 */
import { EXIT_CODE_MEANINGS } from '../console-summary';
import { VERDICTS } from '../../model/summary';
import { attr, text } from '../html/escape';
import { dateTime, percent, plural } from '../html/format';
import { pageHead } from '../html/page-style';
import { recoveryList } from '../html/recovery-table';
import type { ComparedCell, ComparedRun, ComparedScenario, Comparison } from './comparison';

const COMPARE_STYLE = `
.differs { background: #fff8c5; }
tr.differs > td:first-child { box-shadow: inset 4px 0 0 #d4a72c; }
.difference { display: inline-block; font-size: 12px; color: #7d4e00; background: #fff8c5; border: 1px solid #d4a72c;
  border-radius: 10px; padding: 0 6px; margin: 3px 3px 0 0; }
table.compare { table-layout: fixed; }
table.compare.runs th, table.scenarios-side-by-side th:first-child { width: 26%; }
table.compare td.cell .reason { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
`;

/** runHref: the link from the page to a run's own page; `relativeDir` is the run directory seen from the page. */
export interface ComparePageOptions {
  relativeDir?: (run: ComparedRun) => string;
}

export function renderComparePage(comparison: Comparison, options: ComparePageOptions = {}): string {
  const differing = comparison.scenarios.filter((s) => s.differences.length > 0).length;
  const environments = comparison.runs.map((r) => r.environment).join(' · ');
  return [
    ...pageHead(`scs-chaos comparison: ${text(environments)}`, COMPARE_STYLE),
    '<main>',
    `<h1><span class="product">scs-chaos comparison</span> ${text(environments)}</h1>`,
    `<p class="note">${text(plural(comparison.runs.length, 'run'))}, ${text(plural(comparison.scenarios.length, 'scenario'))}; ` +
      `<strong>${text(differing)}</strong> ${differing === 1 ? 'differs' : 'differ'} between the runs (highlighted). Recovery times count as different ` +
      `when they are more than ${text(comparison.recoveryTolerance.percent)} % and ${text(comparison.recoveryTolerance.seconds)} s apart, ` +
      'or when one run recovered and another did not.</p>',
    '<h2 id="runs">Runs</h2>',
    runsTable(comparison, options),
    '<h2 id="scenarios">Scenarios</h2>',
    scenariosTable(comparison),
    `<footer>scs-chaos · comparison generated ${text(dateTime(comparison.generatedAt))} · <a href="compare.json">compare.json</a></footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runsTable(comparison: Comparison, options: ComparePageOptions): string {
  const { runs } = comparison;
  const row = (label: string, cell: (run: ComparedRun) => string, differs = false): string =>
    `<tr class="${differs ? 'differs' : ''}"><th>${text(label)}</th>${runs.map((run) => `<td class="${differs ? 'differs' : ''}">${cell(run)}</td>`).join('')}</tr>`;
  const rows = [
    row('environment', (r) => `<strong>${text(r.environment)}</strong>`),
    row('run', (r) => `<a class="mono" href="${attr(`${options.relativeDir?.(r) ?? r.dir}/index.html`)}">${text(r.runId)}</a>`),
    row('started', (r) => text(dateTime(r.startedAt))),
    row('resilience score', (r) => (r.resilienceScore === null ? '<span class="muted">n/a</span>' : `<strong>${text(percent(r.resilienceScore))}</strong>`), comparison.scoresDiffer),
    row('verdicts', (r) => VERDICTS.filter((v) => (r.counts[v] ?? 0) > 0).map((v) => `<span class="verdict ${attr(v)}">${text(v)}</span> ${text(r.counts[v])}`).join(' ') || '<span class="muted">none</span>'),
    row('exit code', (r) => `${text(r.exitCode)} <span class="muted">${text(EXIT_CODE_MEANINGS[r.exitCode] ?? 'unknown exit code')}</span>`),
    row('gate', (r) => (r.gatePassed === undefined ? '<span class="muted">not gated</span>' : `<span class="gate ${r.gatePassed ? 'passed' : 'failed'}">${r.gatePassed ? 'passed' : 'failed'}</span>`)),
  ];
  return `<table class="compare runs"><tbody>${rows.join('\n')}</tbody></table>`;
}

function scenariosTable(comparison: Comparison): string {
  if (comparison.scenarios.length === 0) return '<p class="muted">no scenarios ran</p>';
  const head = `<th>scenario</th>${comparison.runs.map((r) => `<th class="run">${text(r.environment)}<br><span class="muted mono">${text(r.runId)}</span></th>`).join('')}`;
  const rows = comparison.scenarios.map((scenario) => scenarioRow(scenario));
  return `<table class="compare scenarios-side-by-side"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function scenarioRow(scenario: ComparedScenario): string {
  const differs = scenario.differences.length > 0;
  const notes = scenario.differences.map((d) => `<span class="difference">${text(d)}</span>`).join('');
  const first = `<td>${text(scenario.name)}<br><code>${text(scenario.id)}</code>${notes ? `<br>${notes}` : ''}</td>`;
  const cells = scenario.cells.map((cell) => `<td class="cell ${differs && cellDiffers(cell, scenario) ? 'differs' : ''}">${cellHtml(cell)}</td>`);
  return `<tr class="${differs ? 'differs' : ''}">${first}${cells.join('')}</tr>`;
}

/** A cell is highlighted when its row differs and it is missing or not like the first cell present. */
function cellDiffers(cell: ComparedCell | null, scenario: ComparedScenario): boolean {
  if (!cell) return true;
  const reference = scenario.cells.find((c): c is ComparedCell => c !== null);
  if (!reference || reference === cell) return scenario.differences.some((d) => d.startsWith('recovery'));
  return reference.verdict !== cell.verdict || reference.asExpected !== cell.asExpected || scenario.differences.some((d) => d.startsWith('recovery'));
}

function cellHtml(cell: ComparedCell | null): string {
  if (!cell) return '<span class="muted">not in this run</span>';
  const expectation = cell.asExpected ? '' : '<span class="expectation unexpected">not as expected</span>';
  const reason = cell.reason ? `<div class="reason">${text(cell.reason)}</div>` : '';
  return `<span class="verdict ${attr(cell.verdict)}">${text(cell.verdict)}</span>${expectation}${recoveryList(cell.recovery, { compared: false, baselineScenario: undefined })}${reason}`;
}
