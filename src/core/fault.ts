/**
 * Fault: one kind of harm and its undo, in the same file (DESIGN.md section 5). A fault acts on ONE target;
 * selecting and iterating targets belongs to the caller. The lifecycle, driven by the Experiment:
 *   1. prepare()       look up what the fault needs (a pid, ...), touch nothing, return a PreparedFault
 *   2. journal         the Experiment writes the injection and its revertScript (fsync)
 *   3. expiry timer    for reversible faults, a detached timer on the node runs revertScript after the TTL
 *   4. apply()         the harm itself
 *   5. verifyActive()  the fault must be observable, or the scenario is compromised
 *   6. revertScript    run on the node (idempotent: "already healthy" counts as reverted)
 *   7. verifyReverted()
 * One-shot faults (kill) say `reversible: false` and have no revertScript: healing is what is tested.
 */
import type { NodeSpec, ServiceSpec } from '../model/environment';
import type { Executor } from '../executors/executor';

/** FaultTarget: the node a fault acts on, how to reach it, and the service it is about (if any). */
export interface FaultTarget {
  node: NodeSpec;
  executor: Executor;
  service?: ServiceSpec;
}

export interface PreparedFault {
  readonly kind: string;
  /** Human name of the target, e.g. "node-1" or "web on node-2". */
  readonly target: string;
  readonly reversible: boolean;
  /** What the target looked like before the fault (pid, ...), saved in the journal. */
  readonly preState: Record<string, unknown>;
  /** POSIX shell script that undoes the fault on the node; idempotent. null for one-shot faults. */
  readonly revertScript: string | null;
  apply(): Promise<void>;
  /** verifyActive: resolves with evidence that the fault is in effect; throws ExperimentCompromised if not. */
  verifyActive(): Promise<string>;
  /** verifyReverted: resolves when the fault is gone; throws ExperimentCompromised if it is not. */
  verifyReverted(): Promise<void>;
}

export interface Fault {
  readonly kind: string;
  readonly reversible: boolean;
  /** The node the fault acts on; the blast-radius check counts these. */
  readonly target: FaultTarget;
  /** describe: one line for plans and logs, e.g. "isolate node-1 from the network". */
  describe(): string;
  prepare(injectionId: string): Promise<PreparedFault>;
}

/** artefactName: the name every artefact of an injection carries, so `sweep` finds it without a journal. */
export function artefactName(injectionId: string): string {
  return `scs_chaos_${injectionId}`;
}
