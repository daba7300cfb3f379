/**
 * What every Ceph fault shares: the cluster it reaches (CephClient on the environment's ceph executorNode), the
 * node of an OSD (its CRUSH host bucket, named like an environment node and in scope), the plan-time safety
 * check with real `ceph` reads (src/kinds/ceph/client/safety.ts), and the `@destructive` permission.
 *
 * Targets. An OSD fault harms the OSD's host node: that node is what scope and blast radius count
 * (`harmedNodes`). Where the fault's undo runs depends on the fault: kill/pause/stop act on the OSD's node
 * (its executor runs the revert), out/in and flags act through the ceph CLI (the revert runs where the CLI
 * runs, the executorNode, which is then the ShellTarget and holds the revert marker).
 *
 * Safety (DESIGN.md section 7). Before any OSD fault, at plan time and again right before the injection:
 * HEALTH_OK (allow-listed checks tolerated), every PG active+clean, distinct failure-domain buckets hit ≤ the
 * smallest pool budget size − min_size, and `ceph osd ok-to-stop` agrees. A scenario tagged `@destructive` in an
 * environment with `scope.allowDestructive: true` lifts the budget and ok-to-stop limits (data-loss drills) but
 * still needs HEALTH_OK and all PGs active+clean: a drill that starts from a damaged cluster measures the old
 * damage and can turn it into real loss. A refusal touches nothing: it happens before the journal entry.
 */
import { BadInput, NotSteady } from '../../../kernel/errors';
import type { Environment, NodeSpec } from '../../../model/environment';
import type { Executor } from '../../../executors/executor';
import { CephClient } from '../client/client';
import { cephClientFor, cephSpecOf, controlDaemonControlFor, executorOfNode, osdDaemonControlFor, osdHostName } from '../client/from-environment';
import type { ControlDaemonControl } from '../client/control-daemon';
import type { OsdDaemonControl } from '../client/osd-daemon';
import { checkOsdFaultSafety, OsdFaultSafety } from '../client/safety';
import type { OsdTree } from '../client/types';
import type { ShellFault, ShellFaultSpec, ShellTarget } from '../../../revert/shell-fault';
import { requireNodesInScope } from '../../../core/scope';

/**
 * CephFaultSpec: a plan-checked shell fault that names the environment nodes it harms (scope and blast radius count
 * these): the OSD hosts, none for cluster-wide faults (flags) that take no node down.
 */
export interface CephFaultSpec extends ShellFaultSpec {
  readonly harmedNodes: readonly string[];
  planCheck(): Promise<string>;
}

export type CephFault = ShellFault<CephFaultSpec>;

/** CephFaultContext: how Ceph faults reach the cluster and the nodes; tests hand in doubles. */
export interface CephFaultContext {
  env: Environment;
  ceph: CephClient;
  /** The node (or "local") the ceph CLI runs on, as a ShellTarget: out/in and flag faults revert there. */
  cliTarget: ShellTarget;
  /** The executor of an environment node. */
  executorOf(node: string): Executor;
  /** The OSD daemon backend of the environment (created on first use: Rook loads its client lazily). */
  daemons(): Promise<OsdDaemonControl>;
  /** The monitor/manager backend of the environment (created on first use). */
  controlDaemons(): Promise<ControlDaemonControl>;
  /** The scenario is @destructive AND the environment allows it: budget and ok-to-stop do not refuse. */
  destructive: boolean;
  /** Health check codes that do not block a fault. */
  allowedHealthChecks: readonly string[];
}

/** localNode: the runner's own host as a node, for a ceph executorNode of "local" (markers in /run/scs-chaos/local). */
const LOCAL_NODE: NodeSpec = { name: 'local', address: '127.0.0.1', roles: [], executor: { kind: 'local' } };

/**
 * cephFaultContext: the context for a scenario. `tags` are the scenario's tags: `@destructive` lifts the budget
 * only where the environment allows it, and a @destructive scenario in an environment that does not is bad input.
 */
export function cephFaultContext(env: Environment, tags: readonly string[] = [], options: { allowedHealthChecks?: readonly string[] } = {}): CephFaultContext {
  const spec = cephSpecOf(env);
  const destructiveTag = tags.includes('@destructive');
  if (destructiveTag && !env.scope.allowDestructive) {
    throw new BadInput(
      `the scenario is tagged @destructive, but environment ${env.name} does not allow destructive scenarios`,
      { file: env.sourcePath },
      'set scope.allowDestructive: true in the environment (only for a lab or a cluster whose data may be lost), or remove the tag',
    );
  }
  const executor = executorOfNode(env, spec.executorNode);
  const cliNode = spec.executorNode === 'local' ? LOCAL_NODE : (env.nodes.find((n) => n.name === spec.executorNode) as NodeSpec);
  let daemons: Promise<OsdDaemonControl> | null = null;
  let controlDaemons: Promise<ControlDaemonControl> | null = null;
  const ceph = cephClientFor(env);
  return {
    env,
    ceph,
    cliTarget: { node: cliNode, executor },
    executorOf: (node) => executorOfNode(env, node),
    daemons: () => (daemons ??= osdDaemonControlFor(env, ceph)),
    controlDaemons: () => (controlDaemons ??= controlDaemonControlFor(env, ceph)),
    destructive: destructiveTag && env.scope.allowDestructive,
    allowedHealthChecks: options.allowedHealthChecks ?? [],
  };
}

