/**
 * Shell faults: the faults of the hosts and Ceph kinds act on a node through its executor and are undone by a
 * script on a node (src/revert/shell-channel.ts). They are written in this shape — a target node and executor, and
 * a PreparedShellFault with its `revertScript` — and `shellFault` turns one into the core Fault contract: the
 * nodes it harms (its own node unless it names others) and a shell RevertRecipe from the script.
 */
import type { NodeSpec } from '../model/environment';
import type { Executor } from '../executors/executor';
import type { Fault, PreparedFault } from '../core/fault';
import { registerRevertChannel } from '../core/kinds';
import { shellChannel, shellRecipe } from './shell-channel';

// Whoever builds shell faults can revert them (and `rollback` finds the channel by name).
registerRevertChannel(shellChannel);

/** ShellTarget: the node a shell fault acts on and how to reach it; its revert runs there too. */
export interface ShellTarget {
  node: NodeSpec;
  executor: Executor;
}

/** PreparedShellFault: a PreparedFault whose undo is a POSIX script on the target node (null for one-shot faults). */
export interface PreparedShellFault extends Omit<PreparedFault, 'revert'> {
  readonly revertScript: string | null;
}

/** ShellFaultSpec: what a shell fault's module writes. */
export interface ShellFaultSpec {
  readonly kind: string;
  readonly reversible: boolean;
  /** Where the fault acts and its undo runs. */
  readonly target: ShellTarget;
  /** The environment nodes the fault harms; default: the target's node. Cluster-wide faults name none. */
  readonly harmedNodes?: readonly string[];
  describe(): string;
  planCheck?(): Promise<string>;
  prepare(injectionId: string): Promise<PreparedShellFault>;
}

/** ShellFault: a core Fault that keeps its shell shape (tests read target, harmedNodes and revertScript). */
export type ShellFault<S extends ShellFaultSpec = ShellFaultSpec> = Omit<S, 'prepare' | 'harmedNodes'> &
  Omit<Fault, 'prepare'> & {
    readonly harmedNodes: readonly string[];
    prepare(injectionId: string): Promise<PreparedFault & PreparedShellFault>;
  };

/** shellFault: the core Fault of a shell fault; the revert recipe runs `revertScript` on the target node. */
export function shellFault<S extends ShellFaultSpec>(spec: S): ShellFault<S> {
  const harmedNodes = spec.harmedNodes ?? [spec.target.node.name];
  const { node, executor } = spec.target;
  return {
    ...spec,
    harmedNodes,
    harms: harmedNodes.map((name) => ({ unit: 'node' as const, name })),
    async prepare(injectionId: string) {
      const prepared = await spec.prepare(injectionId);
      return Object.assign(prepared, { revert: prepared.revertScript === null ? null : shellRecipe(node.name, executor.spec, prepared.revertScript) });
    },
  };
}
