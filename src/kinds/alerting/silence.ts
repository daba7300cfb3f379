/**
 * Silences for planned chaos (alerting.silenceExpected, issue 15): with each fault a scenario injects, the run
 * creates an Alertmanager silence for the alerts the scenario expects (noted in the plan pass), scoped by matchers
 * to the faulted nodes. It is a fault-like artefact with a revert recipe:
 *   - its comment carries `scs-chaos/injection=<id>` (found without a journal by preflight and `sweep`);
 *   - it ends at the fault's TTL by itself (Alertmanager's own endsAt: the on-target expiry, so a SIGKILLed run
 *     leaves no active silence once the TTL has passed);
 *   - its revert (with the fault's, on every path, and by `scs-chaos rollback`) expires it at once.
 * The alerts are still verified while silenced: Alertmanager lists them as "suppressed", with the silence's id.
 */
import type { Fault, PreparedFault } from '../../core/fault';
import type { RevertChannel, RevertRecipe } from '../../core/revert-channel';
import type { ScenarioHandle } from '../../core/scenario-handle';
import { ExperimentCompromised } from '../../kernel/errors';
import { formatDuration } from '../../kernel/duration';
import { createSilence, expireSilence, listSilences, Matcher, Silence } from './api';
import type { AlertingSpec } from './environment';
import { expectedAlerts } from './scenario-alerts';

export const SILENCE_KIND = 'alert-silence';
export const SILENCE_CHANNEL = 'alertmanager-silence';
/** The silences' author: how preflight and sweep tell ours from people's. */
export const SILENCE_AUTHOR = 'scs-chaos';

/** silenceTag: the label-like mark in a silence's comment. */
export const silenceTag = (injectionId: string): string => `scs-chaos/injection=${injectionId}`;

/** tagOf: the injection id a silence carries, or undefined for silences that are not ours. */
export function tagOf(silence: Pick<Silence, 'createdBy' | 'comment'>): string | undefined {
  if (silence.createdBy !== SILENCE_AUTHOR) return undefined;
  return /scs-chaos\/injection=([0-9a-f]+)/.exec(silence.comment)?.[1];
}

/** SilenceRecipe: the undo: expire every silence of Alertmanager at `alertmanagerUrl` that carries the injection's tag. */
export interface SilenceRecipe extends RevertRecipe {
  readonly channel: typeof SILENCE_CHANNEL;
  /** Without credentials (the journal holds no secret); the channel adds the environment's when it knows them. */
  readonly alertmanagerUrl: string;
}

/** Credentials by Alertmanager URL, from the environments this process read (never journalled). */
const known = new Map<string, AlertingSpec>();

function specFor(url: string): AlertingSpec {
  return known.get(url) ?? { alertmanagerUrl: url, prometheusUrl: url, silenceExpected: false, silenceTtlMs: 0, pollIntervalMs: 500, steadyStateIgnore: [] };
}

/** ourSilences: the active (or pending) silences that carry an injection tag, with the id. */
export async function ourSilences(spec: AlertingSpec): Promise<Array<Silence & { injectionId: string }>> {
  return (await listSilences(spec)).flatMap((s) => {
    const id = tagOf(s);
    return id !== undefined && s.status.state !== 'expired' ? [{ ...s, injectionId: id }] : [];
  });
}

async function expireTagged(spec: AlertingSpec, injectionId: string): Promise<number> {
  const mine = (await ourSilences(spec)).filter((s) => s.injectionId === injectionId);
  for (const silence of mine) await expireSilence(spec, silence.id);
  return mine.length;
}

export const silenceChannel: RevertChannel<SilenceRecipe> = {
  name: SILENCE_CHANNEL,
  survivesRunnerDeath: "Alertmanager ends the silence itself at its endsAt, the fault's TTL",
  async arm() {
    // The expiry is the silence's own endsAt, set when it is created.
  },
  async replay(recipe, injectionId) {
    await expireTagged(specFor(recipe.alertmanagerUrl), injectionId);
  },
  async disarm() {
    // Nothing is left: an expired silence is Alertmanager's history, not an artefact.
  },
};

