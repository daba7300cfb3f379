/**
 * CucumberProblems: listens to Cucumber's messages and turns parse errors, undefined and ambiguous steps and
 * failed steps into problems that name the feature file and line — the plan pass reports these as bad input.
 */
import type * as messages from '@cucumber/messages';

export interface Problem {
  uri: string;
  line: number;
  message: string;
  /** A step failed with an error that is not BadInput: no input explains it, it is a bug. */
  internal?: boolean;
}

/**
 * The error types that are bugs when a step throws them at plan time: the language's own (a property of undefined,
 * a bad array length, an assertion). Anything else — BadInput, a node that did not answer, a command that failed
 * — is about the input or the environment: bad input, exit 2.
 */
const INTERNAL_TYPES = new Set(['TypeError', 'ReferenceError', 'RangeError', 'EvalError', 'URIError', 'AssertionError']);

export class CucumberProblems {
  readonly problems: Problem[] = [];
  private readonly astLines = new Map<string, { uri: string; line: number; text?: string }>();
  private readonly pickles = new Map<string, messages.Pickle>();
  private readonly testCases = new Map<string, messages.TestCase>();
  private readonly startedCases = new Map<string, string>();
  private readonly stepPatterns: string[] = [];

  readonly onMessage = (envelope: messages.Envelope): void => {
    if (envelope.gherkinDocument) this.indexDocument(envelope.gherkinDocument);
    if (envelope.pickle) this.pickles.set(envelope.pickle.id, envelope.pickle);
    if (envelope.stepDefinition) this.stepPatterns.push(envelope.stepDefinition.pattern.source);
    if (envelope.testCase) this.testCases.set(envelope.testCase.id, envelope.testCase);
    if (envelope.testCaseStarted) this.startedCases.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
    if (envelope.parseError) {
      const { source, message } = envelope.parseError;
      this.problems.push({ uri: source.uri ?? '?', line: source.location?.line ?? 0, message: describeParseError(message) });
    }
    if (envelope.undefinedParameterType) {
      const { name, expression } = envelope.undefinedParameterType;
      this.problems.push({ uri: 'steps/', line: 0, message: `step pattern "${expression}" uses the undefined parameter type {${name}}` });
    }
    if (envelope.testStepFinished) this.onStepFinished(envelope.testStepFinished);
  };

  private indexDocument(document: messages.GherkinDocument): void {
    const uri = document.uri ?? '?';
    const addSteps = (steps: readonly messages.Step[]): void => {
      for (const step of steps) this.astLines.set(step.id, { uri, line: step.location.line, text: `${step.keyword.trim()} ${step.text}` });
    };
    const visit = (children: readonly (messages.FeatureChild | messages.RuleChild)[]): void => {
      for (const child of children) {
        if ('rule' in child && child.rule) visit(child.rule.children);
        if (child.background) addSteps(child.background.steps);
        if (child.scenario) {
          this.astLines.set(child.scenario.id, { uri, line: child.scenario.location.line });
          addSteps(child.scenario.steps);
        }
      }
    };
    visit(document.feature?.children ?? []);
  }

  private onStepFinished(finished: messages.TestStepFinished): void {
    const status = finished.testStepResult.status;
    if (status !== 'UNDEFINED' && status !== 'AMBIGUOUS' && status !== 'FAILED') return;
    const testCase = this.testCases.get(this.startedCases.get(finished.testCaseStartedId) ?? '');
    const pickle = this.pickles.get(testCase?.pickleId ?? '');
    const testStep = testCase?.testSteps.find((s) => s.id === finished.testStepId);
    const pickleStep = pickle?.steps.find((s) => s.id === testStep?.pickleStepId);
    const where =
      this.astLines.get(pickleStep?.astNodeIds[0] ?? '') ??
      this.astLines.get(pickle?.astNodeIds[0] ?? '') ?? { uri: pickle?.uri ?? '?', line: 0 };
    const stepText = pickleStep ? `"${where.text ?? pickleStep.text}"` : 'a hook';
    if (status === 'UNDEFINED') {
      const suggestions = closestPatterns(pickleStep?.text ?? '', this.stepPatterns);
      this.problems.push({
        ...where,
        message:
          `no step matches ${stepText}` +
          (suggestions.length
            ? `\n  fix: write it like one of:\n${suggestions.map((s) => `    ${s}`).join('\n')}`
            : '\n  fix: write one of the steps listed under "Steps available" in README.md'),
      });
    } else if (status === 'AMBIGUOUS') {
      this.problems.push({ ...where, message: `${stepText} matches more than one step definition\n  fix: make it more specific (README.md lists the steps)` });
    } else {
      const result = finished.testStepResult;
      const text = result.exception?.message ?? result.message ?? 'failed';
      const type = result.exception?.type;
      const internal = type !== undefined && INTERNAL_TYPES.has(type);
      const fix = /\n\s*fix: /.test(text) ? '' : '\n  fix: the environment answered this step unexpectedly while planning: check that its nodes and services are reachable (plan touches nothing)';
      this.problems.push({ ...where, message: internal ? `${stepText}: ${type}: ${result.exception?.stackTrace ?? text}` : `${stepText}: ${text}${fix}`, ...(internal ? { internal } : {}) });
    }
  }
}

/** What Gherkin's parser tokens mean, in the words of a feature file. */
const TOKEN_WORDS: Record<string, string> = {
  '#StepLine': 'a step (Given/When/Then/And/But …)',
  '#ScenarioLine': 'Scenario: (or Scenario Outline:)',
  '#ExamplesLine': 'Examples:',
  '#RuleLine': 'Rule:',
  '#FeatureLine': 'Feature:',
  '#BackgroundLine': 'Background:',
  '#TagLine': 'a tag line (@name)',
  '#TableRow': 'a table row (| a | b |)',
  '#DocStringSeparator': 'a doc string (""")',
  '#Comment': 'a comment (# …)',
  '#Language': 'a language line (# language: en)',
  '#Other': 'free text (a description)',
};

/**
 * describeParseError: Gherkin's "(4:4): expected: #EOF, #StepLine, …, got 'text'" as a person reads it: what
 * line could not be read and what may stand there instead, as the fix line.
 */
export function describeParseError(message: string): string {
  const body = message.replace(/^\(\d+:\d+\):\s*/, '');
  const expected = /expected:\s*([^,]*(?:,\s*#\w+)*)\s*,\s*got\s*'(.*)'\s*$/s.exec(body);
  if (!expected?.[1]) return `cannot parse the feature file: ${body}\n  fix: check the Gherkin syntax of this line (Feature:, Scenario:, Given/When/Then steps, tags, tables)`;
  const got = expected[2] ?? '';
  const tokens = expected[1].split(',').map((token) => token.trim()).filter((token) => token !== '#EOF' && token !== '#Empty');
  const words = [...new Set(tokens.map((token) => TOKEN_WORDS[token] ?? token))];
  return (
    `cannot parse the feature file: "${got.trim()}" cannot stand here` +
    `\n  fix: write ${words.join(', ')} on this line; free text belongs in a description right under Feature:/Scenario:, or after # as a comment`
  );
}

/** closestPatterns: the step patterns sharing the most words with the text, best first (at most three). */
export function closestPatterns(text: string, patterns: readonly string[]): string[] {
  const words = new Set(text.toLowerCase().split(/\W+/).filter((w) => w.length > 2));
  return patterns
    .map((pattern) => ({ pattern, score: pattern.toLowerCase().split(/\W+/).filter((w) => words.has(w)).length }))
    .filter((p) => p.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((p) => p.pattern);
}
