/** PG states: which of Ceph's PG state words count as full redundancy (shared by the parsers and the cluster log). */

/**
 * isActiveClean: a PG state with full redundancy: active+clean, also while scrubbing or trimming snapshots
 * (neither reduces redundancy, and a cluster is rarely without a scrub). Any other flag (degraded, remapped,
 * peering, undersized, backfill*, recovery*) is not clean.
 */
export function isActiveClean(state: string): boolean {
  const parts = new Set(state.split('+'));
  if (!parts.has('active') || !parts.has('clean')) return false;
  return [...parts].every((part) => part === 'active' || part === 'clean' || part === 'scrubbing' || part === 'deep' || part === 'snaptrim' || part === 'snaptrim_wait');
}
