// Group commit: many callers' writes of the same kind sent as one statement. An idle batcher
// sends a lone item at once (no added latency); items that arrive while every slot is busy
// wait and leave together when a slot frees, so a burst of N changes costs a few statements and
// commits instead of N. Each caller still gets its own result or error.

export interface GroupCommitOptions<Item, Result> {
  /** Items per statement at most. */
  maxBatch: number;
  /** Statements in flight at once; each holds a pooled connection. */
  maxInFlight: number;
  /** Writes the batch; one result per item, in order. Rejecting fails every item of it. */
  write(items: Item[]): Promise<Result[]>;
  /**
   * Items with the same key never share a statement (a row can change once per statement);
   * the later one waits for the next batch, so their order is kept.
   */
  keyOf?(item: Item): string;
  /** An error worth one more try of the whole batch (a deadlock between two batches). */
  isRetryable?(error: unknown): boolean;
  /**
   * An error that may belong to one item only (a constraint it breaks): the batch is written
   * again item by item, so only that item fails. Outages are not: every item would fail again.
   */
  isItemError?(error: unknown): boolean;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

const MAX_TRIES = 3;
const ITEM_FAILED = Symbol('group-commit item failed');

function isItemFailure(value: unknown): value is { [ITEM_FAILED]: unknown } {
  return typeof value === 'object' && value !== null && ITEM_FAILED in value;
}

export function createGroupCommit<Item, Result>(
  options: GroupCommitOptions<Item, Result>,
): (item: Item) => Promise<Result> {
  let waiting: Array<Pending<Item, Result>> = [];
  let inFlight = 0;

  const takeBatch = (): Array<Pending<Item, Result>> => {
    if (!options.keyOf) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      return batch;
    }
    const batch: Array<Pending<Item, Result>> = [];
    const rest: Array<Pending<Item, Result>> = [];
    const keys = new Set<string>();
    for (const pending of waiting) {
      const key = options.keyOf(pending.item);
      // Once a key is held back, every later item with it is too: their order is kept.
      if (batch.length >= options.maxBatch || keys.has(key)) rest.push(pending);
      else batch.push(pending);
      keys.add(key);
    }
    waiting = rest;
    return batch;
  };

  const writeWithRetry = async (items: Item[]): Promise<Result[]> => {
    for (let tries = 1; ; tries += 1) {
      try {
        return await options.write(items);
      } catch (error) {
        if (tries >= MAX_TRIES || !options.isRetryable?.(error)) throw error;
      }
    }
  };

  const writeIsolated = async (items: Item[]): Promise<Result[]> => {
    try {
      return await writeWithRetry(items);
    } catch (error) {
      if (items.length === 1 || !options.isItemError?.(error)) throw error;
      // Each item alone; the one that broke the batch fails by itself.
      const settled = await Promise.allSettled(items.map((item) => writeWithRetry([item])));
      return settled.map((outcome) => {
        if (outcome.status === 'fulfilled') return outcome.value[0] as Result;
        return { [ITEM_FAILED]: outcome.reason as unknown } as unknown as Result;
      });
    }
  };

  const pump = (): void => {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      inFlight += 1;
      writeIsolated(batch.map((pending) => pending.item))
        .then(
          (results) => {
            if (results.length !== batch.length) {
              throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
            }
            batch.forEach((pending, index) => {
              const result = results[index] as Result;
              if (isItemFailure(result)) pending.reject(result[ITEM_FAILED]);
              else pending.resolve(result);
            });
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        )
        .catch((error: unknown) => {
          for (const pending of batch) pending.reject(error);
        })
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}

/** Deadlocks and serialization failures: the whole statement was rolled back, so try again. */
export function isRetryableConflict(error: unknown): boolean {
  const { code, meta } = error as { code?: string; meta?: { code?: string } };
  const sqlState = meta?.code ?? code;
  if (sqlState === '40P01' || sqlState === '40001') return true;
  return /\b40P01\b|deadlock detected/i.test(error instanceof Error ? error.message : '');
}
