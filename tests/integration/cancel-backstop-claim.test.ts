import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { closeClients } from '@/server/infra/clients';
import { claimCancelBackstop, type CancelRequest } from '@/server/tasks/cancel-relay';

// Every worker gets each cancel request; only the first to claim its backstop arms one.

afterAll(async () => {
  await closeClients();
});

function request(revision: number, taskId: string = randomUUID()): CancelRequest {
  const now = Date.now();
  return { taskId, revision, actorId: null, requestedAt: now, deadlineAt: now + 1_000 };
}

describe('cancel backstop claims', () => {
  it('lets one of many workers claim a cancel, and again for a later cancel of the task', async () => {
    const first = request(3);
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimCancelBackstop(first, 5_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // The same task cancelled again later (a new revision) is a new claim.
    expect(await claimCancelBackstop(request(7, first.taskId), 5_000)).toBe(true);
  });

  it('frees the claim once it expires', async () => {
    const cancel = request(1);
    expect(await claimCancelBackstop(cancel, 50)).toBe(true);
    expect(await claimCancelBackstop(cancel, 50)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await claimCancelBackstop(cancel, 50)).toBe(true);
  });
});
