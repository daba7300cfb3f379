/**
 * Cluster API remediation in a scenario: reported (a summary event and a line, never a failure) or judged ("within
 * a bound": refuted with "no remediation configured" when no MachineHealthCheck covers the node). The judgement
 * waits on a watch of the Machine (no polling) until it is deleted — the moment Cluster API starts replacing it —
 * and records the Machine's own stamps next to the watch's.
 */
import { now, wallClockAt } from '../../../kernel/clock';
import { ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import { formatDuration } from '../../../kernel/duration';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { round3 } from '../../../core/scenario-files';
import type { KubeClient } from '../client/client';
import { CAPI_GROUP, Machine } from './machines';
import { describeRemediation, RemediationReport, remediationOf } from './remediation';
import { listHealthChecks } from './machines';

function recordReport(x: ScenarioHandle, report: RemediationReport, seenAt: number): void {
  const injected = x.lastInjectedAt() ?? seenAt;
  const injectedWall = Date.parse(wallClockAt(injected));
  const stamp = report.deletedAt ?? report.remediationAskedAt ?? report.unhealthyAt;
  const at = stamp ?? Date.parse(wallClockAt(seenAt));
  x.recordEvent({
    kind: `capi-remediation-${report.state}`,
    event: report.line,
    at: new Date(at).toISOString(),
    afterSeconds: round3((at - injectedWall) / 1000),
    from: 'injection',
    source: stamp === null ? 'Machine and MachineHealthCheck objects, when read' : 'Machine conditions / deletionTimestamp (1 s resolution)',
    exact: stamp !== null,
    probeSeconds: round3((seenAt - injected) / 1000),
    logSeconds: null,
  });
  x.timeline.record('note', `Cluster API: ${report.line}`, { state: report.state }, seenAt);
}

/** reportRemediation: says and records how Cluster API would remediate the node; never refutes. */
export async function reportRemediation(x: ScenarioHandle, client: KubeClient, node: string): Promise<void> {
  if (x.planning) {
    x.plan(`report: Cluster API remediation of node ${node} (Machine, MachineHealthChecks)`);
    return;
  }
  const report = await remediationOf(client, node);
  x.say(`Cluster API: ${report.line}`);
  recordReport(x, report, now());
}

/** remediatedWithin: the node's Machine is remediated (deleted for replacement) within `boundMs` of the injection. */
export async function remediatedWithin(x: ScenarioHandle, client: KubeClient, node: string, boundMs: number): Promise<void> {
  if (x.planning) {
    x.plan(`judge: Cluster API remediates node ${node} (its Machine deleted for replacement) within ${formatDuration(boundMs)} of the injection`);
    return;
  }
  const injected = x.lastInjectedAt();
  if (injected === null) throw new ExperimentCompromised('no fault was injected, so Cluster API remediation cannot be timed');
  let report = await remediationOf(client, node);
  if (report.state !== 'configured' || !report.machine) {
    recordReport(x, report, now());
    throw new HypothesisRefuted(`Cluster API remediation of node ${node}: ${report.line}`, { state: report.state });
  }
  const [namespace, name] = report.machine.split('/') as [string, string];
  const checks = await listHealthChecks(client);
  let seenAt: number | null = null;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const update = (machine: Machine | undefined): void => {
    if (!machine) return;
    report = describeRemediation(node, [machine], checks);
    if (report.deletedAt !== null && seenAt === null) {
      seenAt = now();
      finish();
    }
  };
  const watch = client.watch<Machine>({
    path: `${CAPI_GROUP}/namespaces/${encodeURIComponent(namespace)}/machines`,
    query: { fieldSelector: `metadata.name=${name}` },
    subject: { resource: 'machines.cluster.x-k8s.io', namespace },
    onSync: (items) => update(items[0]),
    // A Machine deleted without a grace (no finalizers left) arrives as DELETED only: that is its deletion.
    onEvent: (type, machine) => update(type === 'DELETED' ? { ...machine, metadata: { ...machine.metadata, deletionTimestamp: machine.metadata.deletionTimestamp ?? new Date().toISOString() } } : machine),
  });
  const timer = setTimeout(finish, Math.max(0, injected + boundMs - now()));
  x.signal().addEventListener('abort', finish, { once: true });
  try {
    await ended;
  } finally {
    clearTimeout(timer);
    await watch.stop();
  }
  x.throwIfInterrupted();
  recordReport(x, report, seenAt ?? now());
  if (seenAt === null) throw new HypothesisRefuted(`Cluster API did not remediate node ${node} within ${formatDuration(boundMs)} of the injection: ${report.line}`, { state: report.state });
  x.say(`Cluster API remediated node ${node}: Machine ${report.machine ?? '?'} deleted, seen ${formatDuration((seenAt as number) - injected)} after the injection`);
}
