/**
 * Nova's instance actions: every action on a server (create, stop, start, reboot, pause, ...) is recorded under the
 * request id of the API call, with events stamped by the compute service (start_time, finish_time; UTC with
 * microseconds, written without a zone). These are OpenStack's own times of a transition, which the kind puts in
 * summary.json next to its probe's.
 */
import type { OpenStackClient } from '../client/client';

export interface InstanceActionEvent {
  event: string;
  start_time: string;
  finish_time: string | null;
  result: string | null;
}

export interface InstanceAction {
  action: string;
  request_id: string;
  start_time: string;
  updated_at?: string | null;
  events?: InstanceActionEvent[];
}

/** novaTime: epoch ms of a Nova timestamp (UTC; Nova writes it without a zone). */
export function novaTime(stamp: string): number {
  return Date.parse(/Z$|[+-]\d\d:\d\d$/.test(stamp) ? stamp : `${stamp}Z`);
}

/** instanceAction: one action with its events, by request id. */
export async function instanceAction(client: OpenStackClient, server: string, requestId: string): Promise<InstanceAction> {
  return (await client.get<{ instanceAction: InstanceAction }>('compute', `/servers/${server}/os-instance-actions/${requestId}`)).instanceAction;
}

/** actionsSince: the server's actions that started at or after `sinceMs` (epoch), oldest first, with their events. */
export async function actionsSince(client: OpenStackClient, server: string, sinceMs: number): Promise<InstanceAction[]> {
  const { instanceActions } = await client.get<{ instanceActions: InstanceAction[] }>('compute', `/servers/${server}/os-instance-actions`);
  const recent = instanceActions.filter((a) => novaTime(a.start_time) >= sinceMs).sort((a, b) => novaTime(a.start_time) - novaTime(b.start_time));
  return Promise.all(recent.map((a) => instanceAction(client, server, a.request_id)));
}

/** The server status an action ends in, when it ends well. */
export const ACTION_ENDS_IN: Record<string, string> = { stop: 'SHUTOFF', start: 'ACTIVE', reboot: 'ACTIVE', pause: 'PAUSED', unpause: 'ACTIVE', suspend: 'SUSPENDED', resume: 'ACTIVE' };

/** finishedAt: when the action's last compute event finished (epoch ms), or null while it runs. */
export function finishedAt(action: InstanceAction): { ms: number; event: string } | null {
  const done = (action.events ?? []).filter((e) => e.finish_time !== null).sort((a, b) => novaTime(a.finish_time as string) - novaTime(b.finish_time as string));
  const last = done.at(-1);
  return last ? { ms: novaTime(last.finish_time as string), event: last.event } : null;
}
