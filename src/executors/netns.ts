/**
 * NetnsExecutor: runs commands inside a network namespace with `ip netns exec` — how the runner reaches a
 * lab node. Processes see the node's network (interfaces, nftables, qdiscs) but share the host's PIDs and
 * files, so process lookups must match on the node's own command line.
 */
import type { ExecutorSpec } from '../model/environment';
import { CommandOptions, CommandResult, runCommand, runChecked } from './command';
import { detachedLauncher, Executor } from './executor';
import { NodeUnreachable } from './errors';
import { LineProcess, startLineProcess } from './line-process';

/** What `ip netns exec` prints (exit 255) when the namespace does not exist: the node is not there at all. */
const NO_NAMESPACE = /Cannot open network namespace/;

export class NetnsExecutor implements Executor {
  readonly description: string;
  readonly spec: ExecutorSpec;

  constructor(readonly namespace: string) {
    this.description = `netns ${namespace}`;
    this.spec = { kind: 'netns', namespace };
  }

  async run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    const result = await runCommand(['ip', 'netns', 'exec', this.namespace, ...argv], options);
    if (result.code === 255 && NO_NAMESPACE.test(result.stderr)) throw this.missing(result.stderr);
    return result;
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.run(['sh', '-c', script], options);
  }

  async spawnDetached(script: string, name: string): Promise<void> {
    await runChecked(['ip', 'netns', 'exec', this.namespace, 'sh', '-c', detachedLauncher(script, name)], {
      timeoutMs: 10_000,
    });
  }

  startLineProcess(argv: readonly string[]): LineProcess {
    return startLineProcess(['ip', 'netns', 'exec', this.namespace, ...argv], `${argv.join(' ')} in ${this.description}`);
  }

  private missing(stderr: string): NodeUnreachable {
    return new NodeUnreachable(
      `cannot reach the node in network namespace ${this.namespace}: the namespace does not exist\n  ip said: ${stderr.trim()}\n  check: is the lab up? (scs-chaos lab up; ip netns list)`,
      this.description,
      'no-namespace',
      stderr.trim(),
    );
  }
}
