/**
 * The shard pod's program (docs/decisions/0158): `/bin/sh -c` in the scs-chaos image. It runs `scs-chaos run` with
 * the shard's arguments (one a line in /config/shard-<JOB_COMPLETION_INDEX>.args), forwards SIGTERM to the runner
 * (which reverts its faults, exit 4) and writes the run's exit code. Then it waits for the submitter to take the run
 * directory (`tar` over exec) and touch /reports/collected — at most SCS_CHAOS_COLLECT_SECONDS, so a pod whose
 * submitter was killed still ends, its Job then deleted by ttlSecondsAfterFinished. The pod exits with the run's
 * code: with backoffLimitPerIndex 0 a failed shard is never retried and never stops the others.
 */

/** Where a shard's run directories are written in the pod (`latest` names the run). */
export const POD_RUNS_DIR = '/reports/runs';
/** Written by the pod when its run has ended: the run's exit code. */
export const POD_EXIT_CODE_FILE = '/reports/exit-code';
/** Touched by the submitter once it holds the run directory: the pod may end. */
export const POD_COLLECTED_FILE = '/reports/collected';
/** The line a pod prints when its run ended, before it waits to be collected. */
export const RUN_ENDED_LINE = 'scs-chaos shard: run exit';

export const SHARD_POD_SCRIPT = `set -u
cli=/opt/scs-chaos/bin/scs-chaos.js
shard=\${JOB_COMPLETION_INDEX:?not a pod of an Indexed Job}
set --
while IFS= read -r arg; do [ -z "$arg" ] || set -- "$@" "$arg"; done < "/config/shard-$shard.args"
echo "scs-chaos shard $shard: scs-chaos run --seed $SCS_CHAOS_SEED $*"
mkdir -p ${POD_RUNS_DIR}
node "$cli" run --env /config/environment.yaml --seed "$SCS_CHAOS_SEED" --reports ${POD_RUNS_DIR} "$@" &
runner=$!
signalled=""
trap 'signalled=yes; kill -TERM "$runner" 2>/dev/null' TERM INT
code=0
wait "$runner" || code=$?
# A trapped signal ends the first wait early: wait again for the runner's own exit (its revert).
while [ -n "$signalled" ] && [ "$code" -gt 128 ]; do
  again=0
  wait "$runner" || again=$?
  [ "$again" != 127 ] || break
  code=$again
done
echo "$code" > ${POD_EXIT_CODE_FILE}
echo "${RUN_ENDED_LINE} $code"
waited=0
while [ ! -e ${POD_COLLECTED_FILE} ] && [ -z "$signalled" ] && [ "$waited" -lt "$SCS_CHAOS_COLLECT_SECONDS" ]; do
  sleep 1
  waited=$((waited + 1))
done
[ -e ${POD_COLLECTED_FILE} ] || echo "scs-chaos shard $shard: nobody collected the run directory within $SCS_CHAOS_COLLECT_SECONDS s"
exit "$code"
`;
