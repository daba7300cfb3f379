/**
 * The human summary printed at the end of a run: one block per scenario (verdict, name, id, faults, SLOs per
 * phase, recovery), then counts, score and what the exit code means. Plain text for CI logs; lines stay within
 * 100 characters where the content allows. Built from RunSummary only, like every report.
 */
import { formatDuration } from '../kernel/duration';
import type {
  FaultRecord,
  Phase,
  RecoveryResult,
  RunSummary,
  ScenarioSummary,
  SloResult,
  Verdict,
} from '../model/summary';
import { VERDICTS } from '../model/summary';
import { alertLines } from './alerts';

/** ConsoleSummaryOptions: `color` adds ANSI colours (only for a terminal; CI logs read better without). */
export interface ConsoleSummaryOptions {
  color?: boolean;
}

/** EXIT_CODE_MEANINGS: what each exit code of `scs-chaos run` means (DESIGN.md section 10). */
export const EXIT_CODE_MEANINGS: Readonly<Record<number, string>> = {
  0: 'every scenario passed or ended as expected',
  1: 'a hypothesis was refuted: an SLO was missed',
  2: 'bad input or configuration: nothing was touched',
  3: 'compromised: an injection, measurement or revert failed',
  4: 'aborted by a safety halt; faults were reverted',
};

