/**
 * waitWithProgress: waits for a condition the way Ceph's own QA waits for clean PGs — the clock resets
 * whenever progress is seen, the wait fails when progress stalls for `stallMs`, and an absolute `capMs`
 * bounds it in any case. A slow but moving recovery is not a failure; a stuck one is found early.
 */
import { now, sleep } from './clock';
import { formatDuration } from './duration';

export interface ProgressPoll {
  done: boolean;
  /** Anything that changes while work moves forward (a count, a state); a change resets the stall timer. */
  progress: string | number;
  /** Shown in progress lines and errors, e.g. "118/128 PGs active+clean". */
  detail?: string;
}

export interface ProgressWaitOptions {
  /** What is waited for, e.g. "PGs to become active+clean". */
  what: string;
  poll: () => Promise<ProgressPoll>;
  intervalMs: number;
  stallMs: number;
  capMs: number;
  signal?: AbortSignal;
  /** Called at most every `reportEveryMs` (default 5 s) with a progress line for people. */
  onProgress?: (line: string) => void;
  reportEveryMs?: number;
}

export interface ProgressWaitResult {
  elapsedMs: number;
  polls: number;
  detail?: string;
}

/** WaitStalled: no progress for stallMs (or the cap was hit); carries the last detail seen. */
export class WaitStalled extends Error {
  override readonly name = 'WaitStalled';
  constructor(
    message: string,
    readonly reason: 'stalled' | 'cap',
    readonly elapsedMs: number,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export async function waitWithProgress(options: ProgressWaitOptions): Promise<ProgressWaitResult> {
  const started = now();
  let lastChange = started;
  let lastReport = started;
  let lastProgress: string | number | undefined;
  let polls = 0;
  for (;;) {
    const poll = await options.poll();
    polls++;
    const t = now();
    if (poll.done) {
      const result: ProgressWaitResult = { elapsedMs: t - started, polls };
      if (poll.detail !== undefined) result.detail = poll.detail;
      return result;
    }
    if (lastProgress === undefined || poll.progress !== lastProgress) {
      lastProgress = poll.progress;
      lastChange = t;
    }
    const detail = poll.detail ? ` (${poll.detail})` : '';
    if (t - lastChange >= options.stallMs) {
      throw new WaitStalled(`waiting for ${options.what}: no progress for ${formatDuration(t - lastChange)}${detail}`, 'stalled', t - started, poll.detail);
    }
    if (t - started >= options.capMs) {
      throw new WaitStalled(`waiting for ${options.what}: gave up after the cap of ${formatDuration(options.capMs)}${detail}`, 'cap', t - started, poll.detail);
    }
    if (options.onProgress && t - lastReport >= (options.reportEveryMs ?? 5000)) {
      lastReport = t;
      options.onProgress(`still waiting for ${options.what}: ${formatDuration(t - started)}${detail}`);
    }
    await sleep(options.intervalMs, options.signal);
  }
}
