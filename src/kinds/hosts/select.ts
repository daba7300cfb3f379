/** selectNodes: resolves a node selector with the run's seed, saying the choice so a run can be repeated. */
import type { ScenarioHandle } from '../../core/scenario-handle';
import { parseSelector, resolveSelector } from './selector';

export function selectNodes(scenario: ScenarioHandle, text: string): string[] {
  const selection = resolveSelector(scenario.env, parseSelector(text), scenario.seed);
  if (scenario.planning) scenario.plan(`select ${selection.description}`);
  else scenario.say(`selected ${selection.description}`);
  return selection.nodes.map((node) => node.name);
}