const WIDTH = 100;
const LABEL_WIDTH = 10;
const PHASES: readonly (Phase | 'run')[] = ['before', 'during', 'after', 'run'];
const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', magenta: '\x1b[35m', bold: '\x1b[1m', reset: '\x1b[0m' };
const VERDICT_COLOR: Record<Verdict, string> = {
  passed: ANSI.green,
  failed: ANSI.red,
  'not-steady': ANSI.yellow,
  aborted: ANSI.magenta,
  compromised: ANSI.magenta,
};

/** formatConsoleSummary: the end-of-run summary as text, ending with a newline. */
export function formatConsoleSummary(summary: RunSummary, options: ConsoleSummaryOptions = {}): string {
  const paint = painter(options.color === true);
  const lines: string[] = [];
  lines.push(printable(`scs-chaos run ${summary.runId} · environment ${summary.environment}`));
  lines.push(printable(`${summary.startedAt} → ${summary.finishedAt}`));
  for (const scenario of summary.scenarios) {
    lines.push('', ...scenarioBlock(scenario, paint));
  }
  if (summary.scenarios.length === 0) lines.push('', 'no scenarios ran');
  lines.push('', ...totals(summary, paint));
  return `${lines.join('\n')}\n`;
}

/** verdictHeadline: "FAILED", or "FAILED as expected (@expect-failed)" for a scenario that ended as expected. */
export function verdictHeadline(scenario: ScenarioSummary): string {
  const label = scenario.verdict.toUpperCase();
  if (scenario.verdict === 'passed' || !scenario.asExpected) return label;
  return `${label} as expected (${expectTag(scenario)})`;
}

/** expectTag: the scenario's @expect-… tag, or the one its expected verdict implies. */
export function expectTag(scenario: ScenarioSummary): string {
  const expected = scenario.expectedVerdict ?? scenario.verdict;
  return scenario.tags.find((tag) => tag === `@expect-${expected}`) ?? `@expect-${expected}`;
}

/**
 * scenarioEvidence: the scenario's faults, SLO results (by phase) and recovery as plain, labelled lines; shared
 * with the JUnit report so both tell the same story.
 */
export function scenarioEvidence(scenario: ScenarioSummary): string[] {
  return evidenceLines(scenario, painter(false));
}

function scenarioBlock(scenario: ScenarioSummary, paint: Painter): string[] {
  const color = VERDICT_COLOR[scenario.verdict];
  const headline = paint(`${ANSI.bold}${color}`, verdictHeadline(scenario));
  const lines = [`${headline}  ${printable(scenario.name)}`];
  lines.push(labelled('id', `${printable(scenario.id)} (${formatDuration(scenario.durationSeconds * 1000)})`));
  if (scenario.reason) lines.push(...wrap(printable(scenario.reason, true), 'reason'));
  if (scenario.verdict === 'passed' && scenario.expectedVerdict && scenario.expectedVerdict !== 'passed') {
    lines.push(labelled('note', `passed although ${expectTag(scenario)} expected it to end ${scenario.expectedVerdict}`));
  }
  lines.push(...evidenceLines(scenario, paint));
  return lines;
}

function evidenceLines(scenario: ScenarioSummary, paint: Painter): string[] {
  const lines: string[] = [];
  for (const fault of scenario.faults) lines.push(labelled('fault', faultText(fault)));
  const slos = [...scenario.slos].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  const subjectWidth = Math.min(44, Math.max(0, ...slos.map((slo) => sloSubject(slo).length)));
  for (const slo of slos) lines.push(labelled(slo.phase, sloText(slo, subjectWidth, paint)));
  for (const recovery of scenario.recovery) lines.push(labelled('recovery', recoveryText(recovery, paint)));
  for (const line of alertLines(scenario)) lines.push(labelled('alert', printable(line)));
  if (scenario.halt) {
    const halt = scenario.halt;
    const speed = halt.haltSeconds === null ? 'faults NOT all reverted' : `faults reverted ${seconds(halt.haltSeconds)} after detection`;
    lines.push(labelled('halt', printable(`${halt.probe} ${halt.expression} over ${seconds(halt.windowSeconds)} crossed; ${speed}`)));
  }
  return lines;
}

function faultText(fault: FaultRecord): string {
  const observed = fault.observedAt ? 'observed' : 'not observed';
  let undo: string;
  if (fault.revertError) undo = `REVERT FAILED: ${fault.revertError}`;
  else if (!fault.reversible) undo = 'one-shot, nothing to revert';
  else undo = fault.revertedAt ? 'reverted' : 'not reverted';
  return printable(`${fault.kind} on ${fault.target}: ${observed}, ${undo}`);
}

function sloSubject(slo: SloResult): string {
  // A PromQL SLO's expression already names its query; its probe name would only repeat it.
  return printable(slo.probe.startsWith('promql:') ? slo.expression : `${slo.probe}  ${slo.expression}`);
}

function sloText(slo: SloResult, subjectWidth: number, paint: Painter): string {
  const mark = slo.met ? paint(ANSI.green, '✓') : paint(ANSI.red, '✗');
  const shown = printable(slo.observedText);
  const observed = slo.observed === null ? shown : `observed ${shown} (${plural(slo.samples, 'sample')})`;
  const baseline = slo.baseline ? `, baseline ${printable(slo.baseline.observedText)}` : '';
  return `${mark} ${sloSubject(slo).padEnd(subjectWidth)}  ${observed}${baseline}`;
}

function recoveryText(recovery: RecoveryResult, paint: Painter): string {
  const detect = recovery.detectSeconds === null ? 'no breach seen' : `detect ${seconds(recovery.detectSeconds)}`;
  const recover =
    recovery.recoverSeconds === null ? 'did not stabilize' : `recover ${seconds(recovery.recoverSeconds)}`;
  const mark = recovery.met ? paint(ANSI.green, '✓') : paint(ANSI.red, '✗');
  return `${mark} ${printable(recovery.probe)}: ${detect}, ${recover} (bound ${seconds(recovery.boundSeconds)}, from ${recovery.from})`;
}

function totals(summary: RunSummary, paint: Painter): string[] {
  const asExpected = summary.scenarios.filter((s) => s.verdict !== 'passed' && s.asExpected).length;
  const counts = VERDICTS.map((verdict) => {
    const text = `${summary.counts[verdict] ?? 0} ${verdict}`;
    return (summary.counts[verdict] ?? 0) > 0 ? paint(VERDICT_COLOR[verdict], text) : text;
  }).join(', ');
  const lines = [`${plural(summary.scenarios.length, 'scenario')}: ${counts}`];
  if (asExpected > 0) lines.push(`${asExpected} of them ended as expected by an @expect-… tag`);
  const score = summary.resilienceScore;
  lines.push(`resilience score: ${score === null ? 'n/a (nothing scored)' : `${Math.round(score * 1000) / 10}%`}`);
  const meaning = EXIT_CODE_MEANINGS[summary.exitCode] ?? 'unknown exit code';
  lines.push(`exit code ${summary.exitCode}: ${meaning}`);
  return lines;
}

/**
 * `text` with control characters shown as "\u001b" (newlines too, unless `keepNewlines`): a reason quoting a
 * command's coloured output must not recolour or garble the CI log.
 */
function printable(text: string, keepNewlines = false): string {
  const lines = keepNewlines ? text.replace(/\r\n/g, '\n') : text;
  // eslint-disable-next-line no-control-regex -- finding control characters is this function's job
  return lines.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
    (keepNewlines && c === '\n') || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function seconds(value: number): string {
  return formatDuration(value * 1000);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "  label     text" with the label column padded, as every detail line of a block. */
function labelled(label: string, text: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${text}`;
}

/** Labelled lines of `text` wrapped at word boundaries to WIDTH, continuation lines indented under the text. */
function wrap(text: string, label: string): string[] {
  const room = WIDTH - 2 - LABEL_WIDTH;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line.length > 0 && line.length + 1 + word.length > room) {
        lines.push(line);
        line = word;
      } else {
        line = line.length > 0 ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines.map((line, i) => labelled(i === 0 ? label : '', line));
}

type Painter = (code: string, text: string) => string;

function painter(color: boolean): Painter {
  return color ? (code, text) => `${code}${text}${ANSI.reset}` : (_code, text) => text;
}
