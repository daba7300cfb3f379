/**
 * Target kinds (DESIGN.md section 3): one folder per kind under src/kinds/ — hosts, Ceph, and later Kubernetes
 * and OpenStack — owns its section of the environment file, its selectors and faults, its revert channel with
 * its on-target expiry, its leftovers for preflight and `sweep`, and its probes. Core and the CLI know only this
 * contract and the registry below; src/kinds/index.ts registers the built-in kinds, one line each.
 */
import type { Environment } from '../model/environment';
import type { EnvironmentReader, YamlValue } from '../environment/reader';
import type { RevertChannel, RevertRecipe } from './revert-channel';

/** EnvironmentSection: a top-level key of the environment file that a kind reads and validates itself. */
export interface EnvironmentSection {
  readonly key: string;
  /**
   * read: validates the section (errors by file and line through `reader`) and returns its typed value, stored
   * as env.sections[key]. `env` holds everything the base file declares (nodes, services, scope, lab).
   */
  read(reader: EnvironmentReader, value: YamlValue, env: Environment): unknown;
}

/** Findings: what a kind saw on its targets before a run; any line refuses the run (exit 2). */
export interface PreflightFindings {
  /** Targets that cannot be reached: nothing could be injected or reverted there. */
  unreachable: string[];
  /** Artefacts of earlier runs, "<where>: leftover of an earlier run: <what>". */
  leftovers: string[];
}

/** SweepOutcome: what `sweep` did at one place (a node, a cluster, an API). */
export interface SweepOutcome {
  where: string;
  /** One line per removal; a line starting with "FAILED" counts as a failure. */
  lines: string[];
  error?: string;
}

export interface TargetKind {
  /** The kind's name, as in the folder: "hosts", "ceph". */
  readonly name: string;
  /** Its environment section, when it has one. */
  readonly section?: EnvironmentSection;
  /** The revert channels its faults' recipes name. */
  readonly channels?: readonly RevertChannel[];
  /** preflight: reachability and leftovers on the kind's targets (read-only). */
  preflight?(env: Environment): Promise<PreflightFindings>;
  /** sweep: removes every artefact of ours the kind finds, without a journal. */
  sweep?(env: Environment): Promise<SweepOutcome[]>;
}

const registered = new Map<string, TargetKind>();
const channels = new Map<string, RevertChannel>();

/** registerKind: adds a kind (and its channels); registering the same kind object again changes nothing. */
export function registerKind(kind: TargetKind): void {
  const existing = registered.get(kind.name);
  if (existing === kind) return;
  if (existing) throw new Error(`target kind "${kind.name}" is registered twice`);
  registered.set(kind.name, kind);
  for (const channel of kind.channels ?? []) registerRevertChannel(channel);
}

/**
 * registerRevertChannel: makes a channel known on its own, for modules that produce its recipes (a process that
 * can build a shell fault can always revert it, kinds registered or not). Idempotent for the same object.
 */
export function registerRevertChannel(channel: RevertChannel): void {
  const known = channels.get(channel.name);
  if (known && known !== channel) throw new Error(`revert channel "${channel.name}" clashes with another of that name`);
  channels.set(channel.name, channel);
}

/** targetKinds: every registered kind, in registration order. */
export function targetKinds(): readonly TargetKind[] {
  return [...registered.values()];
}

/** revertChannelOf: the channel a recipe names; a journal from a build that knew more kinds says so. */
export function revertChannelOf(recipe: RevertRecipe): RevertChannel {
  const channel = channels.get(recipe.channel);
  if (!channel) {
    throw new Error(`no revert channel "${recipe.channel}" is registered (known: ${[...channels.keys()].join(', ') || 'none'}); was the journal written by a build with another target kind?`);
  }
  return channel;
}

/** environmentSections: the sections the registered kinds read, by key. */
export function environmentSections(): ReadonlyMap<string, EnvironmentSection> {
  const sections = new Map<string, EnvironmentSection>();
  for (const kind of registered.values()) if (kind.section) sections.set(kind.section.key, kind.section);
  return sections;
}
