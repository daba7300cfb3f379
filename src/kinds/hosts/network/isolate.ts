/**
 * network-isolate: cuts a node off the network in both directions with an nftables table of its own
 * (`inet scs_chaos_<id>`) that drops everything but loopback. Undo: delete that table.
 * The table's counters show that packets were really dropped; the proof is on the data plane (nft-proof.ts).
 * Its ruleset is the one nft.ts builds for a spec without peers.
 */
import type { FaultTarget } from '../target';
import { PreparedShellFault, ShellFault, shellFault } from '../../../revert/shell-fault';
import { managementPortOf, noPeers } from './network-fault';
import { NftFaultSpec, nftPrepared } from './nft';

export const ISOLATE_KIND = 'network-isolate';

/** isolationSpec: the nft fault spec of an isolation: every packet but loopback (and the management port), both ways. */
export function isolationSpec(managementPort?: number): NftFaultSpec {
  return { kind: ISOLATE_KIND, direction: 'both', peers: noPeers(), transports: [{ verdict: 'drop' }], ...(managementPort !== undefined ? { managementPort } : {}) };
}

/**
 * isolateNode: the isolation fault. Observed only on the data plane (nft-proof.ts): the node's UDP send to a
 * witness node must fail with EPERM, and the witness's TCP connect to the node must meet silence where it was
 * answered before — so an `nft` that accepts the ruleset and does nothing ends "not observed", never "observed".
 */
export function isolateNode(target: FaultTarget): ShellFault {
  return shellFault({
    kind: ISOLATE_KIND,
    reversible: true,
    target,
    describe: () => `isolate ${target.node.name} from the network (nft table, both directions)`,
    async prepare(injectionId: string): Promise<PreparedShellFault> {
      return nftPrepared(target, injectionId, isolationSpec(managementPortOf(target.executor)));
    },
  });
}
