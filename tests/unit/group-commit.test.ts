import { describe, expect, it } from 'vitest';
import { createGroupCommit, isRetryableConflict } from '@/lib/group-commit';

// The batcher under the create, status-change, job-add and publish paths.

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createGroupCommit', () => {
  it('sends a lone item at once and gathers the items that arrive meanwhile', async () => {
    const batches: number[][] = [];
    const gate = deferred<void>();
    const write = createGroupCommit<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      write: async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
        return items.map((n) => n * 2);
      },
    });
    const first = write(1);
    expect(batches).toEqual([[1]]); // not held back waiting for company
    const rest = [2, 3, 4].map((n) => write(n));
    gate.resolve();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps the batch size and the statements in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const write = createGroupCommit<number, number>({
      maxBatch: 3,
      maxInFlight: 2,
      write: async (items) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        sizes.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return items;
      },
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => write(n)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(most).toBe(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('never puts two items with one key in a statement, and keeps their order', async () => {
    const batches: string[][] = [];
    const gate = deferred<void>();
    const write = createGroupCommit<string, string>({
      maxBatch: 10,
      maxInFlight: 1,
      keyOf: (item) => item.split(':')[0] ?? item,
      write: async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
        return items;
      },
    });
    const all = [
      write('x:0'),
      write('a:1'),
      write('b:1'),
      write('a:2'),
      write('c:1'),
      write('a:3'),
    ];
    gate.resolve();
    await Promise.all(all);
    expect(batches).toEqual([['x:0'], ['a:1', 'b:1', 'c:1'], ['a:2'], ['a:3']]);
  });

  it('fails every item of a failed statement, and tries a deadlocked one again', async () => {
    let calls = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const write = createGroupCommit<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      isRetryable: isRetryableConflict,
      write: async (items) => {
        calls += 1;
        if (calls === 1) throw deadlock;
        if (items.includes(-1)) throw new Error('broken');
        return items;
      },
    });
    expect(await write(5)).toBe(5);
    expect(calls).toBe(2);
    await expect(write(-1)).rejects.toThrow('broken');
  });

  it('reruns a batch item by item when one item breaks it, so only that one fails', async () => {
    const gate = deferred<void>();
    let first = true;
    const write = createGroupCommit<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      isItemError: (error) => (error as Error).message === 'constraint',
      write: async (items) => {
        if (first) {
          first = false;
          await gate.promise;
        }
        if (items.includes(13)) throw new Error('constraint');
        return items;
      },
    });
    const blocker = write(0);
    const outcomes = Promise.allSettled([write(12), write(13), write(14)]);
    gate.resolve();
    await blocker;
    const settled = await outcomes;
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(settled[0]).toMatchObject({ value: 12 });
    expect(settled[2]).toMatchObject({ value: 14 });
  });

  it('tells deadlocks and serialization failures from other errors', () => {
    expect(isRetryableConflict({ code: '40P01' })).toBe(true);
    expect(isRetryableConflict({ code: 'P2010', meta: { code: '40001' } })).toBe(true);
    expect(isRetryableConflict(new Error('deadlock detected'))).toBe(true);
    expect(isRetryableConflict({ code: '23505' })).toBe(false);
  });
});
