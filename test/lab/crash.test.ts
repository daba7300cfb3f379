/**
 * The crash test (issue "fault library", acceptance): 20 runs whose runner — its whole process group — is
 * SIGKILLed at a random moment while a fault is active. In every run, TTL + 5 s after the injection, no
 * artefact (nft table, expiry timer, revert marker) may remain on any lab node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labDown, labUp } from '../../lab/lab';
import { runCommand } from '../../src/executors/command';
import { listArtefactsScript } from '../../src/revert/shell-markers';
import { journalOf, labEnv, startCli, tempReportsDir, waitFor } from './helpers';

const env = labEnv();
const RUNS = 20;
const TTL_MS = 4000;

async function artefactsOnLab(): Promise<string[]> {
  const found: string[] = [];
  for (const node of env.nodes) {
    if (node.executor.kind !== 'netns') continue;
    const listed = await runCommand(['ip', 'netns', 'exec', node.executor.namespace, 'sh', '-c', listArtefactsScript(node.name)], { timeoutMs: 10_000 });
    for (const line of listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) found.push(`${node.name}: ${line}`);
  }
  return found;
}

describe('crash test: SIGKILL of the runner during an active fault', () => {
  before(async () => {
    await labUp(env, () => undefined);
  });
  after(async () => {
    await labDown(env, () => undefined);
  });

  it(`leaves nothing behind TTL + 5 s after the injection, in each of ${RUNS} runs killed at random moments`, async (t) => {
    const cleanAfterMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const reports = tempReportsDir();
      const { child, finished } = startCli(['run', '--reports', reports, 'test/lab/features/crash-isolation.feature']);
      await waitFor(() => journalOf(reports).some((e) => e.type === 'inject-intent'), 20_000, `run ${run}: the injection`).catch(async (error: Error) => {
        child.kill('SIGKILL');
        const output = await finished;
        throw new Error(`${error.message}\n${output.stderr}`);
      });
      const injectedAt = Date.now();
      // Anywhere from right after the journal entry (before or during nft) to near the end of the fault.
      await new Promise((r) => setTimeout(r, Math.random() * 2800));
      process.kill(-(child.pid as number), 'SIGKILL');
      await finished;
      await waitFor(async () => (await artefactsOnLab()).length === 0, TTL_MS + 5000 - (Date.now() - injectedAt), `run ${run}: the node to be clean`).catch(async (error: Error) => {
        throw new Error(`${error.message}; still there: ${(await artefactsOnLab()).join(', ')}`);
      });
      cleanAfterMs.push(Date.now() - injectedAt);
    }
    t.diagnostic(`clean after injection: max ${Math.max(...cleanAfterMs)} ms, TTL ${TTL_MS} ms, limit ${TTL_MS + 5000} ms, ${RUNS} runs`);
    assert.equal(cleanAfterMs.length, RUNS);
    assert.deepEqual(await artefactsOnLab(), []);
  });
});
