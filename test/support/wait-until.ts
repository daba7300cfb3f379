/**
 * waitUntil: polls a condition (sync or async) every 50 ms for at most `timeoutMs`; resolves with its last value
 * (true as soon as it holds). For unit tests that wait for something a detached process does. The condition's
 * promise is awaited: a pending promise is not "true".
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return condition();
}
