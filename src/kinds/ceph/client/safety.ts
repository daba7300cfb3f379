/**
 * checkOsdFaultSafety: may these OSDs be faulted (stopped, killed, marked out) together right now? A pure
 * function over parsed `ceph` outputs (DESIGN.md section 7), so the same rule runs at plan time, before the
 * injection, and in unit tests on captured outputs. Refused unless every one of these holds:
 *   1. HEALTH_OK (checks named in `allowedHealthChecks` are tolerated, e.g. a muted or known-harmless one);
 *   2. PG figures are current (a manager is active, PGs are reported) and every PG is active+clean —
 *      HEALTH_OK alone is not enough: Ceph shows it while PGs still peer or backfill;
 *   3. for every pool, the distinct buckets of its failure domain (host, rack, ... or osd) that the OSDs sit in
 *      stay within the pool's budget size − min_size, so every PG keeps at least min_size copies and stays
 *      writable; the refusal names the pool with the smallest budget that is exceeded;
 *   4. `ceph osd ok-to-stop <the same ids>` agrees (Ceph's own check against the current PG map).
 */
import { activeCleanCount } from './parse';
import type { CephStatus, CrushRule, OkToStop, OsdTree, OsdTreeNode, PoolDetail } from './types';

export interface OsdFaultSafetyInput {
  /** The OSD ids the fault would hit at the same time. */
  osds: readonly number[];
  status: CephStatus;
  tree: OsdTree;
  pools: readonly PoolDetail[];
  rules: readonly CrushRule[];
  /** The answer of `ceph osd ok-to-stop` for exactly `osds`. */
  okToStop: OkToStop;
  /** Health check codes that do not block a fault (default none). */
  allowedHealthChecks?: readonly string[];
}

/** The check that refused, for reports and tests. */
export type SafetyCheck = 'osds' | 'health' | 'pgs' | 'budget' | 'ok-to-stop';

export type OsdFaultSafety =
  | { ok: true; message: string; smallestBudget: number }
  | {
      ok: false;
      check: SafetyCheck;
      message: string;
      /** The pool whose budget would be exceeded (check "budget"). */
      pool?: { name: string; size: number; minSize: number; failureDomain: string; budget: number; bucketsHit: string[] };
    };

function refuse(check: SafetyCheck, message: string, pool?: Extract<OsdFaultSafety, { ok: false }>['pool']): OsdFaultSafety {
  return pool ? { ok: false, check, message, pool } : { ok: false, check, message };
}

const osdNames = (ids: readonly number[]): string => ids.map((id) => `osd.${id}`).join(', ');

