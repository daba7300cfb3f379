/**
 * reports/<run-id>/junit.xml for CI (GitHub, GitLab, Jenkins, Zuul): one <testsuite> per feature file, one
 * <testcase> per scenario. A refuted hypothesis or an unsteady system is a <failure>; an experiment that broke
 * (compromised) or was halted (aborted) is an <error>, so CI tells "the cloud missed its SLO" from "the test
 * could not run". A scenario that ended as its @expect-… tag said passes and explains itself in <system-out>.
 */
import type { RunSummary, ScenarioSummary } from '../model/summary';
import { expectTag, scenarioEvidence } from './console-summary';

interface Outcome {
  /** Element for a scenario that did not end as expected; null when the test case passes. */
  element: 'failure' | 'error' | null;
  type: string;
  message: string;
  body: string;
  systemOut: string;
}

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  seconds: number;
}

/** toJunitXml: the run as a JUnit XML document (UTF-8), every text and attribute XML-escaped. */
export function toJunitXml(summary: RunSummary): string {
  const suites = groupByFeature(summary.scenarios);
  const suiteXml: string[] = [];
  const all: Totals = { tests: 0, failures: 0, errors: 0, seconds: 0 };
  for (const [feature, scenarios] of suites) {
    const cases = scenarios.map((scenario) => ({ scenario, outcome: outcomeOf(scenario) }));
    const totals = countTotals(cases.map((c) => ({ outcome: c.outcome, seconds: c.scenario.durationSeconds })));
    all.tests += totals.tests;
    all.failures += totals.failures;
    all.errors += totals.errors;
    all.seconds += totals.seconds;
    const names = caseNames(scenarios);
    suiteXml.push(
      `  <testsuite${attributes({
        name: feature,
        ...totalsAttributes(totals),
        timestamp: scenarios[0]?.startedAt ?? summary.startedAt,
      })}>`,
      '    <properties>',
      `      <property${attributes({ name: 'environment', value: summary.environment })}/>`,
      `      <property${attributes({ name: 'runId', value: summary.runId })}/>`,
      '    </properties>',
      ...cases.map((c, i) => testcase(c.scenario, names[i] as string, c.outcome)),
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `scs-chaos ${summary.runId}`, ...totalsAttributes(all), timestamp: summary.startedAt })}>`,
    ...suiteXml,
    '</testsuites>',
    '',
  ].join('\n');
}

/** escapeXml: `text` safe inside XML 1.0 text or (with `attribute`) a double-quoted attribute value. */
export function escapeXml(text: string, attribute = false): string {
  // Characters XML 1.0 forbids even as references (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF),
  // and the discouraged C1 controls, become visible "\u001b" text: an ANSI colour code in a reason must not make
  // the whole report unreadable to CI.
  const safe = text.replace(
    // eslint-disable-next-line no-control-regex -- finding forbidden control characters is the point
    /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const escaped = safe.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  if (!attribute) return escaped;
  // In attributes a parser turns raw tab and newline into spaces; references keep multi-line messages intact.
  return escaped.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function groupByFeature(scenarios: readonly ScenarioSummary[]): Map<string, ScenarioSummary[]> {
  const groups = new Map<string, ScenarioSummary[]>();
  for (const scenario of scenarios) {
    const group = groups.get(scenario.feature);
    if (group) group.push(scenario);
    else groups.set(scenario.feature, [scenario]);
  }
  return groups;
}

/** Test case names, made unique within a feature (outline examples share a name) by adding the line. */
function caseNames(scenarios: readonly ScenarioSummary[]): string[] {
  const count = new Map<string, number>();
  for (const s of scenarios) count.set(s.name, (count.get(s.name) ?? 0) + 1);
  return scenarios.map((s) => ((count.get(s.name) ?? 0) > 1 ? `${s.name} (line ${s.line})` : s.name));
}

function outcomeOf(scenario: ScenarioSummary): Outcome {
  const evidence = [...scenarioEvidence(scenario), ...evidenceRecord(scenario.evidence)].join('\n');
  const verdict = scenario.verdict;
  const reason = scenario.reason ?? `verdict ${verdict}`;
  if (verdict === 'passed') {
    const note =
      scenario.expectedVerdict && scenario.expectedVerdict !== 'passed'
        ? `passed although ${expectTag(scenario)} expected it to end ${scenario.expectedVerdict}\n`
        : '';
    return { element: null, type: verdict, message: '', body: '', systemOut: `${note}${evidence}` };
  }
  if (scenario.asExpected) {
    const systemOut = `${verdict} as expected (${expectTag(scenario)})\n${reason}\n${evidence}`;
    return { element: null, type: verdict, message: '', body: '', systemOut };
  }
  const element = verdict === 'failed' || verdict === 'not-steady' ? 'failure' : 'error';
  return { element, type: verdict, message: reason, body: `${reason}\n${evidence}`, systemOut: '' };
}

/** The free-form evidence of a scenario as "key: value" lines. */
function evidenceRecord(evidence: Record<string, unknown> | undefined): string[] {
  if (!evidence) return [];
  return Object.entries(evidence).map(([key, value]) => `  ${key}: ${stringify(value)}`);
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // cycles and BigInt: still show something rather than lose the report
  }
}

function testcase(scenario: ScenarioSummary, name: string, outcome: Outcome): string {
  const open = `    <testcase${attributes({
    classname: scenario.feature,
    name,
    time: seconds(scenario.durationSeconds),
    file: scenario.feature,
  })}`;
  const children: string[] = [];
  if (outcome.element) {
    children.push(
      `      <${outcome.element}${attributes({ message: outcome.message, type: outcome.type })}>` +
        `${escapeXml(outcome.body)}</${outcome.element}>`,
    );
  }
  if (outcome.systemOut.trim().length > 0) children.push(`      <system-out>${escapeXml(outcome.systemOut)}</system-out>`);
  if (children.length === 0) return `${open}/>`;
  return [`${open}>`, ...children, '    </testcase>'].join('\n');
}

function countTotals(cases: ReadonlyArray<{ outcome: Outcome; seconds: number }>): Totals {
  const totals: Totals = { tests: 0, failures: 0, errors: 0, seconds: 0 };
  for (const c of cases) {
    totals.tests += 1;
    if (c.outcome.element === 'failure') totals.failures += 1;
    if (c.outcome.element === 'error') totals.errors += 1;
    totals.seconds += Number.isFinite(c.seconds) ? c.seconds : 0;
  }
  return totals;
}

function totalsAttributes(totals: Totals): Record<string, string> {
  return {
    tests: String(totals.tests),
    failures: String(totals.failures),
    errors: String(totals.errors),
    skipped: '0', // every scenario that ran has a verdict; none is skipped
    time: seconds(totals.seconds),
  };
}

function seconds(value: number): string {
  return (Number.isFinite(value) ? value : 0).toFixed(3);
}

function attributes(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(value, true)}"`)
    .join('');
}
