/**
 * Smoke check of bench:k8s at a small scale (20 nodes, 200 pods): the benchmark runs end to end against the real
 * API server and kwok, its resolver finds what the population says it must, the watch sees NotReady, and the last
 * line is the JSON the README promises. No figure is judged here (targets are the benchmark's business).
 * Skips, saying why, where the lab's Kubernetes build or kwok is not in the cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { missingApiServer } from '../support/kube-apiserver';
import { kwokCache } from '../../bench/k8s/kwok';
import { expectedMatches, FULL_POPULATION } from '../../bench/k8s/population';

const REPO = join(__dirname, '..', '..');

function whySkip(): string | false {
  const missing = missingApiServer();
  if (missing) return missing;
  if (!existsSync(kwokCache().binary)) return `kwok is not built (bash bench/k8s/build-kwok.sh builds it into ${kwokCache().dir})`;
  return false;
}

test('bench:k8s runs end to end at 20 nodes and 200 pods and ends with its JSON line', { skip: whySkip(), timeout: 120_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'ts-node/register', join(REPO, 'bench', 'k8s.ts'), '--nodes', '20', '--pods', '200', '--reps', '2'], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    timeout: 110_000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  const figures = JSON.parse(last) as Record<string, unknown>;
  const expected = expectedMatches({ ...FULL_POPULATION, nodes: 20, pods: 200 });
  assert.equal(figures.podsMatched, expected.pods);
  assert.equal(figures.nodesMatched, expected.nodes);
  for (const key of ['resolveSeconds', 'detectSeconds', 'rssMB']) {
    assert.equal(typeof figures[key], 'number', `${key} in ${last}`);
    assert.ok((figures[key] as number) > 0, `${key} > 0 in ${last}`);
  }
  assert.match(stdout, /phase populate: /);
});
