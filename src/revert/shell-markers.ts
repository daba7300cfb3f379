/**
 * Artefacts: how scs-chaos finds its faults on a node without any journal (DESIGN.md section 5, layer 3).
 *  - nft tables named scs_chaos_<id>
 *  - expiry timers: processes whose command line holds scs-chaos-ttl-<id> and the node's marker directory (every
 *    timer ends by removing its marker, so its script names /run/scs-chaos/<node>/). Lab nodes share one process
 *    table: without the node's directory a second lab on the machine would see this lab's timers as its own.
 *  - revert markers: /run/scs-chaos/<node>/<id>.revert — every reversible injection writes its revert script
 *    there before the fault is applied (src/core/injection.ts), so artefacts that carry no name of their own
 *    (a tc qdisc, a filled file, a stopped unit) can be undone without a journal. The revert removes it.
 *    Per node, because lab nodes share one filesystem.
 * One script lists them, one removes them, so `preflight` and `sweep` agree on what a leftover is.
 */
import { shellQuote } from '../executors/executor';

/** MARKER_DIR: where faults leave revert scripts for artefacts that carry no name of their own. */
export const MARKER_DIR = '/run/scs-chaos';

/** revertMarkerPath: where an injection's revert script waits on its node until the fault is reverted. */
export function revertMarkerPath(nodeName: string, injectionId: string): string {
  return `${MARKER_DIR}/${nodeName}/${injectionId}.revert`;
}

/** nodeTimers: a shell pipeline printing "pid command" of the expiry timers that belong to `nodeName`. */
function nodeTimers(nodeName: string): string {
  return `pgrep -af '[s]cs-chaos-ttl-' 2>/dev/null | grep -F ${shellQuote(`${MARKER_DIR}/${nodeName}/`)}`;
}

/** listArtefactsScript: prints one line per scs-chaos artefact on the node ("kind: what"); nothing when clean. */
export function listArtefactsScript(nodeName: string): string {
  return [
    `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) echo "nft table: $family $name";; esac; done`,
    `for f in ${MARKER_DIR}/${nodeName}/*.revert; do [ -f "$f" ] && echo "revert marker: $f"; done`,
    `${nodeTimers(nodeName)} | sed 's/^/expiry timer: /' | cut -c1-160`,
    'true',
  ].join('\n');
}

/** sweepScript: removes every artefact listArtefactsScript finds, printing one line per removal. */
export function sweepScript(nodeName: string): string {
  return [
    `for f in ${MARKER_DIR}/${nodeName}/*.revert; do [ -f "$f" ] || continue; if sh "$f"; then rm -f "$f"; echo "ran and removed $f"; else echo "FAILED: $f"; fi; done`,
    `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) nft delete table "$family" "$name" && echo "removed nft table $family $name";; esac; done`,
    `pids=$(${nodeTimers(nodeName)} | cut -d' ' -f1); [ -n "$pids" ] && kill -TERM $pids && echo "stopped expiry timers"`,
    'true',
  ].join('\n');
}
