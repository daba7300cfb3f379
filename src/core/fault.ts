/**
 * Fault: one kind of harm and its undo, in the same file (DESIGN.md section 5) — the contract every target kind's
 * faults meet. A fault acts on ONE target; selecting and iterating targets belongs to the caller. The lifecycle,
 * driven by the Experiment (src/core/injection.ts):
 *   0. planCheck()     (optional ability) read-only checks at plan time; BadInput refuses the run, nothing touched
 *   1. prepare()       look up what the fault needs (a pid, ...), touch nothing, return a PreparedFault
 *   2. journal         the injection and its RevertRecipe are written (fsync)
 *   3. arm             the recipe's channel leaves its marker and on-target expiry (reversible faults only)
 *   4. apply()         the harm itself
 *   5. verifyActive()  the fault must be observable, or the scenario is compromised
 *   6. replay          the channel runs the undo (idempotent: "already healthy" counts as reverted)
 *   7. verifyReverted(), then disarm
 * One-shot faults (kill) say `reversible: false` and have no recipe: healing is what is tested.
 */
import type { RevertRecipe } from './revert-channel';
import type { FaultObservation } from '../model/summary';

/**
 * Harm: one thing a fault takes away from the system, as scope and blast radius count it (src/core/scope.ts).
 * `unit: 'node'` is an environment node (counted against scope.nodes and scope.maxNodesAtOnce); `pod` and
 * `workload` (named namespace/name) are Kubernetes objects, whose bounds the kind checks when it selects them
 * (namespace allow-list, never every replica without @destructive) — they are recorded, not counted here.
 */
export interface Harm {
  readonly unit: 'node' | 'pod' | 'workload';
  readonly name: string;
}

export interface PreparedFault {
  readonly kind: string;
  /** Human name of the target, e.g. "node-1" or "web on node-2". */
  readonly target: string;
  readonly reversible: boolean;
  /** What the target looked like before the fault (pid, ...), saved in the journal. */
  readonly preState: Record<string, unknown>;
  /** The undo as data, replayed by its channel; null for one-shot faults. */
  readonly revert: RevertRecipe | null;
  apply(): Promise<void>;
  /**
   * verifyActive: resolves with evidence that the fault is in effect — a line (read from the fault's own state) or
   * a FaultObservation (with a data-plane proof); throws ExperimentCompromised if it is not in effect.
   */
  verifyActive(): Promise<string | FaultObservation>;
  /** verifyReverted: resolves when the fault is gone; throws ExperimentCompromised if it is not. */
  verifyReverted(): Promise<void>;
}

export interface Fault {
  readonly kind: string;
  readonly reversible: boolean;
  /** What the fault harms; empty for faults that take nothing away (a cluster flag). */
  readonly harms: readonly Harm[];
  /** describe: one line for plans and logs, e.g. "isolate node-1 from the network". */
  describe(): string;
  /**
   * planCheck (an ability, optional): read-only checks on the target before any injection — throws BadInput when
   * the fault cannot work there, resolves with one line for the plan. prepare() checks again before the harm.
   */
  planCheck?(): Promise<string>;
  prepare(injectionId: string): Promise<PreparedFault>;
}

/** artefactName: the name every artefact of an injection carries, so `sweep` finds it without a journal. */
export function artefactName(injectionId: string): string {
  return `scs_chaos_${injectionId}`;
}
