/**
 * ceph-osd-kill and ceph-osd-pause: signals to the ceph-osd process of one OSD on its node.
 *   kill   SIGKILL, one-shot (reversible: false): whatever restarts the daemon (the lab's supervisord, systemd,
 *          kubelet) and Ceph's own peering and recovery are what the scenario tests; nothing to revert.
 *   pause  SIGSTOP — the process keeps its sockets but answers nothing, like an OSD on a hung disk; its peers
 *          report it after the heartbeat grace. Undo: SIGCONT (the node's expiry timer sends it after the TTL).
 * The process is found by its command line (`ceph-osd ... -i N`, `--id N`, `-n osd.N`) and confirmed by the
 * cluster: a ceph-osd outside a container uses its pid as the address nonce in `ceph osd dump`
 * ("127.0.0.1:6801/12345"), so when two clusters run on one machine the right osd.N is the one whose pid is
 * that nonce. In a container the nonce is random; then exactly one candidate must be found, or nothing is done.
 */
import { sleep } from '../../../kernel/clock';
import { BadInput, ExperimentCompromised } from '../../../kernel/errors';
import type { Executor } from '../../../executors/executor';
import type { CephClient } from '../client/client';
import { PreparedShellFault, shellFault } from '../../../revert/shell-fault';
import { processState } from '../../../executors/process-state';
import { assertSafe, CephFault, CephFaultContext, hostOfOsd, osdsOfHost, requireInScope } from './context';

export const OSD_KILL_KIND = 'ceph-osd-kill';
export const OSD_PAUSE_KIND = 'ceph-osd-pause';

/** osdProcessPattern: a `pgrep -f` pattern for the ceph-osd of id N that matches neither pgrep nor a shell running it. */
export function osdProcessPattern(osd: number): string {
  return `[c]eph-osd .*(-i |--id[ =]|-n osd\\.|--name[ =]osd\\.)${osd}( |$)`;
}

/** addressNonce: the nonce of osd.N's public address in `ceph osd dump -f json` (its pid outside containers), or null. */
export function addressNonce(osdDumpJson: string, osd: number): number | null {
  const dump = JSON.parse(osdDumpJson) as { osds?: Array<{ osd?: number; public_addr?: string }> };
  const entry = dump.osds?.find((o) => o.osd === osd);
  const nonce = /\/(\d+)$/.exec(entry?.public_addr ?? '')?.[1];
  return nonce === undefined ? null : Number(nonce);
}

/** findOsdPid: the pid of osd.N's ceph-osd on its node (see the file comment for how it is told apart). */
export async function findOsdPid(executor: Executor, ceph: CephClient, osd: number, node: string): Promise<{ pid: number; how: string }> {
  const [found, dump] = await Promise.all([executor.run(['pgrep', '-f', osdProcessPattern(osd)], { timeoutMs: 5000 }), ceph.json(['osd', 'dump'])]);
  const candidates = found.stdout.split(/\s+/).filter(Boolean).map(Number);
  const nonce = addressNonce(dump, osd);
  if (nonce !== null && candidates.includes(nonce)) return { pid: nonce, how: `pid ${nonce} = the address nonce in ceph osd dump` };
  if (candidates.length === 1) return { pid: candidates[0] as number, how: `the only ceph-osd with id ${osd} on ${node}` };
  throw new ExperimentCompromised(
    `expected one ceph-osd process of osd.${osd} on ${node}, found ${candidates.length}` +
      (candidates.length ? ` (pids ${candidates.join(', ')}), none of them pid ${nonce ?? '?'} that ceph osd dump names` : '. Is the OSD running on that node?') +
      '; nothing was touched',
  );
}

