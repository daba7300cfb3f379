/**
 * The key that ties an Allure result to its ScenarioSummary: a hidden label (Allure 3 hides labels whose name
 * starts with "_") holding the scenario id ("features/lab/kill-backend.feature:6"), set in the Before hook.
 *
 * Why a Before hook: allure-cucumberjs takes runtime metadata (labels, parameters) from steps and Before hooks
 * only — from an After hook it refuses them ("metadata messages isn't supported for after test fixtures"). The
 * verdict exists only after the After hook, so everything else is written after the run (enrich.ts), found by
 * this key; a Scenario Outline's rows share a name, so the name alone could not be the key.
 */
import type { RuntimeMetadataMessage } from 'allure-js-commons/dist/types/sdk/types';

export const SCENARIO_LABEL = '_scs-chaos-scenario';

/**
 * The media type by which allure-cucumberjs recognises a runtime message in a Cucumber attachment (it is
 * ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE of allure-js-commons/sdk/reporter, which TypeScript's "node" module
 * resolution cannot import; allure.test.ts checks that the two agree).
 */
export const ALLURE_RUNTIME_MESSAGE = 'application/vnd.allure.message+json';

/** The part of Cucumber's World this needs: its attach(). */
export interface Attaching {
  attach(data: string, mediaType: string): void | Promise<void>;
}

/** markAllureScenario: called from the Before hook of an executing scenario. Without the Allure formatter the attachment is inert. */
export async function markAllureScenario(world: Attaching, scenarioId: string): Promise<void> {
  const message: RuntimeMetadataMessage = { type: 'metadata', data: { labels: [{ name: SCENARIO_LABEL, value: scenarioId }] } };
  await world.attach(JSON.stringify(message), ALLURE_RUNTIME_MESSAGE);
}
