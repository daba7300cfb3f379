/**
 * Server power faults, reversible: stop (os-stop → SHUTOFF), pause (→ PAUSED) and suspend (→ SUSPENDED); the undo
 * is os-start, unpause or resume through Nova. The server is tagged scs-chaos-injected with the injection id and
 * its undo in its metadata before the action (a runner killed in between leaves it findable), and read back from
 * Nova: observed when its status is the harmed one, reverted when it is ACTIVE with no task and untagged. A server
 * that is not ACTIVE with no task running is refused: the undo would start a server someone stopped on purpose.
 */
import { ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { describeServer, INJECTED_TAG, markServer, serverAction, ServerView, untilServer } from '../nova';
import { openstackRecipe } from '../recipe';
import { serverChecks } from './server-common';
import { HarmedServerState } from '../undo';

export type PowerFault = 'stop' | 'pause' | 'suspend';

const POWER: Record<PowerFault, { action: string; harmed: HarmedServerState; verb: string }> = {
  stop: { action: 'os-stop', harmed: 'SHUTOFF', verb: 'stop' },
  pause: { action: 'pause', harmed: 'PAUSED', verb: 'pause' },
  suspend: { action: 'suspend', harmed: 'SUSPENDED', verb: 'suspend' },
};
/** The task state Nova sets while it carries out the undo. */
const UNDO_TASK: Record<PowerFault, string> = { stop: 'powering-on', pause: 'unpausing', suspend: 'resuming' };
/** How long Nova may take to reach the harmed state or ACTIVE again (0.2-1.5 s in the lab; real hypervisors: seconds). */
const TRANSITION_TIMEOUT_MS = 60_000;

/** serverPowerFault: stops, pauses or suspends one server for the scenario's duration. */
export function serverPowerFault(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, fault: PowerFault, file: string): Fault {
  const { action, harmed, verb } = POWER[fault];
  const kind = `openstack-server-${fault}`;
  const { inspect, planCheck, about } = serverChecks(client, spec, server, file, `bring it back first (openstack server start ${server.name}) or pick another: the revert would change a state someone chose`);
  return {
    kind,
    reversible: true,
    harms: [],
    describe: () => `${verb} OpenStack server ${server.name} (→ ${harmed}, revert: ${action === 'os-stop' ? 'os-start' : action === 'pause' ? 'unpause' : 'resume'})`,
    planCheck,
    async prepare(injectionId) {
      await inspect();
      let requestId: string | null = null;
      return {
        ...about,
        kind,
        reversible: true,
        revert: openstackRecipe(spec, { name: client.name, authUrl: client.cloud.authUrl }, `server ${server.name}`, [{ kind: 'server', server: server.id, name: server.name, harmedState: harmed }]),
        async apply() {
          await markServer(client, server.id, injectionId, harmed);
          requestId = await serverAction(client, server.id, { [action]: null });
        },
        async verifyActive() {
          const { server: seen, met } = await untilServer(client, server.id, (s) => s.status === harmed, TRANSITION_TIMEOUT_MS);
          if (!met) throw new ExperimentCompromised(`${verb} of OpenStack server ${server.name}: Nova accepted it (request ${requestId ?? '?'}), but the server is ${describeServer(seen)} after ${TRANSITION_TIMEOUT_MS / 1000}s, not ${harmed}`);
          return `server ${server.name} ${describeServer(seen)}, tagged ${INJECTED_TAG} (${seen.metadata?.['scs-chaos-injection'] ?? '?'}); Nova request ${requestId ?? '?'} (read back from Nova)`;
        },
        async verifyReverted() {
          // Reverted once Nova works on the undo (or is done) and the tag is gone; coming back ACTIVE is the healing the probe measures.
          const undone = (s: ServerView): boolean => !(s.tags ?? []).includes(INJECTED_TAG) && (s.status !== harmed || (s['OS-EXT-STS:task_state'] ?? '') === UNDO_TASK[fault]);
          const { server: seen, met } = await untilServer(client, server.id, undone, TRANSITION_TIMEOUT_MS);
          if (!met) throw new ExperimentCompromised(`revert of the ${verb} of OpenStack server ${server.name}: it is ${describeServer(seen)}${(seen.tags ?? []).includes(INJECTED_TAG) ? `, still tagged ${INJECTED_TAG}` : ''} after ${TRANSITION_TIMEOUT_MS / 1000}s`);
        },
      };
    },
  };
}
