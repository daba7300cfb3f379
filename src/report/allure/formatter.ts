/**
 * The allure-cucumberjs formatter of the execute pass (the plan pass has none: it touches nothing and reports
 * nothing). It writes reports/<run-id>/allure-results/ — results, containers and Cucumber attachments — by
 * itself; Cucumber's output stream for it carries nothing, so it goes to the null device.
 */
import { devNull } from 'node:os';
import { join } from 'node:path';
import { ALLURE_RESULTS } from './enrich';

export const ALLURE_FORMATTER = 'allure-cucumberjs/reporter';

/** allureFormatterFiles: the entry for Cucumber's `formats.files` (output path → formatter). */
export function allureFormatterFiles(): Record<string, string> {
  return { [devNull]: ALLURE_FORMATTER };
}

/** allureFormatterOptions: Cucumber's `formats.options`, which every formatter reads; only allure-cucumberjs reads these. */
export function allureFormatterOptions(runDir: string): { resultsDir: string } {
  return { resultsDir: join(runDir, ALLURE_RESULTS) };
}
