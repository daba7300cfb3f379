/**
 * Alerting steps (issue 15): alerts fire and resolve in time, nothing pages in the steady state, and the
 * remediation acts on the right node and heals. The domain is in src/kinds/alerting/.
 */
import { Given, Then } from '@cucumber/cucumber';
import { alertFires, alertResolves, noAlertInSteadyState, watchAlerts } from '../src/kinds/alerting/judge-alerts';
import { noRemediationConfigured, recoversAfterRemediation, remediationActs } from '../src/kinds/alerting/judge-remediation';
import type { ChaosWorld } from './world';

/** How long "no remediation is configured" waits for the alert to reach the remediation service. */
const NO_POLICY_WAIT_MS = 10_000;

Given('alerts are watched', async function (this: ChaosWorld) {
  await watchAlerts(this.scenario);
});

Given('no alert fires in steady state', async function (this: ChaosWorld) {
  await noAlertInSteadyState(this.scenario);
});

Then('the alert {string} fires for {node} within {duration}', async function (this: ChaosWorld, alert: string, node: string, boundMs: number) {
  await alertFires(this.scenario, alert, node, boundMs);
});

Then('the alert {string} fires within {duration}', async function (this: ChaosWorld, alert: string, boundMs: number) {
  await alertFires(this.scenario, alert, null, boundMs);
});

Then('it resolves within {duration} after the fault', async function (this: ChaosWorld, boundMs: number) {
  await alertResolves(this.scenario, boundMs);
});

Then('the remediation {string} acts on {node} within {duration}', async function (this: ChaosWorld, name: string, node: string, boundMs: number) {
  await remediationActs(this.scenario, name, node, boundMs);
});

Then('no remediation is configured for the alert {string}', async function (this: ChaosWorld, alert: string) {
  await noRemediationConfigured(this.scenario, alert, NO_POLICY_WAIT_MS);
});

Then('{word} on {node} recovers within {duration} after the remediation', async function (this: ChaosWorld, service: string, node: string, boundMs: number) {
  await recoversAfterRemediation(this.scenario, `${service}@${node}`, boundMs);
});
