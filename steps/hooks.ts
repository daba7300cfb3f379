/**
 * Hooks: one Experiment per scenario; After always runs finish(), which reverts every fault on every path
 * (pass, failed assertion, thrown error, interruption) before the verdict is recorded.
 */
import { After, AfterStep, Before } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { Experiment, ScenarioMeta } from '../src/core/experiment';
import { getRunContext } from '../src/core/run-context';
import { markAllureScenario } from '../src/report/allure/scenario-key';
import type { ChaosWorld } from './world';

Before({ name: 'start the experiment' }, async function (this: ChaosWorld, { pickle, gherkinDocument }) {
  const ctx = getRunContext();
  if (ctx.interruption.signal.aborted) return 'skipped';
  const meta = scenarioMeta(pickle, gherkinDocument);
  this.experiment = new Experiment(ctx, meta);
  if (ctx.mode === 'execute') {
    ctx.log(`\n▶ ${meta.name}  (${meta.id})`);
    ctx.progress?.scenarioStarted(ctx.scenarios.length + 1);
    // The key by which the run's end finds this scenario's Allure result (src/report/allure/scenario-key.ts).
    await markAllureScenario(this, meta.id);
  } else ctx.plannedScenarios.push(meta);
  return undefined;
});

// Cucumber's After hook only sees the LAST step's error (undefined after a failed step is followed by
// skipped ones), so the first failing step's error object is kept here: its type decides the verdict.
AfterStep(function (this: ChaosWorld, { error }) {
  if (error && this.firstError === undefined) this.firstError = error;
});

After({ name: 'finish the experiment: revert every fault, judge the verdict' }, async function (this: ChaosWorld, { result }) {
  if (!this.experiment) return;
  const ctx = getRunContext();
  const ending = this.firstError ?? (result?.status === 'FAILED' ? new Error(result.message ?? 'a step failed') : undefined);
  const summary = await this.experiment.finish(ending);
  if (summary) {
    ctx.scenarios.push(summary);
    ctx.progress?.scenarioFinished();
    ctx.log(`■ ${summary.verdict.toUpperCase()}${summary.asExpected ? '' : ' (not as expected)'}: ${summary.name}${summary.reason ? `\n  ${summary.reason}` : ''}`);
  }
});

function scenarioMeta(pickle: messages.Pickle, document: messages.GherkinDocument): ScenarioMeta {
  const line = scenarioLine(pickle, document);
  return {
    id: `${pickle.uri}:${line}`,
    name: pickle.name,
    feature: pickle.uri,
    line,
    tags: pickle.tags.map((tag) => tag.name),
  };
}

/** The line of the scenario (or of its Examples row) that a pickle came from. */
function scenarioLine(pickle: messages.Pickle, document: messages.GherkinDocument): number {
  const lines = new Map<string, number>();
  const visit = (children: readonly messages.FeatureChild[] | readonly messages.RuleChild[]): void => {
    for (const child of children) {
      if ('rule' in child && child.rule) visit(child.rule.children);
      const scenario = child.scenario;
      if (!scenario) continue;
      lines.set(scenario.id, scenario.location.line);
      for (const examples of scenario.examples) for (const row of examples.tableBody) lines.set(row.id, row.location.line);
    }
  };
  visit(document.feature?.children ?? []);
  const ids = [...pickle.astNodeIds].reverse(); // an Examples row id, when present, comes last
  for (const id of ids) {
    const line = lines.get(id);
    if (line !== undefined) return line;
  }
  return 0;
}
