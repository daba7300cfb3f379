/**
 * Data-plane proof: a network fault is observed only when traffic meets it — never on the word of the tool that
 * set it up (an `nft` that does nothing and exits 0 once made an isolation look "observed"). Each check sends
 * real packets and says what must happen (docs/decisions/0104):
 *   - dropped-locally: the target node sends; its OUTPUT hook drops the packet, so the send fails at once with
 *     EPERM ("Operation not permitted") and nothing leaves the node. UDP through bash's /dev/udp, as the
 *     partition's knock does (knock.ts, docs/decisions/0061); a batch of sends for random loss (at least one
 *     of them must fail).
 *   - silence: a witness (another environment node) opens a TCP connection to the target; its INPUT hook drops
 *     the SYN, so the witness gets neither an answer nor a reset and gives up after KNOCK_TIMEOUT_S. The same
 *     knock is sent once before the fault (the baseline): a target that was silent already proves nothing, so
 *     that check is left out and says why.
 * bash is on every host we target (ping and nc are not). The knocks go only to environment nodes' addresses.
 */
import { shellQuote } from '../../../executors/executor';
import type { Executor } from '../../../executors/executor';
import type { DataPlaneCheck } from '../../../model/summary';
import type { ShellTarget } from '../../../revert/shell-fault';

/** KNOCK_TIMEOUT_S: how long a TCP knock waits for an answer; a SYN-ACK or a reset comes in ms on any LAN. */
export const KNOCK_TIMEOUT_S = 1;
/** PROOF_PORT: the discard port; closed on most hosts, so a knock is answered with a reset when nothing drops it. */
export const PROOF_PORT = 9;

/** KnockOutcome: what one knock met. */
export type KnockOutcome = 'sent' | 'connected' | 'refused' | 'eperm' | 'timeout' | 'unreachable' | 'error';

/** Expectation: what must happen under the fault (see the file comment). */
export type Expectation = 'dropped-locally' | 'silence';

/** Knock: traffic from one node to an address, and what must happen to it under the fault. */
export interface Knock {
  from: ShellTarget;
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
  /** UDP only: how many datagrams (random loss needs many); default 1. */
  sends?: number;
  expect: Expectation;
  /** Whose hook drops it, for people: "node-1's output hook". */
  where: string;
}

/** KnockResult: the outcomes of one knock, counted (one outcome for a single send or connect). */
export type KnockResult = Partial<Record<KnockOutcome, number>>;

/** knockScript: the POSIX script that sends one knock and prints what it met (parsed by parseKnock). */
export function knockScript(knock: Pick<Knock, 'transport' | 'address' | 'port' | 'sends'>): string {
  const device = `/dev/${knock.transport}/${knock.address}/${knock.port}`;
  if (knock.transport === 'tcp') {
    const connect = shellQuote(`exec 3<> ${device}`);
    return `o=$(timeout ${KNOCK_TIMEOUT_S} bash -c ${connect} 2>&1); echo "code=$?"; echo "$o"`;
  }
  const sends = Math.max(1, Math.min(knock.sends ?? 1, MAX_SENDS));
  const loop = `s=0; i=0; while [ $i -lt ${sends} ]; do i=$((i+1)); if echo scs-chaos-knock > ${device}; then s=$((s+1)); fi; done; echo "sent=$s"`;
  // Each failed send leaves bash's one-line message on stderr, merged here and counted by parseKnock.
  return `timeout 20 bash -c ${shellQuote(loop)} 2>&1; echo "code=$?"`;
}

/** MAX_SENDS: the most datagrams one loss check sends (well under a second of bash on a busy node). */
export const MAX_SENDS = 1000;

/**
 * timedOut: the exit status of `timeout` that ran out — 124 from coreutils, 143 (SIGTERM) from busybox's, which is
 * what a node reached through a busybox helper pod may run.
 */
const timedOut = (code: number): boolean => code === 124 || code === 143;

/** parseKnock: counts the outcomes a knock script printed. */
export function parseKnock(knock: Pick<Knock, 'transport' | 'sends'>, stdout: string): KnockResult {
  const code = Number(/code=(\d+)/.exec(stdout)?.[1] ?? NaN);
  const lines = stdout.split('\n').filter((line) => line && !line.startsWith('code='));
  if (knock.transport === 'tcp') {
    const said = lines.join(' ');
    const outcome: KnockOutcome =
      code === 0 ? 'connected' : timedOut(code) ? 'timeout' : /not permitted/i.test(said) ? 'eperm' : /refused/i.test(said) ? 'refused' : /unreachable|no route/i.test(said) ? 'unreachable' : 'error';
    return { [outcome]: 1 };
  }
  const sends = Math.max(1, Math.min(knock.sends ?? 1, MAX_SENDS));
  const sent = Number(/sent=(\d+)/.exec(stdout)?.[1] ?? 0);
  const eperm = lines.filter((line) => /not permitted/i.test(line)).length;
  const result: KnockResult = {};
  if (sent) result.sent = sent;
  if (eperm) result.eperm = eperm;
  const other = sends - sent - eperm;
  if (other > 0) result[timedOut(code) ? 'timeout' : 'error'] = other;
  return result;
}

