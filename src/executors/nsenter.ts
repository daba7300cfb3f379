/**
 * NsenterExecutor: commands in a network namespace named by its path (a Kubernetes pod's, e.g.
 * /var/run/netns/cni-…), on a host reached through another executor — `nsenter --net=<path>` in front of every
 * command. Only the network namespace changes: files (revert markers, expiry timers) are the host's, so a fault's
 * artefacts live where the host's sweep can find them, and they die with the namespace's nft tables and qdiscs.
 */
import type { ExecutorSpec } from '../model/environment';
import type { CommandOptions, CommandResult } from './command';
import { Executor, shellQuote } from './executor';
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

  /**
   * spawnDetached: the host executor detaches the script its own way (a setsid'd process, or a timer Job for
   * kube-node, whose exec'd processes die with their helper pod); the script enters the namespace first.
   */
  async spawnDetached(script: string, name: string): Promise<void> {
    try {
      await this.via.spawnDetached(`exec ${this.prefix().map(shellQuote).join(' ')} sh -c ${shellQuote(script)} ${shellQuote(name)}`, name);
    } catch (error) {
      throw new Error(`starting ${name} in ${this.description} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  startLineProcess(argv: readonly string[]): LineProcess {
    return this.via.startLineProcess([...this.prefix(), ...argv]);
  }
}
