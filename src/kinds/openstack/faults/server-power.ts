/**
 * Server power faults, reversible: stop (os-stop → SHUTOFF), pause (→ PAUSED) and suspend (→ SUSPENDED); the undo
 * is os-start, unpause or resume through Nova. The server is tagged scs-chaos-injected with the injection id and
 * its undo in its metadata before the action (a runner killed in between leaves it findable), and read back from
 * Nova: observed when its status is the harmed one, reverted when it is ACTIVE with no task and untagged. A server
 * that is not ACTIVE with no task running is refused: the undo would start a server someone stopped on purpose.
 */
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Fault } from '../../../core/fault';
import type { OpenStackClient } from '../client/client';
import type { OpenstackSpec } from '../environment';
import { describeServer, getServer, INJECTED_TAG, isSteadyActive, markServer, serverAction, ServerView, untilServer } from '../nova';
import { openstackRecipe } from '../recipe';
import { inServerScope } from '../selectors';
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

/** requireInScope: BadInput when the server is not in openstack.scope. */
export function requireInScope(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, file: string): void {
  if (!inServerScope(spec, server)) throw new BadInput(`OpenStack server ${server.name} is out of scope for cloud ${client.name}`, undefined, `add it to openstack.scope.servers (or a tag of it to serverTags) in ${file} if it may be harmed`);
}

/** serverPowerFault: stops, pauses or suspends one server for the scenario's duration. */
export function serverPowerFault(client: OpenStackClient, spec: OpenstackSpec, server: ServerView, fault: PowerFault, file: string): Fault {
  const { action, harmed, verb } = POWER[fault];
  const kind = `openstack-server-${fault}`;
  const inspect = async (): Promise<ServerView> => {
    const current = await getServer(client, server.id);
    requireInScope(client, spec, current, file);
    if (!isSteadyActive(current)) throw new BadInput(`OpenStack server ${server.name} is ${describeServer(current)}, not ACTIVE with no task`, undefined, `bring it back first (openstack server start ${server.name}) or pick another: the revert would change a state someone chose`);
    return current;
  };
  return {
    kind,
    reversible: true,
    harms: [],
    describe: () => `${verb} OpenStack server ${server.name} (→ ${harmed}, revert: ${action === 'os-stop' ? 'os-start' : action === 'pause' ? 'unpause' : 'resume'})`,
    async planCheck() {
      await inspect();
      return `OpenStack server ${server.name} (${server.id}) is ACTIVE in cloud ${client.name}`;
    },
    async prepare(injectionId) {
      await inspect();
      let requestId: string | null = null;
      return {
        kind,
        target: `OpenStack server ${server.name}`,
        reversible: true,
        preState: { id: server.id, status: 'ACTIVE' },
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
