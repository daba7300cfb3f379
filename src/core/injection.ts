/**
 * Injection: a fault applied to a target, with its id, journal entries, on-target expiry timer and a
 * revert that runs at most once however many paths ask for it (scenario end, SIGINT, SIGTERM, halt).
 */
import { randomBytes } from 'node:crypto';
import { now, wallClockAt } from '../kernel/clock';
import { ExperimentCompromised, errorMessage } from '../kernel/errors';
import type { Journal } from './journal';
import type { Fault, PreparedFault } from './fault';
import { artefactName } from './fault';
import { revertMarkerPath } from '../revert/shell-markers';

/** Every live injection of this process, so a signal handler can revert them all. */
const live = new Set<Injection>();

/** newInjectionId: short, unique, and safe inside nft table names, Kubernetes labels and shell words. */
export function newInjectionId(): string {
  return randomBytes(4).toString('hex');
}

/** expiryTimerName: the $0 of an injection's expiry timer on the node, how it is found and stopped. */
export function expiryTimerName(injectionId: string): string {
  return `scs-chaos-ttl-${injectionId}`;
}

/** timerPattern: a `pgrep -f` pattern for the injection's timer that does not match the pgrep (or a shell) itself. */
export function timerPattern(injectionId: string): string {
  const name = expiryTimerName(injectionId);
  return `[${name.charAt(0)}]${name.slice(1)}`;
}

/** expiryTimerScript: sleeps for the TTL, then runs the revert; a SIGTERM (normal revert) stops it quietly. */
export function expiryTimerScript(ttlMs: number, revertScript: string): string {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return `trap 'kill $s 2>/dev/null; exit 0' TERM; sleep ${seconds} & s=$!; wait $s && { ${revertScript}; }`;
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
  prepared: PreparedFault | null = null;
  private revertPromise: Promise<void> | null = null;

  constructor(
    readonly fault: Fault,
    readonly ttlMs: number | null,
    private readonly journal: Journal,
    private readonly scenario: string,
  ) {}

  /** inject: journal first, then the expiry timer, then the fault; resolves once the fault is applied. */
  async inject(): Promise<void> {
    const exec = this.fault.target.executor;
    this.prepared = await this.fault.prepare(this.id);
    const prepared = this.prepared;
    const ttlMs = prepared.reversible ? this.ttlMs : null;
    this.journal.append({
      type: 'inject-intent',
      injectionId: this.id,
      kind: prepared.kind,
      target: prepared.target,
      node: this.fault.target.node.name,
      scenario: this.scenario,
      revert: prepared.revertScript ? { executor: exec.spec, script: prepared.revertScript } : null,
      ttlMs,
      deadline: ttlMs !== null ? new Date(Date.now() + ttlMs).toISOString() : null,
      preState: prepared.preState,
    });
    live.add(this);
    try {
      if (prepared.revertScript) {
        // Marker and timer come before the harm: a crash between them and it leaves nothing that the timer,
        // `sweep` (which runs the markers) or `rollback` (the journal) will not undo.
        const marker = revertMarkerPath(this.fault.target.node.name, this.id);
        const wrote = await exec.run(['sh', '-c', `mkdir -p "$(dirname ${marker})" && cat > ${marker}`], { input: `${prepared.revertScript}\n`, timeoutMs: 10_000 });
        if (wrote.code !== 0) throw new ExperimentCompromised(`cannot write the revert marker ${marker} on ${this.fault.target.node.name}: ${wrote.stderr.trim()}`);
        if (ttlMs !== null) await exec.spawnDetached(expiryTimerScript(ttlMs, `${prepared.revertScript}; rm -f ${marker}`), expiryTimerName(this.id));
      }
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

  /** verify: the fault must be observable; sets observedAt and returns the evidence. */
  async verify(): Promise<string> {
    if (!this.prepared) throw new ExperimentCompromised(`injection ${this.id} was never prepared`);
    const evidence = await this.prepared.verifyActive();
    this.observedAt = now();
    return evidence;
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
    if (!prepared || !prepared.revertScript) {
      live.delete(this);
      return;
    }
    const exec = this.fault.target.executor;
    this.journal.append({ type: 'revert-intent', injectionId: this.id, reason });
    try {
      const result = await exec.runScript(prepared.revertScript, { timeoutMs: 15_000 });
      if (result.code !== 0) throw new Error(`revert script exited ${result.code}: ${result.stderr.trim()}`);
      await prepared.verifyReverted();
      // The timer and the marker have nothing left to do; no process or file of ours outlives the fault.
      await exec.runScript(`pkill -TERM -f '${timerPattern(this.id)}'; rm -f ${revertMarkerPath(this.fault.target.node.name, this.id)}`, { timeoutMs: 5000 });
      this.revertedAt = now();
      this.journal.append({ type: 'reverted', injectionId: this.id });
      live.delete(this);
    } catch (error) {
      this.revertError = errorMessage(error);
      this.journal.append({ type: 'revert-failed', injectionId: this.id, error: this.revertError });
      throw new ExperimentCompromised(
        `could not revert ${this.fault.describe()} (${artefactName(this.id)}): ${this.revertError}. ` +
          `The node's expiry timer removes it by ${this.ttlMs !== null && this.injectedAt !== null ? wallClockAt(this.injectedAt + this.ttlMs) : 'its TTL'}; ` +
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
