/**
 * waitUntil: polls a synchronous condition every 50 ms for at most `timeoutMs`; resolves with its last value
 * (true as soon as it holds). For unit tests that wait for something a detached process does.
 */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}
