/**
 * Nova calls the faults, undos, probes and leftovers share: read a server, run a server action (returning Nova's
 * request id, which names the instance action), wait until no task runs, and tag a server with an injection.
 */
import type { OpenStackClient } from './client/client';
import { pollUntil } from './poll';

/** ServerView: the fields of GET /servers/{id} the kind reads. */
export interface ServerView {
  id: string;
  name: string;
  status: string;
  updated: string;
  metadata?: Record<string, string>;
  tags?: string[];
  'OS-EXT-STS:task_state': string | null;
  'OS-EXT-STS:vm_state': string;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-SRV-ATTR:host'?: string | null;
}

/** INJECTED_TAG: every server, port and member a fault changed carries it (preflight and sweep list them by it). */
export const INJECTED_TAG = 'scs-chaos-injected';
/** Metadata keys: the injection id, and the undo that brings the server back (sweep reads them without a journal). */
export const INJECTION_KEY = 'scs-chaos-injection';
export const UNDO_KEY = 'scs-chaos-undo';

const serverPath = (id: string): string => `/servers/${encodeURIComponent(id)}`;

export async function getServer(client: OpenStackClient, id: string, timeoutMs?: number): Promise<ServerView> {
  return (await client.get<{ server: ServerView }>('compute', serverPath(id), undefined, timeoutMs)).server;
}

/** serverAction: POST /servers/{id}/action; resolves with Nova's request id (the instance action's). */
export async function serverAction(client: OpenStackClient, id: string, body: Record<string, unknown>): Promise<string | null> {
  return (await client.request({ service: 'compute', method: 'POST', path: `${serverPath(id)}/action`, body })).requestId;
}

/** settled: waits until the server runs no task (Nova answers 409 to actions meanwhile); returns it. */
export async function settled(client: OpenStackClient, id: string, timeoutMs = 20_000): Promise<ServerView> {
  return (await pollUntil(() => getServer(client, id), (server) => server['OS-EXT-STS:task_state'] === null, timeoutMs)).value;
}

/** markServer: tags the server and records the injection and its undo in its metadata. */
export async function markServer(client: OpenStackClient, id: string, injectionId: string, undo: string): Promise<void> {
  await client.request({ service: 'compute', method: 'PUT', path: `${serverPath(id)}/tags/${INJECTED_TAG}` });
  await client.request({ service: 'compute', method: 'POST', path: `${serverPath(id)}/metadata`, body: { metadata: { [INJECTION_KEY]: injectionId, [UNDO_KEY]: undo } } });
}

/** unmarkServer: removes the tag and the metadata (each "not found" is fine: already gone). */
export async function unmarkServer(client: OpenStackClient, id: string): Promise<void> {
  const paths = [`${serverPath(id)}/tags/${INJECTED_TAG}`, `${serverPath(id)}/metadata/${INJECTION_KEY}`, `${serverPath(id)}/metadata/${UNDO_KEY}`];
  // One after another: parallel writes to the same instance deadlock on a SQLite-backed Nova (the lab's).
  for (const path of paths) {
    await client.request({ service: 'compute', method: 'DELETE', path }).catch((error: unknown) => {
      if (!(error as { notFound?: boolean }).notFound) throw error;
    });
  }
}

/** untilServer: polls the server every 100 ms until `done` holds (returns it) or `timeoutMs` passed (returns null and the last). */
export async function untilServer(client: OpenStackClient, id: string, done: (server: ServerView) => boolean, timeoutMs: number): Promise<{ server: ServerView; met: boolean }> {
  const { value, met } = await pollUntil(() => getServer(client, id), done, timeoutMs);
  return { server: value, met };
}

/** describeServer: "ACTIVE (vm_state active, task none)". */
export function describeServer(server: ServerView): string {
  return `${server.status} (vm_state ${server['OS-EXT-STS:vm_state']}, task ${server['OS-EXT-STS:task_state'] ?? 'none'})`;
}

/** isSteadyActive: ACTIVE with no task running: what "back" means for a server. */
export const isSteadyActive = (server: ServerView): boolean => server.status === 'ACTIVE' && server['OS-EXT-STS:task_state'] === null;
