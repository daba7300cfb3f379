/**
 * The recovery results of one scenario, per probe: time to detect, recovery time, bound, met, and, when a
 * baseline run is given, the change of the recovery time against it. A compact list for the scenarios table
 * (a nested table does not fit its column), a table for each scenario's section.
 */
import type { RecoveryResult, ScenarioSummary } from '../../model/summary';
import { formatDelta, recoveryDelta, type RecoveryDelta } from './baseline';
import { text } from './escape';
import { seconds } from './format';

export interface RecoveryOptions {
  /** Compare with this scenario of the baseline run; `compared` says whether a baseline run was given at all. */
  compared: boolean;
  baselineScenario: ScenarioSummary | undefined;
}

/** recoveryTable: the table, or a muted "no recovery measured" when the scenario has no recovery results. */
export function recoveryTable(recovery: readonly RecoveryResult[], options: RecoveryOptions): string {
  if (recovery.length === 0) return NONE;
  const head = [
    '<th>probe</th>',
    '<th class="num">detect</th>',
    '<th class="num">recover</th>',
    '<th class="num">bound</th>',
    '<th>met</th>',
    '<th>from</th>',
    options.compared ? '<th class="num">vs baseline</th>' : '',
  ].join('');
  const rows = recovery.map((r) => {
    const cells = [
      `<td class="mono">${text(r.probe)}</td>`,
      `<td class="num">${detectHtml(r)}</td>`,
      `<td class="num">${recoverHtml(r)}</td>`,
      `<td class="num">${seconds(r.boundSeconds)}</td>`,
      `<td>${metHtml(r)}</td>`,
      `<td>${text(r.from)}</td>`,
      options.compared ? `<td class="num">${deltaHtml(recoveryDelta(r, options.baselineScenario))}</td>` : '',
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="recovery"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** recoveryList: one block per probe, "probe / detect 0.04 s · recover 1.20 s · bound 5 s ✓ met / +0.3 s (+25 %)". */
export function recoveryList(recovery: readonly RecoveryResult[], options: RecoveryOptions): string {
  if (recovery.length === 0) return NONE;
  const items = recovery.map((r) => {
    const delta = options.compared ? `<br>vs baseline ${deltaHtml(recoveryDelta(r, options.baselineScenario))}` : '';
    return (
      `<li><span class="mono">${text(r.probe)}</span> ${metHtml(r)}<br>` +
      `<span class="figures">detect ${detectHtml(r)} · recover ${recoverHtml(r)} · bound ${seconds(r.boundSeconds)}</span>${delta}</li>`
    );
  });
  return `<ul class="recovery">${items.join('')}</ul>`;
}

const NONE = '<span class="muted">no recovery measured</span>';

function detectHtml(r: RecoveryResult): string {
  return r.detectSeconds === null ? '<span class="muted" title="no SLO breach was seen">none</span>' : seconds(r.detectSeconds);
}

function recoverHtml(r: RecoveryResult): string {
  return r.recoverSeconds === null ? '<span class="missed">did not stabilize</span>' : seconds(r.recoverSeconds);
}

function metHtml(r: RecoveryResult): string {
  return r.met ? '<span class="met">✓ met</span>' : '<span class="missed">✗ missed</span>';
}

/** deltaHtml: a RecoveryDelta as coloured text: red when recovery got slower, green when faster. */
export function deltaHtml(delta: RecoveryDelta): string {
  switch (delta.kind) {
    case 'change':
      return `<span class="delta ${delta.trend}" title="${delta.trend} than the baseline run">${text(formatDelta(delta.seconds, delta.percent))}</span>`;
    case 'no-longer-recovers':
      return `<span class="delta slower">did not stabilize (baseline ${text(seconds(delta.baselineSeconds))})</span>`;
    case 'now-recovers':
      return '<span class="delta faster">baseline did not stabilize</span>';
    case 'never-recovered':
      return '<span class="delta unchanged">neither stabilized</span>';
    case 'no-baseline':
      return '<span class="muted">no baseline</span>';
  }
}
