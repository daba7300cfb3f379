/**
 * NetnsExecutor: runs commands inside a network namespace with `ip netns exec` — how the runner reaches a
 * lab node. Processes see the node's network (interfaces, nftables, qdiscs) but share the host's PIDs and
 * files, so process lookups must match on the node's own command line.
 */
import type { ExecutorSpec } from '../environment/types';
import { CommandOptions, CommandResult, runCommand, runChecked } from './command';
import { detachedLauncher, Executor } from './executor';

export class NetnsExecutor implements Executor {
  readonly description: string;
  readonly spec: ExecutorSpec;

  constructor(readonly namespace: string) {
    this.description = `netns ${namespace}`;
    this.spec = { kind: 'netns', namespace };
  }

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    return runCommand(['ip', 'netns', 'exec', this.namespace, ...argv], options);
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.run(['sh', '-c', script], options);
  }

  async spawnDetached(script: string, name: string): Promise<void> {
    await runChecked(['ip', 'netns', 'exec', this.namespace, 'sh', '-c', detachedLauncher(script, name)], {
      timeoutMs: 10_000,
    });
  }
}
