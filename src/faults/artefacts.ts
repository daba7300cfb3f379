/**
 * Artefacts: how scs-chaos finds its faults on a node without any journal (DESIGN.md section 5, layer 3).
 *  - nft tables named scs_chaos_<id>
 *  - expiry timers: processes whose command line holds scs-chaos-ttl-<id>
 *  - revert markers: /run/scs-chaos/<node>/<id>.revert — every reversible injection writes its revert script
 *    there before the fault is applied (src/core/injection.ts), so artefacts that carry no name of their own
 *    (a tc qdisc, a filled file, a stopped unit) can be undone without a journal. The revert removes it.
 *    Per node, because lab nodes share one filesystem.
 * One script lists them, one removes them, so `preflight` and `sweep` agree on what a leftover is.
 */

/** MARKER_DIR: where faults leave revert scripts for artefacts that carry no name of their own. */
export const MARKER_DIR = '/run/scs-chaos';

/** revertMarkerPath: where an injection's revert script waits on its node until the fault is reverted. */
export function revertMarkerPath(nodeName: string, injectionId: string): string {
  return `${MARKER_DIR}/${nodeName}/${injectionId}.revert`;
}

/** listArtefactsScript: prints one line per scs-chaos artefact on the node ("kind: what"); nothing when clean. */
export function listArtefactsScript(nodeName: string): string {
  return [
    `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) echo "nft table: $family $name";; esac; done`,
    `for f in ${MARKER_DIR}/${nodeName}/*.revert; do [ -f "$f" ] && echo "revert marker: $f"; done`,
    `pgrep -af '[s]cs-chaos-ttl-' 2>/dev/null | sed 's/^/expiry timer: /' | cut -c1-160`,
    'true',
  ].join('\n');
}

/** sweepScript: removes every artefact listArtefactsScript finds, printing one line per removal. */
export function sweepScript(nodeName: string): string {
  return [
    `for f in ${MARKER_DIR}/${nodeName}/*.revert; do [ -f "$f" ] || continue; if sh "$f"; then rm -f "$f"; echo "ran and removed $f"; else echo "FAILED: $f"; fi; done`,
    `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) nft delete table "$family" "$name" && echo "removed nft table $family $name";; esac; done`,
    `pkill -TERM -f '[s]cs-chaos-ttl-' && echo "stopped expiry timers"`,
    'true',
  ].join('\n');
}