/** silenceMatchers: the alerts (by alertname) on the nodes (by the node label); exact for one, a regex for several. */
export function silenceMatchers(alerts: readonly string[], nodes: readonly string[]): Matcher[] {
  const quote = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  const matcher = (name: string, values: readonly string[]): Matcher =>
    values.length === 1 ? { name, value: values[0] as string, isRegex: false, isEqual: true } : { name, value: values.map(quote).join('|'), isRegex: true, isEqual: true };
  return [matcher('alertname', alerts), matcher('node', nodes)];
}

/** silenceFault: the silence as a fault for one injected fault on `nodes`, lasting `ttlMs`. */
export function silenceFault(spec: AlertingSpec, scenario: { id: string; name: string }, alerts: readonly string[], nodes: readonly string[], ttlMs: number): Fault {
  const url = new URL(spec.alertmanagerUrl);
  url.username = '';
  url.password = '';
  const alertmanagerUrl = url.toString().replace(/\/+$/, '');
  known.set(alertmanagerUrl, spec);
  const matchers = silenceMatchers(alerts, nodes);
  const what = `silence ${alerts.join(', ')} for ${nodes.join(', ')} in Alertmanager for ${formatDuration(ttlMs)}`;
  return {
    kind: SILENCE_KIND,
    reversible: true,
    harms: [],
    describe: () => what,
    async prepare(injectionId): Promise<PreparedFault> {
      let silenceId: string | undefined;
      const recipe: SilenceRecipe = { channel: SILENCE_CHANNEL, where: alertmanagerUrl, alertmanagerUrl };
      const state = async (): Promise<Silence | undefined> => (silenceId ? (await listSilences(spec)).find((s) => s.id === silenceId) : undefined);
      return {
        kind: SILENCE_KIND,
        target: `${alerts.join(', ')} on ${nodes.join(', ')}`,
        reversible: true,
        preState: { matchers },
        revert: recipe,
        async apply() {
          const startsAt = new Date();
          silenceId = await createSilence(spec, {
            matchers,
            startsAt: startsAt.toISOString(),
            endsAt: new Date(startsAt.getTime() + ttlMs).toISOString(),
            createdBy: SILENCE_AUTHOR,
            comment: `${silenceTag(injectionId)}: planned chaos experiment "${scenario.name}" (${scenario.id}); ends with the fault, at the latest at its TTL`,
          });
        },
        async verifyActive() {
          const silence = await state();
          if (silence?.status.state !== 'active') throw new ExperimentCompromised(`silence ${silenceId ?? '?'} is ${silence?.status.state ?? 'not listed'} in Alertmanager, not active`);
          return `silence ${silence.id} active until ${silence.endsAt} (${matchers.map((m) => `${m.name}${m.isRegex ? '=~' : '='}"${m.value}"`).join(', ')})`;
        },
        async verifyReverted() {
          const silence = await state();
          if (silence && silence.status.state !== 'expired') throw new ExperimentCompromised(`silence ${silence.id} is still ${silence.status.state} after the revert`);
        },
      };
    },
  };
}

/** silenceCompanion: for ScenarioHandle.addFaultCompanion — a silence with every fault that harms nodes. */
export function silenceCompanion(scenario: ScenarioHandle, spec: AlertingSpec): (fault: Fault, ttlMs: number | null) => Fault | undefined {
  return (fault, ttlMs) => {
    const nodes = [...new Set(fault.harms.filter((h) => h.unit === 'node').map((h) => h.name))];
    const alerts = expectedAlerts(scenario.meta.id);
    if (nodes.length === 0 || alerts.length === 0 || fault.kind === SILENCE_KIND) return undefined;
    return silenceFault(spec, scenario.meta, alerts, nodes, ttlMs ?? spec.silenceTtlMs);
  };
}
