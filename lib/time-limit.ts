/**
 * Rejects when `work` has not settled within `ms` (the work itself goes on: callers use this
 * only where a late result is harmless).
 */
export function rejectAfter<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
