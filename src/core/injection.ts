/**
 * Injection: a fault applied to a target, with its id, journal entries, on-target expiry (armed by its revert
 * channel, src/core/revert-channel.ts) and a revert that runs at most once however many paths ask for it (scenario end, SIGINT, SIGTERM, halt).
 */
import { randomBytes } from 'node:crypto';
import { now, wallClockAt } from '../kernel/clock';
import { ExperimentCompromised, errorMessage } from '../kernel/errors';
import type { Journal } from './journal';
import type { Fault, PreparedFault } from './fault';
import type { FaultObservation } from '../model/summary';
import { artefactName } from './fault';
import { revertChannelOf } from './kinds';

/** Every live injection of this process, so a signal handler can revert them all. */
const live = new Set<Injection>();

/** newInjectionId: short, unique, and safe inside nft table names, Kubernetes labels and shell words. */
export function newInjectionId(): string {
  return randomBytes(4).toString('hex');
}

export class Injection {
  readonly id = newInjectionId();
  /**
   * When apply() returned: the fault is in effect from here (a supervisorctl stop or a stress-ng start can take a
   * second under load, and the "during" phase and time to detect must not count that second as fault time).
   */
  injectedAt: number | null = null;
  /** When apply() was called: an effect of the fault (an OSD down after a kill) can be stamped from here on. */
  applyStartedAt: number | null = null;
  observedAt: number | null = null;
  revertedAt: number | null = null;
  revertError: string | null = null;
  /** How the fault was seen in effect (verify()). */
  observation: FaultObservation | null = null;
  prepared: PreparedFault | null = null;
  private revertPromise: Promise<void> | null = null;

  constructor(
    readonly fault: Fault,
    readonly ttlMs: number | null,
    private readonly journal: Journal,
    private readonly scenario: string,
  ) {}

  /** inject: journal first, then the channel's marker and expiry, then the fault; resolves once it is applied. */
  async inject(): Promise<void> {
    this.prepared = await this.fault.prepare(this.id);
    const prepared = this.prepared;
    const recipe = prepared.reversible ? prepared.revert : null;
    const ttlMs = recipe ? this.ttlMs : null;
    this.journal.append({
      type: 'inject-intent',
      injectionId: this.id,
      kind: prepared.kind,
      target: prepared.target,
      scenario: this.scenario,
      revert: recipe,
      ttlMs,
      deadline: ttlMs !== null ? new Date(Date.now() + ttlMs).toISOString() : null,
      preState: prepared.preState,
    });
    live.add(this);
    try {
      if (recipe) await revertChannelOf(recipe).arm(recipe, this.id, ttlMs);
      this.applyStartedAt = now();
      await prepared.apply();
      this.injectedAt = now();
    } catch (error) {
      this.journal.append({ type: 'inject-failed', injectionId: this.id, error: errorMessage(error) });
      await this.revert('injection failed');
      throw error instanceof ExperimentCompromised ? error : new ExperimentCompromised(`could not inject ${this.fault.describe()}: ${errorMessage(error)}`, { cause: error });
    }
    this.journal.append({ type: 'injected', injectionId: this.id });
  }

  /**
   * verify: the fault must be observable; sets observedAt and the observation and returns the evidence line.
   * Anything else ends the scenario compromised with "not observed" (the fault may exist but was not seen to act).
   */
  async verify(): Promise<string> {
    if (!this.prepared) throw new ExperimentCompromised(`injection ${this.id} was never prepared`);
    let seen: string | FaultObservation;
    try {
      seen = await this.prepared.verifyActive();
    } catch (error) {
      throw new ExperimentCompromised(`not observed: ${this.fault.describe()}: ${errorMessage(error)}`, { cause: error });
    }
    this.observation = typeof seen === 'string' ? { evidence: seen, proof: 'state' } : seen;
    this.observedAt = now();
    return this.observation.evidence;
  }

  /**
   * revert: undoes the fault once (later calls get the same promise), on a fresh deadline of its own —
   * never on the scenario's cancelled one. Failures are recorded in revertError and rethrown.
   */
  revert(reason: string): Promise<void> {
    if (!this.revertPromise) this.revertPromise = this.doRevert(reason);
    return this.revertPromise;
  }

  get reverted(): boolean {
    return this.revertedAt !== null;
  }

  private async doRevert(reason: string): Promise<void> {
    const prepared = this.prepared;
    const recipe = prepared?.reversible ? prepared.revert : null;
    if (!prepared || !recipe) {
      live.delete(this);
      return;
    }
    const channel = revertChannelOf(recipe);
    this.journal.append({ type: 'revert-intent', injectionId: this.id, reason });
    try {
      await channel.replay(recipe, this.id);
      await prepared.verifyReverted();
      await channel.disarm(recipe, this.id);
      this.revertedAt = now();
      this.journal.append({ type: 'reverted', injectionId: this.id });
      live.delete(this);
    } catch (error) {
      this.revertError = errorMessage(error);
      this.journal.append({ type: 'revert-failed', injectionId: this.id, error: this.revertError });
      throw new ExperimentCompromised(
        `could not revert ${this.fault.describe()} (${artefactName(this.id)}): ${this.revertError}. ` +
          `Its ${channel.name} expiry removes it by ${this.ttlMs !== null && this.injectedAt !== null ? wallClockAt(this.injectedAt + this.ttlMs) : 'its TTL'}; ` +
          'or run `scs-chaos rollback`.',
        { cause: error },
      );
    }
  }
}

/** revertAllLive: reverts every injection of this process that is still live (signal handlers use it). */
export async function revertAllLive(reason: string): Promise<void> {
  await Promise.allSettled([...live].map((injection) => injection.revert(reason)));
}

/** liveInjectionCount: how many injections of this process are not reverted yet. */
export function liveInjectionCount(): number {
  return live.size;
}
