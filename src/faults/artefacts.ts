/**
 * Artefacts: how scs-chaos finds its faults on a node without any journal (DESIGN.md section 5, layer 3).
 *  - nft tables named scs_chaos_<id>
 *  - expiry timers: processes whose command line holds scs-chaos-ttl-<id>
 *  - revert markers: /run/scs-chaos/<id>.revert — a fault whose artefacts carry no name of their own (a tc
 *    qdisc, a filled file, a stopped unit) writes its revert script there; running it undoes the fault and
 *    removes the marker.
 * One script lists them, one removes them, so `preflight` and `sweep` agree on what a leftover is.
 */

/** MARKER_DIR: where faults leave revert scripts for artefacts that carry no name of their own. */
export const MARKER_DIR = '/run/scs-chaos';

/** LIST_ARTEFACTS_SCRIPT: prints one line per scs-chaos artefact on the node ("kind: what"); prints nothing when clean. */
export const LIST_ARTEFACTS_SCRIPT = [
  `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) echo "nft table: $family $name";; esac; done`,
  `for f in ${MARKER_DIR}/*.revert; do [ -f "$f" ] && echo "revert marker: $f"; done`,
  `pgrep -af '[s]cs-chaos-ttl-' 2>/dev/null | sed 's/^/expiry timer: /' | cut -c1-160`,
  'true',
].join('\n');

/** SWEEP_SCRIPT: removes every artefact LIST_ARTEFACTS_SCRIPT finds, printing one line per removal. */
export const SWEEP_SCRIPT = [
  `nft list tables 2>/dev/null | while read -r _ family name; do case "$name" in scs_chaos_*) nft delete table "$family" "$name" && echo "removed nft table $family $name";; esac; done`,
  `for f in ${MARKER_DIR}/*.revert; do [ -f "$f" ] || continue; if sh "$f"; then rm -f "$f"; echo "ran and removed $f"; else echo "FAILED: $f"; fi; done`,
  `pkill -TERM -f '[s]cs-chaos-ttl-' && echo "stopped expiry timers"`,
  'true',
].join('\n');