/** knockMet: whether a result is what the expectation asks for. */
export function knockMet(expect: Expectation, result: KnockResult): boolean {
  if (expect === 'dropped-locally') return (result.eperm ?? 0) >= 1 && !result.connected;
  return (result.timeout ?? 0) >= 1 && !result.connected && !result.refused;
}

/** answered: a baseline that shows the path is open before the fault (a reset or a connection, or a UDP send that left). */
export function answered(knock: Pick<Knock, 'transport'>, result: KnockResult): boolean {
  return knock.transport === 'tcp' ? !!(result.connected || result.refused) : !!result.sent && !result.eperm;
}

/** describeResult: "refused ×1", "eperm ×3, sent ×997". */
export function describeResult(result: KnockResult): string {
  const parts = Object.entries(result).map(([outcome, count]) => (count === 1 ? outcome : `${outcome} ×${String(count)}`));
  return parts.length ? parts.join(', ') : 'nothing';
}

/** sendKnock: runs one knock from its node; a failure to run it at all is an 'error' outcome, never a pass. */
export async function sendKnock(knock: Knock): Promise<KnockResult> {
  const exec: Executor = knock.from.executor;
  try {
    const result = await exec.runScript(knockScript(knock), { timeoutMs: 25_000 });
    return parseKnock(knock, result.stdout);
  } catch {
    return { error: knock.sends ?? 1 };
  }
}

/** describeKnock: the traffic of a knock, e.g. "tcp connect to 198.18.0.11:9", "100 udp datagrams to 198.18.0.12:9". */
export function describeKnock(knock: Knock): string {
  if (knock.transport === 'tcp') return `tcp connect to ${knock.address}:${knock.port}`;
  const sends = knock.sends ?? 1;
  return `${sends === 1 ? 'a udp datagram' : `${sends} udp datagrams`} to ${knock.address}:${knock.port}`;
}

/** describeExpectation: what must happen, in words. */
export function describeExpectation(knock: Knock): string {
  return knock.expect === 'dropped-locally'
    ? `${(knock.sends ?? 1) > 1 ? 'at least one send' : 'the send'} fails with EPERM (dropped by ${knock.where})`
    : `no answer within ${KNOCK_TIMEOUT_S}s (the SYN dropped by ${knock.where})`;
}

/** Baseline: the result of a knock sent before the fault (silence checks only). */
export type Baselines = Map<Knock, KnockResult>;

/** takeBaselines: sends every silence knock once before the fault; the checks compare with these. */
export async function takeBaselines(knocks: readonly Knock[]): Promise<Baselines> {
  const silence = knocks.filter((knock) => knock.expect === 'silence');
  const results = await Promise.all(silence.map((knock) => sendKnock(knock)));
  return new Map(silence.map((knock, i) => [knock, results[i] as KnockResult]));
}

/**
 * runChecks: sends every knock under the fault and judges it. A silence knock whose baseline was not answered
 * proves nothing and is reported as skipped (ok stays true, `skipped` says why); every other check must be met.
 */
export async function runChecks(knocks: readonly Knock[], baselines: Baselines): Promise<DataPlaneCheck[]> {
  return Promise.all(
    knocks.map(async (knock): Promise<DataPlaneCheck> => {
      const check: DataPlaneCheck = { from: knock.from.node.name, traffic: describeKnock(knock), expect: describeExpectation(knock), observed: '', ok: false };
      const baseline = baselines.get(knock);
      if (baseline) {
        check.before = describeResult(baseline);
        if (!answered(knock, baseline)) {
          return { ...check, observed: 'not sent', ok: true, skipped: `no answer before the fault either (${check.before}), so silence would prove nothing` };
        }
      }
      const result = await sendKnock(knock);
      return { ...check, observed: describeResult(result), ok: knockMet(knock.expect, result) };
    }),
  );
}

/** describeChecks: one line per check, for evidence and for the "not observed" message. */
export function describeChecks(checks: readonly DataPlaneCheck[]): string {
  return checks
    .map((c) => `from ${c.from}: ${c.traffic}: ${c.skipped ? `skipped (${c.skipped})` : `${c.ok ? 'ok' : 'NOT MET'}, want ${c.expect}, got ${c.observed}${c.before ? ` (before the fault: ${c.before})` : ''}`}`)
    .join('; ');
}

/** lossSends: datagrams needed so that a loss of `percent` drops none of them with probability below 1e-6; null when more than MAX_SENDS. */
export function lossSends(percent: number): number | null {
  if (!(percent > 0)) return null;
  if (percent >= 100) return 1;
  const sends = Math.ceil(Math.log(1e-6) / Math.log(1 - percent / 100));
  return sends <= MAX_SENDS ? Math.max(1, sends) : null;
}
