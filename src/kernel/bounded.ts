/**
 * forEachBounded: runs `act` for every item with at most `limit` running at once, taking items lazily from the
 * iterable (a generator of 20,000 objects is never held in memory). The first error stops the taking of new
 * items; the ones already running finish, then that error is thrown.
 */
export async function forEachBounded<T>(items: Iterable<T>, limit: number, act: (item: T, index: number) => Promise<void>): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`forEachBounded: limit ${limit} is not a whole number >= 1`);
  const iterator = items[Symbol.iterator]();
  let index = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await act(next.value, index++);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) throw failure.error;
}
