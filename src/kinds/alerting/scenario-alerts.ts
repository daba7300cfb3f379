/**
 * What one scenario knows about its alerts: the environment's alerting section (or the BadInput that names the
 * missing section), its watch, its alert records by key, and the alerts each scenario expects — noted in the plan
 * pass, when every step of every scenario runs once without acting, so the run can silence them at injection
 * (silence.ts) before the step that judges them comes.
 */
import { BadInput } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import type { AlertRecord } from '../../model/summary';
import type { ScenarioHandle } from '../../core/scenario-handle';
import type { AlertingSpec } from './environment';
import { AlertWatch, watchOf } from './watch';

/** alertingOf: the environment's alerting section; BadInput naming the section to add. */
export function alertingOf(env: Environment): AlertingSpec {
  const spec = env.sections.alerting;
  if (!spec) {
    throw new BadInput(`environment ${env.name} has no alerting: section, so its alerts cannot be read`, { file: env.sourcePath }, 'add alerting: { alertmanager: http://host:9093 } (and prometheus:, remediation:) to the environment file');
  }
  return spec;
}

/** requireWatch: the scenario's watch; BadInput naming the step that starts it. */
export function requireWatch(scenario: ScenarioHandle): AlertWatch | undefined {
  const watch = watchOf(scenario);
  const started = scenario.scenarioState<{ planned: boolean }>('alerting/planned-watch', () => ({ planned: false }));
  if (!watch && !started.planned) throw new BadInput('alerts are judged, but the scenario does not watch them', undefined, 'add "Given alerts are watched" before the steady-state steps');
  return watch;
}

/** markWatchPlanned: plan mode has no watch object; this notes that the step ran. */
export function markWatchPlanned(scenario: ScenarioHandle): void {
  scenario.scenarioState<{ planned: boolean }>('alerting/planned-watch', () => ({ planned: false })).planned = true;
}

/** The alerts each scenario expects (by scenario id), noted in the plan pass; one run per process. */
const expectedByScenario = new Map<string, Set<string>>();

export function noteExpectedAlert(scenarioId: string, alert: string): void {
  const set = expectedByScenario.get(scenarioId) ?? new Set<string>();
  set.add(alert);
  expectedByScenario.set(scenarioId, set);
}

export function expectedAlerts(scenarioId: string): string[] {
  return [...(expectedByScenario.get(scenarioId) ?? [])].sort();
}

/** The scenario's alert records: kept here for later steps (resolves, remediation), and in the summary. */
interface Records {
  byKey: Map<string, AlertRecord>;
  /** The alert the latest "fires" step judged, which "it resolves" means. */
  last?: { key: string; fingerprint: string | undefined };
}

export function recordsOf(scenario: ScenarioHandle): Records {
  return scenario.scenarioState<Records>('alerting/records', () => ({ byKey: new Map() }));
}

/** saveRecord: stores `record` under `key` here and in the scenario's summary. */
export function saveRecord(scenario: ScenarioHandle, key: string, record: AlertRecord): void {
  recordsOf(scenario).byKey.set(key, record);
  scenario.recordAlert(key, record);
}

export const alertKey = (alert: string, node: string | null): string => `${alert}@${node ?? '*'}`;
