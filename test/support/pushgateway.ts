/**
 * startPushgateway: Debian's real prometheus-pushgateway on 127.0.0.1 with a free port and its persistence file
 * in `dir`, for tests. `stop()` ends it (TERM, KILL after 5 s) and is also run at process exit, so a failed test
 * leaves no gateway behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';

export const PUSHGATEWAY_BINARY = '/usr/bin/prometheus-pushgateway';

/** pushgatewaySkipReason: why a test cannot run here, or false; never skips in CI, where a missing install must fail. */
export function pushgatewaySkipReason(): string | false {
  try {
    accessSync(PUSHGATEWAY_BINARY, constants.X_OK);
    return false;
  } catch {
    return process.env.CI === 'true' ? false : `${PUSHGATEWAY_BINARY} is missing: run lab/install-packages.sh --for-tests as root (Debian prometheus-pushgateway)`;
  }
}

export interface RunningPushgateway {
  url: string;
  stop(): Promise<void>;
}

export async function startPushgateway(dir: string): Promise<RunningPushgateway> {
  // The port may be taken between choosing and binding it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(PUSHGATEWAY_BINARY, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pushgateway.data')}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killNow = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.on('exit', killNow);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await fetch(`http://127.0.0.1:${port}/-/ready`).then((r) => r.ok, () => false)) {
        return { url: `http://127.0.0.1:${port}`, stop: () => stop(child, killNow) };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    killNow();
    process.off('exit', killNow);
    if (attempt === 3) throw new Error(`prometheus-pushgateway did not become ready on 127.0.0.1:${port}: ${stderr.trim()}`);
  }
}

async function stop(child: ChildProcess, killNow: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const escalation = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(escalation);
  }
  process.off('exit', killNow);
}
