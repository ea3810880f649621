import { describe, expect, it } from 'vitest';
import { repeatPass } from '@/server/infra/repeat-pass';
import { waitFor } from '../support/wait-for';

// The background loops (durability, alerts) survive a failing pass: the next one runs anyway.

describe('repeatPass', () => {
  it('runs again after a pass that throws, and never overlaps passes', async () => {
    let calls = 0;
    let running = 0;
    let overlapped = false;
    const loop = repeatPass('test', 20, async () => {
      calls += 1;
      running += 1;
      if (running > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (calls <= 2) throw new Error('Postgres is down');
    });
    loop.soon(0);
    await waitFor(async () => (calls >= 4 ? true : undefined), 'passes after the failures');
    loop.stop();
    expect(overlapped).toBe(false);
  });

  it('stops: no pass after stop()', async () => {
    let calls = 0;
    const loop = repeatPass('test', 10, async () => {
      calls += 1;
    });
    loop.soon(0);
    await waitFor(async () => (calls >= 1 ? true : undefined), 'the first pass');
    loop.stop();
    const seen = calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toBe(seen);
  });
});
