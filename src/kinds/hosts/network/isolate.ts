/**
 * network-isolate: cuts a node off the network in both directions with an nftables table of its own
 * (`inet scs_chaos_<id>`) that drops everything but loopback. Undo: delete that table.
 * The table's counters show that packets were really dropped.
 */
import { ExperimentCompromised } from '../../../kernel/errors';
import { artefactName } from '../../../core/fault';
import type { FaultTarget } from '../target';
import { PreparedShellFault, ShellFault, shellFault } from '../../../revert/shell-fault';

export const ISOLATE_KIND = 'network-isolate';

/**
 * isolationRuleset: the nft script that isolates a host; priority -150 runs before ordinary filter chains.
 * `managementPort`: the ssh port the runner reaches the node through stays open, or the fault would cut the
 * runner's own line and could only be undone by the node's expiry timer.
 */
export function isolationRuleset(table: string, managementPort?: number): string {
  const keepIn = managementPort ? [`    tcp dport ${managementPort} accept comment "scs-chaos management (ssh)"`] : [];
  const keepOut = managementPort ? [`    tcp sport ${managementPort} accept comment "scs-chaos management (ssh)"`] : [];
  return [
    `table inet ${table} {`,
    '  chain input {',
    '    type filter hook input priority -150; policy accept;',
    '    iifname "lo" accept',
    ...keepIn,
    '    counter drop comment "scs-chaos network-isolate"',
    '  }',
    '  chain output {',
    '    type filter hook output priority -150; policy accept;',
    '    oifname "lo" accept',
    ...keepOut,
    '    counter drop comment "scs-chaos network-isolate"',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function isolateNode(target: FaultTarget): ShellFault {
  return shellFault({
    kind: ISOLATE_KIND,
    reversible: true,
    target,
    describe: () => `isolate ${target.node.name} from the network (nft table, both directions)`,
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      const table = artefactName(injectionId);
      const exec = target.executor;
      const tablePresent = async (): Promise<boolean> =>
        (await exec.run(['nft', 'list', 'table', 'inet', table], { timeoutMs: 5000 })).code === 0;
      return {
        kind: ISOLATE_KIND,
        target: target.node.name,
        reversible: true,
        preState: { nftTable: `inet ${table}` },
        revertScript: `nft delete table inet ${table} 2>/dev/null; ! nft list table inet ${table} >/dev/null 2>&1`,
        async apply() {
          const managementPort = exec.spec.kind === 'ssh' ? exec.spec.port : undefined;
          const result = await exec.run(['nft', '-f', '-'], { input: isolationRuleset(table, managementPort), timeoutMs: 10_000 });
          if (result.code !== 0) {
            throw new ExperimentCompromised(
              `could not isolate ${target.node.name} (${exec.description}): nft said "${result.stderr.trim()}". Is nftables installed on the node?`,
            );
          }
        },
        async verifyActive() {
          if (!(await tablePresent())) {
            throw new ExperimentCompromised(`isolation of ${target.node.name}: nft table inet ${table} is not listed after injection`);
          }
          return `nft table inet ${table} present on ${target.node.name}`;
        },
        async verifyReverted() {
          if (await tablePresent()) {
            throw new ExperimentCompromised(`isolation of ${target.node.name}: nft table inet ${table} is still listed after revert`);
          }
        },
      };
    },
  });
}
