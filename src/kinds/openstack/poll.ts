/** pollUntil: reads every 100 ms until `done` holds (met) or `timeoutMs` passed (not met); returns the last reading. */
import { sleep } from '../../kernel/clock';

export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<{ value: T; met: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return { value, met: true };
    if (Date.now() > deadline) return { value, met: false };
    await sleep(100);
  }
}
