/**
 * process-kill: SIGKILL to a service's main process. One-shot (reversible: false): whatever restarts the
 * process (supervisor, systemd, kubelet) is what the scenario tests, so there is nothing to revert.
 */
import { sleep } from '../../../kernel/clock';
import { ExperimentCompromised } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { PreparedShellFault, ShellFault, shellFault } from '../../../revert/shell-fault';
import { findServicePid } from './find-process';
import { processState } from '../../../executors/process-state';

export const KILL_KIND = 'process-kill';

export function killProcess(target: FaultTarget): ShellFault {
  const serviceName = target.service?.name ?? 'process';
  return shellFault({
    kind: KILL_KIND,
    reversible: false,
    target,
    describe: () => `kill the ${serviceName} process on ${target.node.name} (SIGKILL, one-shot)`,
    async prepare(): Promise<PreparedShellFault> {
      const pid = await findServicePid(target);
      return {
        kind: KILL_KIND,
        target: `${serviceName} on ${target.node.name}`,
        reversible: false,
        preState: { pid },
        revertScript: null,
        async apply() {
          const result = await target.executor.run(['kill', '-KILL', String(pid)], { timeoutMs: 5000 });
          if (result.code !== 0) throw new ExperimentCompromised(`could not kill pid ${pid} on ${target.node.name}: ${result.stderr.trim()}`);
        },
        async verifyActive() {
          // A killed process may linger as a zombie until its parent reaps it: state Z counts as dead.
          for (let attempt = 0; attempt < 40; attempt++) {
            const state = await processState(target.executor, pid);
            if (state === null || state === 'Z') return `pid ${pid} is gone`;
            await sleep(50);
          }
          throw new ExperimentCompromised(`pid ${pid} on ${target.node.name} is still alive 2s after SIGKILL`);
        },
        async verifyReverted() {
          // One-shot: nothing to verify.
        },
      };
    },
  });
}
