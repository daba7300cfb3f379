/**
 * process-pause: SIGSTOP to a service's main process — it holds its sockets but answers nothing, like a hung
 * disk or a stuck GC. Undo: SIGCONT. The node's expiry timer sends SIGCONT after the TTL.
 */
import { sleep } from '../../../kernel/clock';
import { ExperimentCompromised } from '../../../kernel/errors';
import type { FaultTarget } from '../target';
import { PreparedShellFault, ShellFault, shellFault } from '../../../revert/shell-fault';
import { findServicePid } from './find-process';
import { processState } from '../../../executors/process-state';

export const PAUSE_KIND = 'process-pause';

export function pauseProcess(target: FaultTarget): ShellFault {
  const serviceName = target.service?.name ?? 'process';
  return shellFault({
    kind: PAUSE_KIND,
    reversible: true,
    target,
    describe: () => `pause the ${serviceName} process on ${target.node.name} (SIGSTOP, revert SIGCONT)`,
    async prepare(): Promise<PreparedShellFault> {
      const pid = await findServicePid(target);
      const waitForState = async (wanted: (state: string | null) => boolean): Promise<string | null> => {
        let state: string | null = null;
        for (let attempt = 0; attempt < 20; attempt++) {
          state = await processState(target.executor, pid);
          if (wanted(state)) return state;
          await sleep(50);
        }
        return state;
      };
      return {
        kind: PAUSE_KIND,
        target: `${serviceName} on ${target.node.name}`,
        reversible: true,
        preState: { pid },
        // A process that is gone is as healthy as a paused process can be made again.
        revertScript: `kill -CONT ${pid} 2>/dev/null; true`,
        async apply() {
          const result = await target.executor.run(['kill', '-STOP', String(pid)], { timeoutMs: 5000 });
          if (result.code !== 0) throw new ExperimentCompromised(`could not pause pid ${pid} on ${target.node.name}: ${result.stderr.trim()}`);
        },
        async verifyActive() {
          const state = await waitForState((s) => s === 'T');
          if (state !== 'T') throw new ExperimentCompromised(`pid ${pid} on ${target.node.name} is in state ${state ?? 'gone'}, not T (stopped), after SIGSTOP`);
          return `pid ${pid} in state T (stopped)`;
        },
        async verifyReverted() {
          const state = await waitForState((s) => s !== 'T');
          if (state === 'T') throw new ExperimentCompromised(`pid ${pid} on ${target.node.name} is still stopped (state T) after SIGCONT`);
        },
      };
    },
  });
}
