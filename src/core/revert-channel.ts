/**
 * Revert channels: how an injection's undo is recorded, armed against the runner's death and replayed
 * (DESIGN.md section 5). A fault's PreparedFault hands the lifecycle a RevertRecipe — plain, serialisable data —
 * and the channel named in it does the rest. The journal stores the recipe as it is, so `scs-chaos rollback`
 * replays it in a process that never saw the fault. Target kinds register their channels (src/core/kinds.ts):
 * hosts and Ceph share the shell channel (src/revert/shell-channel.ts); API-driven kinds bring their own.
 */

/** RevertRecipe: the undo of one injection as data; `channel` names the RevertChannel that replays it. */
export interface RevertRecipe {
  readonly channel: string;
  /** Where the undo acts, for messages ("node-2", "server web-1"). */
  readonly where: string;
}

/**
 * RevertChannel: one way of undoing faults. Contract, in the lifecycle's order:
 *   arm()     before the fault is applied: leave what survives this process (a marker, an on-target expiry)
 *   replay()  run the undo; idempotent ("already healthy" counts as reverted); throws when it could not
 *   disarm()  after a verified revert: remove the marker and the expiry, so nothing of ours outlives the fault
 */
export interface RevertChannel<R extends RevertRecipe = RevertRecipe> {
  readonly name: string;
  /** How a fault of this channel is removed when the runner is SIGKILLed, in one sentence (docs and `plan`). */
  readonly survivesRunnerDeath: string;
  arm(recipe: R, injectionId: string, ttlMs: number | null): Promise<void>;
  replay(recipe: R, injectionId: string): Promise<void>;
  disarm(recipe: R, injectionId: string): Promise<void>;
}
