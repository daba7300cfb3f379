/**
 * Errors of executors that reach nodes over a network. "The node cannot be reached" must never look like "the
 * command ran and failed": the first means we cannot inject, observe or revert (the scenario is compromised),
 * the second is an ordinary CommandResult with a non-zero code.
 */

/** Why a node could not be reached; decides the advice in the message. */
export type UnreachableReason =
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'auth'
  | 'refused'
  | 'timeout'
  | 'no-route'
  | 'dns'
  | 'connection-lost'
  | 'no-namespace'
  | 'other';

/**
 * NodeUnreachable: the executor could not run the command on the node at all (ssh exit 255 without the
 * remote command's exit status). Not an ExperimentCompromised subclass only because that class pins its
 * `name`; verdictOf() still maps it to "compromised" and Injection wraps it with the fault's description.
 */
export class NodeUnreachable extends Error {
  override readonly name = 'NodeUnreachable';
  constructor(
    message: string,
    /** The node as people know it: "node-1 (root@198.18.0.11:22)". */
    readonly node: string,
    readonly reason: UnreachableReason,
    /** What the transport said (ssh's stderr), for logs; already part of the message. */
    readonly detail: string,
  ) {
    super(message);
  }
}
