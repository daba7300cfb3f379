/**
 * Test data for Ceph scenarios: objects written to a pool before the fault so that healing has something to move
 * (backfill, re-replication after "out"), and removed when the scenario ends. N objects of 1 MiB named
 * `scs-chaos-data-<run id>-<n>` (recognisably ours), written by one shell loop of `rados put` on the Ceph client
 * node (`rados` is a C++ binary: ~50 ms a call), so the step costs seconds, not a CLI start per object.
 */
import { randomBytes } from 'node:crypto';
import { now } from '../../../kernel/clock';
import { formatDuration } from '../../../kernel/duration';
import { BadInput } from '../../../kernel/errors';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import type { Environment } from '../../../model/environment';
import type { Executor } from '../../../executors/executor';
import { shellQuote } from '../../../executors/executor';
import type { CephAccess } from '../client/client';
import { cephAccessOf, cephSpecOf, executorOfNode } from '../client/from-environment';
import { radosArgv } from './io-probe';

/** The most test data one step may write (MiB): a lab pool lives in RAM (memstore), three copies of it. */
export const MAX_TEST_DATA_MIB = 256;
const OBJECT_BYTES = 1024 * 1024;

export class CephTestData {
  private readonly id = randomBytes(3).toString('hex');

  constructor(
    private readonly executor: Executor,
    private readonly access: CephAccess,
    readonly pool: string,
    readonly mib: number,
  ) {}

  objectName(n: number): string {
    return `scs-chaos-data-${this.id}-${n}`;
  }

  /** writeScript: one random 1 MiB file, put under every object name; the file is removed on every exit. */
  writeScript(): string {
    const put = radosArgv(this.access, ['-p', this.pool, 'put']).map(shellQuote).join(' ');
    return [
      'set -e',
      'f=$(mktemp)',
      'trap \'rm -f "$f"\' EXIT',
      `head -c ${OBJECT_BYTES} /dev/urandom > "$f"`,
      `i=0; while [ "$i" -lt ${this.mib} ]; do ${put} ${shellQuote(`scs-chaos-data-${this.id}-`)}"$i" "$f"; i=$((i + 1)); done`,
    ].join('\n');
  }

  /** write: puts every object; throws with rados's message when one fails (the ones written are still removed by remove()). */
  async write(): Promise<void> {
    const result = await this.executor.runScript(this.writeScript(), { timeoutMs: 30_000 + this.mib * 5_000 });
    if (result.code !== 0) throw new Error(`writing ${this.mib} MiB of test data into pool ${this.pool} failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }

  /** remove: removes every object name this data set may have written (absent ones are ignored). */
  async remove(): Promise<void> {
    const names = Array.from({ length: this.mib }, (_, n) => this.objectName(n));
    const rm = radosArgv(this.access, ['-p', this.pool, 'rm']).map(shellQuote).join(' ');
    // One rm per object: `rados rm a b c` stops at the first absent object.
    const script = names.map((name) => `${rm} ${shellQuote(name)} 2>/dev/null || true`).join('\n');
    const result = await this.executor.runScript(script, { timeoutMs: 30_000 + this.mib * 2_000 });
    if (result.code !== 0) throw new Error(`removing the test data from pool ${this.pool} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}

/**
 * writeTestData: writes `mib` MiB of test data into `pool` before the fault and removes it when the scenario ends
 * (every path). The pool's data is what recovery has to move; an empty lab pool heals by peering alone.
 */
export async function writeTestData(x: ScenarioHandle, env: Environment, pool: string, mib: number): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(pool)) throw new BadInput(`"${pool}" is not a plain pool name`, undefined, 'name an existing pool, e.g. "scs-chaos-lab"');
  if (!(Number.isInteger(mib) && mib >= 1 && mib <= MAX_TEST_DATA_MIB)) throw new BadInput(`${mib} MiB of test data is out of range`, undefined, `use 1 to ${MAX_TEST_DATA_MIB} MiB`);
  const spec = cephSpecOf(env);
  if (x.planning) {
    x.plan(`write ${mib} MiB of test data (${mib} objects scs-chaos-data-*) into pool ${pool} on ${spec.executorNode}; removed at the end of the scenario`);
    return;
  }
  const data = new CephTestData(executorOfNode(env, spec.executorNode), cephAccessOf(spec), pool, mib);
  x.atScenarioEnd(`${mib} MiB of test data removed from pool ${pool}`, () => data.remove());
  const started = now();
  await data.write();
  x.say(`wrote ${mib} MiB of test data into pool ${pool} in ${formatDuration(now() - started)}`);
}
