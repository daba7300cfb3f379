/**
 * Cluster API remediation of a lost node, as the scenario reports and judges it: which Machine the node is, whether
 * a MachineHealthCheck covers it ("no remediation configured" when none does), and — when one does — the moments
 * the Machine's own conditions stamp: marked unhealthy (HealthCheckSucceeded=False), remediation asked of its owner
 * (OwnerRemediated=False), and the Machine deleted (deletionTimestamp), which is when the replacement starts.
 */
import type { KubeClient } from '../client/client';
import { stampOf } from '../observe/moments';
import { covering, listHealthChecks, listMachines, Machine, machineOfNode, qualified } from './machines';

export type RemediationState = 'no-cluster-api' | 'no-machine' | 'not-configured' | 'configured';

export interface RemediationReport {
  node: string;
  state: RemediationState;
  machine?: string;
  healthChecks: string[];
  /** Epoch ms from the Machine's conditions / metadata, when set. */
  unhealthyAt: number | null;
  remediationAskedAt: number | null;
  deletedAt: number | null;
  /** One line for people and the summary. */
  line: string;
}

const condition = (machine: Machine, type: string) => machine.status?.conditions?.find((c) => c.type === type);

export function describeRemediation(node: string, machines: Machine[] | null, checks: Parameters<typeof covering>[0]): RemediationReport {
  const base = { node, healthChecks: [] as string[], unhealthyAt: null, remediationAskedAt: null, deletedAt: null };
  if (machines === null) return { ...base, state: 'no-cluster-api', line: `no Cluster API in the cluster (no Machine CRD): node ${node} is not managed by Cluster API here; name the management cluster in kubernetes.clusterApi` };
  const machine = machineOfNode(machines, node);
  if (!machine) return { ...base, state: 'no-machine', line: `no Machine has status.nodeRef ${node}: Cluster API does not manage this node` };
  const coveringChecks = covering(checks, machine);
  const name = qualified(machine);
  if (coveringChecks.length === 0) return { ...base, state: 'not-configured', machine: name, line: `no remediation configured: no MachineHealthCheck covers Machine ${name} (node ${node}); Cluster API will not replace it` };
  const unhealthy = condition(machine, 'HealthCheckSucceeded');
  const owner = condition(machine, 'OwnerRemediated');
  const report: RemediationReport = {
    ...base,
    state: 'configured',
    machine: name,
    healthChecks: coveringChecks.map(qualified),
    unhealthyAt: unhealthy?.status === 'False' ? stampOf(unhealthy.lastTransitionTime) : null,
    remediationAskedAt: owner?.status === 'False' ? stampOf(owner.lastTransitionTime) : null,
    deletedAt: stampOf(machine.metadata.deletionTimestamp as string | undefined),
    line: '',
  };
  const at = (ms: number | null): string => (ms === null ? 'not yet' : new Date(ms).toISOString());
  report.line = `Machine ${name} (node ${node}) is covered by MachineHealthCheck ${report.healthChecks.join(', ')}: marked unhealthy ${at(report.unhealthyAt)}, remediation asked ${at(report.remediationAskedAt)}, Machine deleted ${at(report.deletedAt)}`;
  return report;
}

/** remediationOf: reads Machines and MachineHealthChecks and describes the node's remediation. */
export async function remediationOf(client: KubeClient, node: string): Promise<RemediationReport> {
  const machines = await listMachines(client);
  return describeRemediation(node, machines, machines === null ? [] : await listHealthChecks(client));
}
