/**
 * verdictMarkdown: the part of a scenario's Allure description that scs-chaos writes — the verdict and the
 * numbers behind it (SLO results per phase, recovery), so a reader sees why without opening attachments.
 * Allure renders the description as Markdown. The section starts with VERDICT_HEADING, which is how a
 * second enrichment finds and replaces it.
 */
import type { ScenarioSummary } from '../../model/summary';
import { allureStatusMessage } from './status';
import { remediationText } from '../alerts';

export const VERDICT_HEADING = '#### scs-chaos verdict';

export function withVerdictSection(description: string | undefined, scenario: ScenarioSummary): string {
  const own = (description ?? '').split(VERDICT_HEADING)[0]?.trimEnd() ?? '';
  return `${own ? `${own}\n\n` : ''}${verdictMarkdown(scenario)}`;
}

export function verdictMarkdown(scenario: ScenarioSummary): string {
  const lines = [VERDICT_HEADING, '', cell(allureStatusMessage(scenario)), ''];
  if (scenario.slos.length) {
    lines.push('| probe | SLO | phase | observed | met | samples |', '| --- | --- | --- | --- | --- | --- |');
    for (const slo of scenario.slos) {
      lines.push(`| ${cell(slo.probe)} | ${cell(slo.expression)} | ${slo.phase} | ${cell(slo.observedText)} | ${slo.met ? 'yes' : '**no**'} | ${slo.samples} |`);
    }
    lines.push('');
  }
  if (scenario.recovery.length) {
    lines.push('| probe | detect (s) | recover (s) | bound (s) | from | met |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of scenario.recovery) {
      lines.push(`| ${cell(r.probe)} | ${r.detectSeconds ?? '–'} | ${r.recoverSeconds ?? 'never'} | ${r.boundSeconds} | ${r.from} | ${r.met ? 'yes' : '**no**'} |`);
    }
    lines.push('');
  }
  if (scenario.alerts?.length) {
    lines.push('| alert | node | to alert (s) | to resolve (s) | remediation | met |', '| --- | --- | --- | --- | --- | --- |');
    for (const a of scenario.alerts) {
      const fired = a.falseAlarm ? `false alarm (${a.firedAt})` : String(a.alertSeconds ?? 'never');
      lines.push(`| ${cell(a.alert)} | ${cell(a.node ?? '–')} | ${cell(fired)} | ${a.resolveSeconds ?? '–'} | ${cell(remediationText(a) || '–')} | ${a.met ? 'yes' : '**no**'} |`);
    }
    lines.push('');
  }
  if (scenario.halt) {
    const h = scenario.halt;
    lines.push(`Halted: ${cell(h.expression)} on ${cell(h.probe)} crossed at ${h.crossedAt}; every fault reverted ${h.haltSeconds === null ? '(revert failed)' : `${h.haltSeconds} s later`}.`, '');
  }
  return lines.join('\n').trimEnd();
}

/** cell: text safe inside a Markdown table cell (no pipes, no line breaks). */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}