export function checkOsdFaultSafety(input: OsdFaultSafetyInput): OsdFaultSafety {
  const { osds, status, tree, pools, rules, okToStop } = input;
  const names = osdNames(osds);
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, OsdTreeNode>();
  for (const node of tree.nodes) for (const child of node.children) parentOf.set(child, node);

  // 0. The OSDs exist.
  if (osds.length === 0) return refuse('osds', 'no OSD to fault was given');
  const unknown = osds.filter((id) => byId.get(id)?.type !== 'osd');
  if (unknown.length > 0) {
    return refuse('osds', `${osdNames(unknown)} is not in the CRUSH map (ceph osd tree lists ${tree.nodes.filter((n) => n.type === 'osd').map((n) => n.name).join(', ') || 'no OSD'}); pick an existing OSD`);
  }

  // 1. Health.
  const allowed = new Set(input.allowedHealthChecks ?? []);
  const blocking = status.health.checks.filter((check) => !allowed.has(check.code));
  if (status.health.status !== 'HEALTH_OK' && blocking.length > 0) {
    const list = blocking.map((check) => `${check.code} (${check.summary})`).join('; ');
    return refuse('health', `refusing to fault ${names}: the cluster is ${status.health.status}, not HEALTH_OK: ${list}. Wait until it is healthy (or allow the check in the environment if it is known and harmless)`);
  }

  // 2. PGs: current figures, all active+clean.
  const expectedPgs = pools.reduce((sum, pool) => sum + pool.pgNum, 0);
  if (!status.mgrAvailable || (expectedPgs > 0 && status.pgmap.numPgs === 0)) {
    return refuse('pgs', `refusing to fault ${names}: PG states are unknown (manager ${status.mgrAvailable ? 'active' : 'not active'}, ${status.pgmap.numPgs} PGs reported for ${expectedPgs} in the pools). Wait until a manager reports the PGs`);
  }
  const clean = activeCleanCount(status.pgmap.pgsByState);
  if (clean !== status.pgmap.numPgs) {
    const states = status.pgmap.pgsByState.map((entry) => `${entry.count} ${entry.state}`).join(', ');
    return refuse('pgs', `refusing to fault ${names}: ${clean} of ${status.pgmap.numPgs} PGs are active+clean (${states}). Wait until all are active+clean`);
  }

  // 3. Failure-domain budget, per pool; the smallest exceeded budget is named.
  const ancestorOfType = (id: number, type: string): OsdTreeNode | undefined => {
    let node = byId.get(id);
    while (node && node.type !== type) node = parentOf.get(node.id);
    return node;
  };
  const underRoot = (id: number, root: string | null): boolean => {
    if (root === null) return true;
    for (let node = byId.get(id); node; node = parentOf.get(node.id)) if (node.name === root) return true;
    return false;
  };
  let violation: Extract<OsdFaultSafety, { ok: false }>['pool'] | undefined;
  let smallestBudget = Infinity;
  for (const pool of pools) {
    const rule = rules.find((candidate) => candidate.id === pool.crushRule);
    if (!rule) return refuse('budget', `refusing to fault ${names}: pool "${pool.name}" uses CRUSH rule ${pool.crushRule}, which ceph osd crush rule dump does not list`);
    const budget = Math.max(0, pool.size - pool.minSize);
    smallestBudget = Math.min(smallestBudget, budget);
    const buckets = new Set<string>();
    for (const id of osds) {
      if (!underRoot(id, rule.root)) continue; // this pool keeps no data on that OSD
      const bucket = ancestorOfType(id, rule.failureDomain);
      // An OSD outside any bucket of the domain type still takes a replica away: count it on its own.
      buckets.add(bucket && bucket.type !== 'osd' ? `${rule.failureDomain} ${bucket.name}` : `osd.${id}`);
    }
    if (buckets.size > budget && (!violation || budget < violation.budget)) {
      violation = { name: pool.name, size: pool.size, minSize: pool.minSize, failureDomain: rule.failureDomain, budget, bucketsHit: [...buckets] };
    }
  }
  if (violation) {
    const v = violation;
    return refuse(
      'budget',
      `refusing to fault ${names}: pool "${v.name}" (size ${v.size}, min_size ${v.minSize}) tolerates ${v.budget} ${v.failureDomain} bucket(s) down ` +
        `(failure domain "${v.failureDomain}"), and this would hit ${v.bucketsHit.length}: ${v.bucketsHit.join(', ')}. Fault fewer OSDs, or OSDs in one ${v.failureDomain}`,
      v,
    );
  }

  // 4. Ceph's own verdict, for exactly these OSDs.
  const asked = [...osds].sort((a, b) => a - b).join(',');
  const answered = [...okToStop.osds].sort((a, b) => a - b).join(',');
  if (asked !== answered) return refuse('ok-to-stop', `refusing to fault ${names}: the ok-to-stop answer is for ${osdNames(okToStop.osds) || 'no OSD'}, not for these`);
  if (!okToStop.ok) {
    const sample = okToStop.badBecomeInactive.slice(0, 5).join(', ');
    return refuse('ok-to-stop', `refusing to fault ${names}: ceph osd ok-to-stop says no: ${okToStop.numNotOkPgs} PG(s) would become inactive${sample ? ` (${sample}${okToStop.badBecomeInactive.length > 5 ? ', ...' : ''})` : ''}`);
  }

  const budgetText = Number.isFinite(smallestBudget) ? `smallest pool budget ${smallestBudget}` : 'no pools';
  return { ok: true, message: `${names} may be faulted: HEALTH_OK, ${clean}/${status.pgmap.numPgs} PGs active+clean, within the ${budgetText}, ok-to-stop agrees`, smallestBudget: Number.isFinite(smallestBudget) ? smallestBudget : 0 };
}
