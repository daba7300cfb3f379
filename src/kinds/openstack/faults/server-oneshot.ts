/**
 * One-shot server faults (nothing to revert; healing is what is tested): hard and soft reboot, and delete (only in a
 * scenario tagged @destructive, in an environment whose scope allows destructive scenarios). Each is observed by
 * the instance action Nova recorded under the request id of our call (GET /servers/{id}/os-instance-actions/{req}),
 * so a reboot that lasted 0.2 s is still proven; a delete also by the server being gone. No tag is left on the
 * server: a one-shot fault has nothing for `sweep` to undo.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Environment } from '../../../model/environment';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import { OpenStackApiError } from '../client/errors';
import type { OpenstackSpec } from '../environment';
import { getServer, serverAction, ServerView } from '../nova';
import { instanceAction } from '../probes/instance-actions';
import { serverChecks } from './server-common';

export type OneShotServerFault = 'hard-reboot' | 'soft-reboot' | 'delete';

const BODY: Record<OneShotServerFault, { action: string; body: Record<string, unknown> | null }> = {
  'hard-reboot': { action: 'reboot', body: { reboot: { type: 'HARD' } } },
  'soft-reboot': { action: 'reboot', body: { reboot: { type: 'SOFT' } } },
  delete: { action: 'delete', body: null },
};

/** requireDestructive: delete only in a @destructive scenario of an environment that allows it. */
export function requireDestructive(env: Environment, tags: readonly string[], what: string): void {
  if (!tags.includes('@destructive')) throw new BadInput(`${what} cannot be undone, and the scenario is not tagged @destructive`, undefined, 'tag the scenario @destructive if losing the server is intended');
  if (!env.scope.allowDestructive) throw new BadInput(`${what}: environment ${env.name} does not allow destructive scenarios`, { file: env.sourcePath }, `set scope.allowDestructive: true in ${env.sourcePath} if this environment may lose servers`);
}

/** serverOneShotFault: reboots (hard or soft) or deletes one server; BadInput for a delete outside @destructive. */
export function serverOneShotFault(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, fault: OneShotServerFault, file: string): Fault {
  const kind = `openstack-server-${fault}`;
  const { action, body } = BODY[fault];
  const { inspect, planCheck, about } = serverChecks(client, spec, server, file, 'wait until it is ACTIVE, or pick another server');
  return {
    kind,
    reversible: false,
    harms: [],
    describe: () => `${fault.replace('-', ' ')} OpenStack server ${server.name} (one-shot)`,
    planCheck,
    async prepare() {
      await inspect();
      let requestId: string | null = null;
      return {
        ...about,
        kind,
        reversible: false,
        revert: null,
        async apply() {
          requestId = body === null ? (await client.request({ service: 'compute', method: 'DELETE', path: `/servers/${server.id}` })).requestId : await serverAction(client, server.id, body);
        },
        async verifyActive() {
          if (!requestId) throw new ExperimentCompromised(`${fault} of OpenStack server ${server.name}: Nova returned no request id, so its instance action cannot be found`);
          const recorded = await instanceAction(client, server.id, requestId).catch((error: unknown) => {
            if (fault === 'delete' && error instanceof OpenStackApiError && error.notFound) return null;
            throw error;
          });
          if (recorded && recorded.action !== action) throw new ExperimentCompromised(`${fault} of ${server.name}: Nova recorded action ${recorded.action} for request ${requestId}, not ${action}`);
          if (fault === 'delete') {
            const gone = await getServer(client, server.id).then((s) => s.status === 'DELETED', (error: unknown) => error instanceof OpenStackApiError && error.notFound);
            return `server ${server.name} ${gone ? 'is gone' : 'is being deleted'}; Nova request ${requestId}${recorded ? ` recorded as instance action ${recorded.action}` : ''}`;
          }
          return `Nova recorded instance action ${recorded?.action ?? action} for request ${requestId} on server ${server.name} (started ${recorded?.start_time ?? '?'}Z)`;
        },
        async verifyReverted() {
          // One-shot: nothing to revert.
        },
      };
    },
  };
}
