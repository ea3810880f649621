import { afterAll, describe, expect, it, vi } from 'vitest';
import { authenticateApiKey } from '@/server/auth/api-keys';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createTestApiKey, createTestUser } from '../support/users';

// last_used_at is a hint written at most once a minute per key: a burst of requests with one
// key still records the use, and requests right after leave it alone.

afterAll(async () => {
  await closeClients();
});

async function lastUsedOf(key: string): Promise<Date | null> {
  const row = await getPrisma().apiKey.findFirstOrThrow({
    where: { prefix: key.slice(0, 12) },
    select: { lastUsedAt: true },
  });
  return row.lastUsedAt;
}

describe('API key last_used_at', () => {
  it('is set by a burst of concurrent uses of a new key, each authenticated', async () => {
    const user = await createTestUser('user', 'last-used');
    const key = await createTestApiKey(user);
    expect(await lastUsedOf(key)).toBeNull();

    const before = Date.now();
    const principals = await Promise.all(
      Array.from({ length: 30 }, () => authenticateApiKey(key, '198.51.100.20')),
    );
    for (const principal of principals) {
      expect(principal).toMatchObject({ kind: 'user', userId: user.principal.userId });
    }
    const first = await lastUsedOf(key);
    expect(first?.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(first?.getTime()).toBeLessThanOrEqual(Date.now());

    // Within the minute: used again, not written again.
    await authenticateApiKey(key, '198.51.100.20');
    expect(await lastUsedOf(key)).toEqual(first);
  });

  it('is written again once the last write is more than a minute old', async () => {
    const key = await createTestApiKey(await createTestUser('user', 'last-used-later'));
    await authenticateApiKey(key, '198.51.100.21');
    const first = await lastUsedOf(key);
    // Only Date is faked, so the database driver's own timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const aMinuteLater = Date.now() + 61_000;
      vi.setSystemTime(aMinuteLater);
      await authenticateApiKey(key, '198.51.100.21');
      const later = await lastUsedOf(key);
      expect(later?.getTime()).toBeGreaterThanOrEqual(aMinuteLater);
      expect(later?.getTime()).toBeGreaterThan((first?.getTime() ?? 0) + 60_000);
    } finally {
      vi.useRealTimers();
    }
  });
});