/** requireInScope: the OSD host must be an environment node in scope, or the fault is refused at plan time. */
export function requireInScope(env: Environment, node: string, what: string): NodeSpec {
  const spec = env.nodes.find((n) => n.name === node);
  if (!spec) {
    throw new BadInput(
      `${what} runs on CRUSH host "${node}", which is not a node of environment ${env.name}`,
      { file: env.sourcePath },
      `name the node like its CRUSH host (ceph osd tree), or add node "${node}" with its executor`,
    );
  }
  requireNodesInScope(env, [node], what);
  return spec;
}

/** hostOfOsd: the environment node of an OSD (its CRUSH host bucket), scope-checked. */
export function hostOfOsd(env: Environment, tree: OsdTree, osd: number): NodeSpec {
  if (!tree.nodes.some((n) => n.type === 'osd' && n.id === osd)) {
    const osds = tree.nodes.filter((n) => n.type === 'osd').map((n) => n.name);
    throw new BadInput(`osd.${osd} is not in the CRUSH map`, { file: env.sourcePath }, `pick one of: ${osds.join(', ') || '(no OSD)'} (ceph osd tree)`);
  }
  const host = osdHostName(tree, osd);
  if (!host) throw new BadInput(`osd.${osd} has no host bucket in ceph osd tree`, { file: env.sourcePath }, 'is the OSD id right? ceph osd tree lists the OSDs and their hosts');
  return requireInScope(env, host, `osd.${osd}`);
}

/** osdsOfHost: the OSD ids under a CRUSH host bucket named like the node, ascending. */
export function osdsOfHost(tree: OsdTree, node: string): number[] {
  const host = tree.nodes.find((n) => n.type === 'host' && n.name === node);
  if (!host) return [];
  const ids: number[] = [];
  const visit = (id: number): void => {
    const entry = tree.nodes.find((n) => n.id === id);
    if (!entry) return;
    if (entry.type === 'osd') ids.push(entry.id);
    else entry.children.forEach(visit);
  };
  host.children.forEach(visit);
  return ids.sort((a, b) => a - b);
}

/** readSafety: the real reads the safety check rests on, in parallel, and its verdict for exactly `osds`. */
export async function readSafety(context: CephFaultContext, osds: readonly number[]): Promise<OsdFaultSafety> {
  const { ceph } = context;
  const [status, tree, pools, rules, okToStop] = await Promise.all([ceph.status(), ceph.osdTree(), ceph.poolDetails(), ceph.crushRules(), ceph.okToStop(osds)]);
  return checkOsdFaultSafety({ osds, status, tree, pools, rules, okToStop, allowedHealthChecks: context.allowedHealthChecks });
}

/**
 * assertSafe: runs the safety check and throws when it refuses. At plan time every refusal is BadInput (exit 2,
 * nothing touched). Right before an injection a refusal about the cluster's state (health, PGs, ok-to-stop)
 * is NotSteady — the cluster was not in its steady state, nothing was injected — and a refusal about the
 * scenario itself (budget, unknown OSD) stays BadInput. Returns the line for the plan or the journal.
 */
export async function assertSafe(context: CephFaultContext, osds: readonly number[], when: 'plan' | 'inject'): Promise<string> {
  const verdict = await readSafety(context, osds);
  if (verdict.ok) return verdict.message;
  const lifted = context.destructive && (verdict.check === 'budget' || verdict.check === 'ok-to-stop');
  if (lifted) return `@destructive lifts the limit: ${verdict.message}`;
  const hint =
    verdict.check === 'budget' || verdict.check === 'ok-to-stop'
      ? 'fault fewer OSDs (or OSDs in one failure-domain bucket); a data-loss drill needs the @destructive tag and scope.allowDestructive: true'
      : 'wait until the cluster is HEALTH_OK with all PGs active+clean (ceph -s), then run again';
  if (when === 'inject' && verdict.check !== 'budget' && verdict.check !== 'osds') {
    throw new NotSteady(`${verdict.message}; nothing was injected`, { check: verdict.check });
  }
  throw new BadInput(verdict.message, undefined, hint);
}
