/**
 * NsenterExecutor: commands in a network namespace named by its path (a Kubernetes pod's, e.g.
 * /var/run/netns/cni-…), on a host reached through another executor — `nsenter --net=<path>` in front of every
 * command. Only the network namespace changes: files (revert markers, expiry timers) are the host's, so a fault's
 * artefacts live where the host's sweep can find them, and they die with the namespace's nft tables and qdiscs.
 */
import type { ExecutorSpec } from '../model/environment';
import type { CommandOptions, CommandResult } from './command';
import { detachedLauncher, Executor, shellQuote } from './executor';
import type { LineProcess } from './line-process';

export class NsenterExecutor implements Executor {
  readonly description: string;
  readonly spec: ExecutorSpec;

  constructor(
    private readonly via: Executor,
    readonly netns: string,
  ) {
    this.description = `network namespace ${netns} via ${via.description}`;
    this.spec = { kind: 'nsenter', via: via.spec, netns };
  }

  private prefix(): string[] {
    return ['nsenter', `--net=${this.netns}`, '--'];
  }

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    return this.via.run([...this.prefix(), ...argv], options);
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.run(['sh', '-c', script], options);
  }

  async spawnDetached(script: string, name: string): Promise<void> {
    const launched = await this.via.runScript(`${this.prefix().map(shellQuote).join(' ')} sh -c ${shellQuote(detachedLauncher(script, name))}`, { timeoutMs: 10_000 });
    if (launched.code !== 0) throw new Error(`starting ${name} in ${this.description} failed: ${(launched.stderr || launched.stdout).trim()}`);
  }

  startLineProcess(argv: readonly string[]): LineProcess {
    return this.via.startLineProcess([...this.prefix(), ...argv]);
  }
}
