/** LocalExecutor: runs commands on this machine, in the runner's own namespaces. */
import type { ExecutorSpec } from '../model/environment';
import { CommandOptions, CommandResult, runCommand, runChecked } from './command';
import { detachedLauncher, Executor } from './executor';
import { LineProcess, startLineProcess } from './line-process';

export class LocalExecutor implements Executor {
  readonly description = 'local host';
  readonly spec: ExecutorSpec = { kind: 'local' };

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    return runCommand(argv, options);
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return runCommand(['sh', '-c', script], options);
  }

  async spawnDetached(script: string, name: string): Promise<void> {
    await runChecked(['sh', '-c', detachedLauncher(script, name)], { timeoutMs: 10_000 });
  }

  startLineProcess(argv: readonly string[]): LineProcess {
    return startLineProcess(argv, `${argv.join(' ')} on the local host`);
  }
}
