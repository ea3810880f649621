/**
 * Runs `each` over the items, at most `limit` at once (each lane takes the next item when its
 * last one ends), and resolves when all have ended. Callers that must go on past a failure
 * catch inside `each`.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) await each(items[next++] as T);
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