/** signalOsd: the common fault behind killOsd and pauseOsd. */
async function signalOsd(context: CephFaultContext, osd: number, mode: 'kill' | 'pause'): Promise<CephFault> {
  const host = hostOfOsd(context.env, await context.ceph.osdTree(), osd);
  const executor = context.executorOf(host.name);
  const kind = mode === 'kill' ? OSD_KILL_KIND : OSD_PAUSE_KIND;

  const inspect = async (when: 'plan' | 'inject'): Promise<{ pid: number; how: string; safety: string }> => {
    const { pid, how } = await findOsdPid(executor, context.ceph, osd, host.name);
    const safety = await assertSafe(context, [osd], when);
    return { pid, how, safety };
  };
  const waitForState = async (pid: number, wanted: (state: string | null) => boolean, tries: number): Promise<string | null> => {
    let state: string | null = null;
    for (let attempt = 0; attempt < tries; attempt++) {
      state = await processState(executor, pid);
      if (wanted(state)) return state;
      await sleep(50);
    }
    return state;
  };

  return shellFault({
    kind,
    reversible: mode === 'pause',
    target: { node: host, executor },
    harmedNodes: [host.name],
    describe: () => (mode === 'kill' ? `kill the ceph-osd of osd.${osd} on ${host.name} (SIGKILL, one-shot)` : `pause the ceph-osd of osd.${osd} on ${host.name} (SIGSTOP, revert SIGCONT)`),
    async planCheck() {
      const { pid, how, safety } = await inspect('plan');
      return `osd.${osd} on ${host.name}: pid ${pid} (${how}); ${safety}`;
    },
    async prepare(): Promise<PreparedShellFault> {
      const { pid, how, safety } = await inspect('inject');
      const common = { kind, target: `osd.${osd} on ${host.name}`, preState: { osd, host: host.name, pid, found: how, safety } };
      if (mode === 'kill') {
        return {
          ...common,
          reversible: false,
          revertScript: null,
          async apply() {
            const result = await executor.run(['kill', '-KILL', String(pid)], { timeoutMs: 5000 });
            if (result.code !== 0) throw new ExperimentCompromised(`could not kill pid ${pid} (osd.${osd}) on ${host.name}: ${result.stderr.trim()}`);
          },
          async verifyActive() {
            // A killed process may linger as a zombie until its parent reaps it: state Z counts as dead.
            const state = await waitForState(pid, (s) => s === null || s === 'Z', 40);
            if (state !== null && state !== 'Z') throw new ExperimentCompromised(`pid ${pid} (osd.${osd}) on ${host.name} is still alive 2s after SIGKILL`);
            return `pid ${pid} of osd.${osd} is gone`;
          },
          async verifyReverted() {
            // One-shot: the deployment restarts the daemon; recovery is what the scenario measures.
          },
        };
      }
      return {
        ...common,
        reversible: true,
        // A process that is gone is as healthy as a paused one can be made again.
        revertScript: `kill -CONT ${pid} 2>/dev/null; true`,
        async apply() {
          const result = await executor.run(['kill', '-STOP', String(pid)], { timeoutMs: 5000 });
          if (result.code !== 0) throw new ExperimentCompromised(`could not pause pid ${pid} (osd.${osd}) on ${host.name}: ${result.stderr.trim()}`);
        },
        async verifyActive() {
          const state = await waitForState(pid, (s) => s === 'T', 20);
          if (state !== 'T') throw new ExperimentCompromised(`pid ${pid} (osd.${osd}) on ${host.name} is in state ${state ?? 'gone'}, not T (stopped), after SIGSTOP`);
          return `pid ${pid} of osd.${osd} in state T (stopped)`;
        },
        async verifyReverted() {
          const state = await waitForState(pid, (s) => s !== 'T', 20);
          if (state === 'T') throw new ExperimentCompromised(`pid ${pid} (osd.${osd}) on ${host.name} is still stopped (state T) after SIGCONT`);
        },
      };
    },
  });
}

/** killOsd: SIGKILL to osd.N's ceph-osd (one-shot). */
export function killOsd(context: CephFaultContext, osd: number): Promise<CephFault> {
  return signalOsd(context, osd, 'kill');
}

/** pauseOsd: SIGSTOP to osd.N's ceph-osd for the fault's duration, SIGCONT to undo. */
export function pauseOsd(context: CephFaultContext, osd: number): Promise<CephFault> {
  return signalOsd(context, osd, 'pause');
}

/**
 * killOneOsdOn: kills the lowest-numbered OSD under the node's CRUSH host — a repeatable choice (a scenario that
 * must vary it names the OSD). The node must be in scope and hold OSDs.
 */
export async function killOneOsdOn(context: CephFaultContext, node: string): Promise<CephFault> {
  requireInScope(context.env, node, `the OSDs of ${node}`);
  const osds = osdsOfHost(await context.ceph.osdTree(), node);
  const first = osds[0];
  if (first === undefined) throw new BadInput(`CRUSH host "${node}" has no OSDs (ceph osd tree)`, undefined, 'name a storage node whose host bucket holds OSDs');
  return killOsd(context, first);
}
