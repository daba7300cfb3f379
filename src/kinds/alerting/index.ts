/**
 * The alerting kind (issue 15): reads alert state from Prometheus's ALERTS series and Alertmanager's API v2,
 * judges "the alert fires / resolves / no false alarm / the remediation acts", and owns one fault-like artefact —
 * the Alertmanager silence a run creates for the alerts it expects (`alerting.silenceExpected`), with its revert
 * channel (expiry: Alertmanager's own endsAt), its preflight finding and its sweep. An Alertmanager that does not
 * answer blocks neither preflight nor sweep (a lab without `--with alerting`); a step that needs it fails then.
 */
import type { PreflightFindings, SweepOutcome, TargetKind } from '../../core/kinds';
import { errorMessage } from '../../kernel/errors';
import type { Environment } from '../../model/environment';
import { expireSilence } from './api';
import { alertingSection } from './environment';
import { ourSilences, silenceChannel } from './silence';

async function silencesOf(env: Environment): Promise<Awaited<ReturnType<typeof ourSilences>> | undefined> {
  const spec = env.sections.alerting;
  if (!spec) return undefined;
  return ourSilences(spec).catch(() => undefined);
}

export const alertingKind: TargetKind = {
  name: 'alerting',
  section: alertingSection,
  channels: [silenceChannel],
  async preflight(env): Promise<PreflightFindings> {
    const silences = (await silencesOf(env)) ?? [];
    return {
      unreachable: [],
      leftovers: silences.map((s) => `Alertmanager ${env.sections.alerting?.alertmanagerUrl}: leftover of an earlier run: silence ${s.id} (injection ${s.injectionId}, ${s.status.state} until ${s.endsAt})`),
    };
  },
  async sweep(env): Promise<SweepOutcome[]> {
    const spec = env.sections.alerting;
    if (!spec) return [];
    const silences = await silencesOf(env);
    // Not an error: a silence ends by itself at its endsAt (the fault's TTL), so nothing is left that sweep must undo.
    if (!silences) return [{ where: `Alertmanager ${spec.alertmanagerUrl}`, lines: ['did not answer: no silence looked for (any silence of a run ends by itself at its TTL)'] }];
    const lines: string[] = [];
    for (const silence of silences) {
      lines.push(await expireSilence(spec, silence.id).then(
        () => `expired silence ${silence.id} (injection ${silence.injectionId})`,
        (error: unknown) => `FAILED to expire silence ${silence.id}: ${errorMessage(error)}`,
      ));
    }
    return [{ where: `Alertmanager ${spec.alertmanagerUrl}`, lines }];
  },
};
