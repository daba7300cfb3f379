/**
 * matchSteps: which step definition every step of the selected scenarios matches, with its arguments — Cucumber
 * run as a dry run (no hook and no step is executed, so no node or cluster is asked anything). What `k8s rbac`
 * derives permissions from: unlike the plan pass, whose Kubernetes steps read the cluster to resolve their targets,
 * this works before the cluster can be reached and before the identity that would read it has any rights.
 * Parse errors and undefined or ambiguous steps are the same problems the plan pass reports.
 */
import { runCucumber } from '@cucumber/cucumber/api';
import type * as messages from '@cucumber/messages';
import { discard, RunOptions, selectedRun } from '../run';
import { CucumberProblems } from '../cucumber-problems';
import type { MatchedStep } from '../../kinds/kubernetes/rbac/derive';

export interface MatchResult {
  matches: MatchedStep[];
  problems: string[];
  scenarioCount: number;
}

/** lineIndex: the line of every scenario, Examples row and step of a document, by AST node id. */
function indexLines(document: messages.GherkinDocument, lines: Map<string, { line: number; keyword?: string }>): void {
  const visit = (children: readonly (messages.FeatureChild | messages.RuleChild)[]): void => {
    for (const child of children) {
      if ('rule' in child && child.rule) visit(child.rule.children);
      const steps = [...(child.background?.steps ?? []), ...(child.scenario?.steps ?? [])];
      for (const step of steps) lines.set(step.id, { line: step.location.line, keyword: step.keyword.trim() });
      if (!child.scenario) continue;
      lines.set(child.scenario.id, { line: child.scenario.location.line });
      for (const row of child.scenario.examples.flatMap((examples) => examples.tableBody)) lines.set(row.id, { line: row.location.line });
    }
  };
  visit(document.feature?.children ?? []);
}

export async function matchSteps(options: Pick<RunOptions, 'profile' | 'paths' | 'tags' | 'name'>): Promise<MatchResult> {
  const cwd = process.cwd();
  const { runConfiguration, support } = await selectedRun(options);
  const collector = new CucumberProblems();
  const lines = new Map<string, { line: number; keyword?: string }>();
  const pickles = new Map<string, messages.Pickle>();
  const definitions = new Map<string, messages.StepDefinition>();
  const testCases: messages.TestCase[] = [];
  await runCucumber({ ...runConfiguration, runtime: { ...runConfiguration.runtime, dryRun: true }, support }, { cwd, stdout: discard, stderr: discard }, (envelope) => {
    collector.onMessage(envelope);
    if (envelope.gherkinDocument) indexLines(envelope.gherkinDocument, lines);
    if (envelope.pickle) pickles.set(envelope.pickle.id, envelope.pickle);
    if (envelope.stepDefinition) definitions.set(envelope.stepDefinition.id, envelope.stepDefinition);
    if (envelope.testCase) testCases.push(envelope.testCase);
  });
  const matches: MatchedStep[] = [];
  for (const testCase of testCases) {
    const pickle = pickles.get(testCase.pickleId);
    if (!pickle) continue;
    const line = lines.get(pickle.astNodeIds[pickle.astNodeIds.length - 1] ?? '')?.line ?? 0;
    const scenario = { id: `${pickle.uri}:${line}`, name: pickle.name };
    for (const testStep of testCase.testSteps) {
      const definition = definitions.get(testStep.stepDefinitionIds?.[0] ?? '');
      const pickleStep = pickle.steps.find((s) => s.id === testStep.pickleStepId);
      if (!definition || !pickleStep || testStep.stepDefinitionIds?.length !== 1) continue;
      const keyword = lines.get(pickleStep.astNodeIds[0] ?? '')?.keyword;
      const args = (testStep.stepMatchArgumentsLists?.[0]?.stepMatchArguments ?? []).map((a) => a.group.value);
      matches.push({ scenario, text: keyword ? `${keyword} ${pickleStep.text}` : pickleStep.text, pattern: definition.pattern.source, definedIn: definition.sourceReference.uri ?? '?', args });
    }
  }
  const problems = collector.problems.map((p) => `${p.uri}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  return { matches, problems, scenarioCount: testCases.length };
}
