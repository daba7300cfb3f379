/**
 * RadosSession's start-up against the real python3-rados: a cluster that cannot be reached is a clear error,
 * never a hang, and nothing keeps running. (Answers from a real cluster are covered by the lab tests: every
 * event stamped by an OSD map epoch or PG map version in test/lab/ceph-*.test.ts came through a session.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { LocalExecutor } from '../../../executors/local';
import { listProcesses } from '../../../../lab/processes';
import { RadosSession, SESSION_PYTHON } from './rados-session';

function radosMissing(): string | false {
  if (!existsSync(SESSION_PYTHON)) return `${SESSION_PYTHON} is not installed`;
  try {
    execFileSync(SESSION_PYTHON, ['-c', 'import rados'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3-rados is not installed (apt-get install python3-rados, or lab/install-packages.sh --for-tests)';
  }
}

/** processesNaming: pids whose command line contains `text` (read from /proc, so no shell of ours matches). */
function processesNaming(text: string): number[] {
  return listProcesses()
    .filter((p) => p.argv.some((arg) => arg.includes(text)))
    .map((p) => p.pid);
}

describe('RadosSession start-up', { skip: radosMissing() }, () => {
  it('a missing ceph.conf is reported with the reason', async () => {
    await assert.rejects(RadosSession.start(new LocalExecutor(), { conf: '/nonexistent/ceph.conf' }, 30), /librados session on local host did not start: cannot connect: .*(No such file|ENOENT|error)/i);
  });

  it('no monitor answering ends in a bounded error, and the process is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scs-rs-'));
    try {
      // A monitor address nothing listens on (loopback, a port from the reserved test range); keyring auth off.
      writeFileSync(join(dir, 'ceph.conf'), '[global]\nmon host = 127.0.0.1:1\nauth client required = none\nauth cluster required = none\nauth service required = none\nclient mount timeout = 2\n');
      const started = Date.now();
      await assert.rejects(RadosSession.start(new LocalExecutor(), { conf: join(dir, 'ceph.conf') }, 30, 20_000), /did not start/);
      assert.ok(Date.now() - started < 20_000, 'bounded by the connect timeout');
      assert.deepEqual(processesNaming(join(dir, 'ceph.conf')), [], 'no session process is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
